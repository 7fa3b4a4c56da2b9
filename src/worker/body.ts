import { errors } from "../protocol/errors";

/**
 * Reads a request body of at most `limit` bytes, so a client cannot make the Worker buffer more
 * (`fix`: what the error says to do, when the limit is not the actor's `maxIncomingMessageSize`).
 * A declared `Content-Length` over the limit is refused before anything is read; a body without
 * one is read until it passes the limit. Both are 413 `message_too_long`. The rest is left
 * unread, not cancelled: the runtime drops it with the request, and cancelling an upload in
 * flight makes `wrangler dev`'s proxy answer 503 instead of our 413.
 */
export async function readBodyWithin(request: Request, limit: number, fix?: string): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw errors.messageTooLong(limit, fix);
  if (!request.body) return new Uint8Array(0);
  // The runtime holds a body to its declared length, so a declared body within the limit is read whole.
  if (declared !== null && /^\d+$/.test(declared)) return new Uint8Array(await request.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.releaseLock();
      throw errors.messageTooLong(limit, fix);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array<ArrayBuffer>;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
