/**
 * How long what is written to an SSE stream may wait to be taken before the stream counts as
 * gone. Long enough for a slow client to take a large event (about a megabyte at 1 Mbit/s);
 * short enough that a presence list does not show a client that left for long.
 */
export const STALLED_STREAM_MS = 10_000;

/**
 * The writing end of an SSE response, which can tell when nobody takes its data any more.
 *
 * The runtime does not always tell the object that a client left. When a client drops its stream
 * while an event is on its way to it (two SSE clients leaving at once, the first one's
 * onDisconnect broadcasting to the second), the response can stay open with nobody reading it:
 * no abort reaches the request's signal, and no write fails, they just queue. A chunk that
 * waits to be taken is what notices such a stream.
 */
export class SseWriter {
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #onFailed: () => void;
  readonly #encoder = new TextEncoder();
  /**
   * Text written while a chunk was on its way, sent as one chunk once that one is taken: a burst
   * of broadcasts leaves as two chunks, not one each (each queued write of a streamed response
   * costs the runtime, and under `wrangler dev` held a socket of its own while the stream lasted).
   */
  #buffered = "";
  /** Since when the chunk on its way has waited to be taken; undefined while none is. */
  #sentAt: number | undefined;
  #closing = false;

  constructor(writable: WritableStream<Uint8Array>, onFailed: () => void) {
    this.#writer = writable.getWriter();
    this.#onFailed = onFailed;
  }

  /** Settles when the stream closes or fails (the client cancelled it). */
  get closed(): Promise<void> {
    return this.#writer.closed;
  }

  write(text: string): void {
    this.#buffered += text;
    if (this.#sentAt === undefined) this.#send();
  }

  #send(): void {
    const chunk = this.#buffered;
    this.#buffered = "";
    this.#sentAt = Date.now();
    this.#writer.write(this.#encoder.encode(chunk)).then(() => {
      this.#sentAt = undefined;
      if (this.#buffered !== "") this.#send();
      else if (this.#closing) this.#writer.close().catch(() => {});
    }, this.#onFailed);
  }

  /** Whether what was written has waited for `limitMs` without being taken. */
  stalled(limitMs: number): boolean {
    return this.#sentAt !== undefined && Date.now() - this.#sentAt >= limitMs;
  }

  /** Ends the stream after what was written. */
  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    if (this.#sentAt === undefined) this.#writer.close().catch(() => {});
  }

  /** Ends the stream at once, dropping what waits: for a stream nobody reads. */
  abort(): void {
    // The runtime logs this reason as uncaught where the response ends: it says what happened.
    this.#writer
      .abort(new Error(`actorflare: SSE stream stalled: its client took nothing for ${STALLED_STREAM_MS / 1000} s, so its connection was ended`))
      .catch(() => {});
  }
}
