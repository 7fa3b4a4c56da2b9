import { toBase64 } from "./base64";
import { encode, type Encoding } from "./encoding";
import type { ToClient } from "./messages";

/** How an SSE connection stream is answered (docs/protocol.md §5.4): the eventsource client wants exactly this type. */
export const sseHeaders = { "content-type": "text/event-stream", "cache-control": "no-cache" };

/** One SSE event with only a `data:` field. */
export function sseEvent(encoding: Encoding, message: ToClient): string {
  const data = encode(encoding, message);
  return `data: ${typeof data === "string" ? data : toBase64(data)}\n\n`;
}
