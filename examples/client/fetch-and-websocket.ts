// Reaching actors from outside: a browser, a Worker or Node (run `npm run dev` first).
import { createClient } from "../../src/client/index";
import type { DemoRegistry } from "../demo/actors/index";

export async function main(endpoint = "http://127.0.0.1:8787") {
  const client = createClient<DemoRegistry>(endpoint);

  // Raw HTTP to onFetch: a W3C Response comes back.
  const actor = client.myActor.getOrCreate(["key"]);
  const response = await actor.fetch("/api/hello", { method: "GET" });
  const data = await response.json(); // { message: "Hello from actor!" }

  // Raw WebSocket to onWebSocket: resolves once open, rejects with the server's error code.
  const ws = await client.websocketActor.getOrCreate("lobby").websocket("/");
  ws.addEventListener("message", (event) => console.log("received", event.data));
  ws.send("hello");

  return { data, ws };
}
