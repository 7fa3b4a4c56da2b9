import { createClient } from "actorflare/client";
import type { registry } from "../src/registry.js";

// `npm run dev` serves the Worker here; pass another address as the first argument.
const endpoint = process.argv[2] ?? "http://127.0.0.1:8787";
const client = createClient<typeof registry>(endpoint);

// An action over HTTP, typed from the registry.
const counter = client.counter.getOrCreate("hello");
console.log("count:", await counter.increment(1));

// A connection: actions and events over one WebSocket.
const conn = counter.connect();
conn.on("newCount", (count) => console.log("newCount event:", count));
await conn.getCount();
console.log("count:", await conn.increment(1));

// Closes the connection, so the script can end.
await client.dispose();
