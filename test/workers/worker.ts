import { DurableObject } from "cloudflare:workers";
import { Hono } from "hono";
import { observePlacement } from "./placement-observer";
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
  PatientScheduled,
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
  Background,
  Sharing,
  NotSqlite,
  Configured,
  Herald,
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

const handler = serve(app);

// The Worker and the Placed actor (which calls others through c.client()) see their Durable
// Object bindings through an observer, so that the placement tests can check what reaches the runtime.
export default { fetch: (request, env, ctx) => handler.fetch(request, env && observePlacement(env), ctx) } satisfies ExportedHandler<Record<string, unknown>>;

export class Placed extends registry.durableObjects.Placed {
  constructor(ctx: DurableObjectState, env: never) {
    super(ctx, observePlacement(env as object) as never);
  }
}

/** A hand-written Durable Object, not an actor's: a binding of an actor pointed at it is a config mistake (config.test.ts). */
export class HandWritten extends DurableObject {
  ping(): string {
    return "pong";
  }
}
