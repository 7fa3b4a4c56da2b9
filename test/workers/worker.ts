import { Hono } from "hono";
import { registry } from "./registry";

export const {
  MyActor,
  Counter,
  Inspector,
  PrivateActor,
  ActionsOnly,
  Lifecycle,
  Socket,
  ChatRoom,
  BigState,
  Scheduled,
  Fragile,
  Subscriber,
  TightSubscriber,
  Layout,
  Caller,
  TodoList,
  SqlNotes,
  BadMigration,
  Echo,
  Doomed,
} = registry.durableObjects;

const { client, serve } = registry.createServer();
const app = new Hono();

// Server-side access, skipping onAuth: /server/<actor>/<key>/<path>
app.all("/server/:actor/:key/*", async (c) => {
  const { actor, key } = c.req.param();
  const path = c.req.path.replace(`/server/${actor}/${key}`, "");
  return client[actor as "privateActor"].getOrCreate(key).fetch(path, c.req.raw);
});

// Server-side action call, skipping onAuth: /server-action/<key>/<amount>
app.post("/server-action/:key/:amount", async (c) => {
  const count = await client.counter.getOrCreate(c.req.param("key")).increment(Number(c.req.param("amount")));
  return c.json({ count });
});

export default serve(app);
