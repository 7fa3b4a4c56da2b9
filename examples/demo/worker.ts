import { Hono } from "hono";
import { registry } from "./registry";

export const { MyActor, HttpActor, Counter, WebsocketActor, Chat, TodoList, Reminders } = registry.durableObjects;

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
