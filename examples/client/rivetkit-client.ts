// RivetKit's own client (npm `rivetkit`, tested with 2.3.19) against actorflare: its endpoint is
// the Worker's origin followed by `/registry` (run `npm run dev` first).
import { createClient } from "rivetkit/client";

export async function main(origin = "http://127.0.0.1:8787", key = "main") {
  // `bare` is RivetKit's default encoding; `cbor` and `json` work too.
  const client = createClient({ endpoint: `${origin}/registry`, encoding: "bare" });

  // An action over HTTP, through the gateway.
  const counter = client.counter.getOrCreate([key]);
  await counter.increment(1);

  // A connection: actions and events over one WebSocket.
  const conn = counter.connect();
  const next = new Promise((resolve) => conn.once("newCount", resolve));
  await conn.getCount(); // answered after the subscription, which went first on the same socket
  await counter.increment(1);
  const count = await next;

  await client.dispose();
  return count;
}
