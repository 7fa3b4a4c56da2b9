import { encode, type Encoding } from "./encoding";
import type { ToClient } from "./messages";

/** How an SSE connection stream is answered (docs/protocol.md §5.4): the eventsource client wants exactly this type. */
export const sseHeaders = { "content-type": "text/event-stream", "cache-control": "no-cache" };

/** One SSE event with only a `data:` field. */
export function sseEvent(encoding: Encoding, message: ToClient): string {
  const data = encode(encoding, message);
  return `data: ${typeof data === "string" ? data : base64(data)}\n\n`;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
