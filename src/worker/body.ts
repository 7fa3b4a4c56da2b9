import { ActorflareError, errors } from "../protocol/errors";

/**
 * How much of a refused upload without a length is read and dropped after the limit. An upload
 * left unread (or cancelled) breaks the kept-alive connection it came on under `wrangler dev`,
 * whose proxy then answers the next request there 503; RivetKit's client sends every action
 * body that way. Reading a bounded rest costs little; past this, the rest is left to the runtime.
 */
const DRAINED_AFTER_LIMIT = 1024 * 1024;

/**
 * Reads a request body of at most `limit` bytes, so a client cannot make the Worker buffer more
 * (`fix`: what the error says to do, when the limit is not the actor's `maxIncomingMessageSize`).
 * A declared `Content-Length` over the limit is refused before anything is read; a body without
 * one is read until it passes the limit, and then up to `DRAINED_AFTER_LIMIT` more is dropped
 * unkept. Both are 413 `message_too_long`. A body that breaks off (the client went away
 * mid-upload) is 400 `invalid_request`: the client's doing, so nothing is logged as a fault.
 */
export async function readBodyWithin(request: Request, limit: number, fix?: string): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw errors.messageTooLong(limit, fix);
  if (!request.body) return new Uint8Array(0);
  try {
    // The runtime holds a body to its declared length, so a declared body within the limit is read whole.
    if (declared !== null && /^\d+$/.test(declared)) return new Uint8Array(await request.arrayBuffer());
    return await readUpTo(request.body, limit, fix);
  } catch (error) {
    if (error instanceof ActorflareError) throw error;
    throw errors.invalidRequest(
      `The request body broke off before its end (${error instanceof Error ? error.message : String(error)}): the client went away or sent less than it declared. Nothing was run.`,
    );
  }
}

async function readUpTo(stream: ReadableStream<Uint8Array>, limit: number, fix: string | undefined): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await drain(reader, DRAINED_AFTER_LIMIT);
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

/** Reads and drops up to `most` bytes more, then lets go of the stream (not cancelled: see above). */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, most: number): Promise<void> {
  try {
    for (let dropped = 0; dropped <= most; ) {
      const { value, done } = await reader.read();
      if (done) break;
      dropped += value.byteLength;
    }
  } catch {
    // The client stopped sending: the refusal stands.
  } finally {
    reader.releaseLock();
  }
}
