// Actions and events from outside (run `npm run dev` first).
import { createClient } from "../../src/client/index";
import type { DemoRegistry } from "../demo/actors/index";

export async function main(endpoint = "http://127.0.0.1:8787") {
  const client = createClient<DemoRegistry>(endpoint);

  // One action over HTTP: typed from the registry, no code generation.
  const count = await client.counter.getOrCreate("main").increment(5);

  // A connection: actions plus events; it reconnects by itself.
  const room = client.chat.getOrCreate("lobby", { params: { name: "ada" } }).connect();
  // Typed by the chat's declared events: `message` is a ChatMessage, `online` a number.
  room.on("message", (message) => console.log(`${message.from}: ${message.text}`));
  room.on("presence", (online) => console.log("online", online));
  await room.send("hello");
  const history = await room.history();

  await room.dispose();
  return { count, history };
}
