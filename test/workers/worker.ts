import { Hono } from "hono";
import { registry } from "./registry";

export const { MyActor, Counter, Inspector, PrivateActor, ActionsOnly, Lifecycle, Socket } = registry.durableObjects;

const { client, serve } = registry.createServer();
const app = new Hono();

// Server-side access, skipping onAuth: /server/<actor>/<key>/<path>
app.all("/server/:actor/:key/*", async (c) => {
  const { actor, key } = c.req.param();
  const path = c.req.path.replace(`/server/${actor}/${key}`, "");
  return client[actor as "privateActor"].getOrCreate(key).fetch(path, c.req.raw);
});

export default serve(app);
