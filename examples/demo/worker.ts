import { Hono } from "hono";
import { registry } from "./registry";

// One Durable Object class per actor, each on its own line: the types `wrangler types` writes
// name them as classes, which a destructured `const` is not.
export class MyActor extends registry.durableObjects.MyActor {}
export class HttpActor extends registry.durableObjects.HttpActor {}
export class Counter extends registry.durableObjects.Counter {}
export class WebsocketActor extends registry.durableObjects.WebsocketActor {}
export class Chat extends registry.durableObjects.Chat {}
export class TodoList extends registry.durableObjects.TodoList {}
export class Reminders extends registry.durableObjects.Reminders {}

const { client, serve } = registry.createServer();

const app = new Hono();

// The forward route of RivetKit's "Fetch and WebSocket Handler" docs page: /forward/<key>/<path>
// reaches the counter actor with that key.
app.all("/forward/:name/*", async (c) => {
  const name = c.req.param("name");

  // Create new URL with the path truncated
  const truncatedPath = c.req.path.replace(`/forward/${name}`, "");
  const url = new URL(truncatedPath, c.req.url);
  const newRequest = new Request(url, c.req.raw);

  // Forward to actor's fetch handler
  const actor = client.counter.getOrCreate(name);
  const response = await actor.fetch(truncatedPath, newRequest);

  return response;
});

export default serve(app);
