/**
 * How long writes to an SSE stream may wait, none of them taken, before the stream counts as
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
 * no abort reaches the request's signal, and no write fails, they just queue. Counting writes
 * that wait is what notices such a stream.
 */
export class SseWriter {
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #onFailed: () => void;
  readonly #encoder = new TextEncoder();
  /** Writes not yet taken by the reader, and since when the oldest of them has waited. */
  #waiting = 0;
  #waitingSince = 0;

  constructor(writable: WritableStream<Uint8Array>, onFailed: () => void) {
    this.#writer = writable.getWriter();
    this.#onFailed = onFailed;
  }

  /** Settles when the stream closes or fails (the client cancelled it). */
  get closed(): Promise<void> {
    return this.#writer.closed;
  }

  write(text: string): void {
    if (this.#waiting++ === 0) this.#waitingSince = Date.now();
    this.#writer.write(this.#encoder.encode(text)).then(() => {
      // One was taken: the next in line has waited since now.
      if (--this.#waiting > 0) this.#waitingSince = Date.now();
    }, this.#onFailed);
  }

  /** Whether writes have waited for `limitMs` without one being taken. */
  stalled(limitMs: number): boolean {
    return this.#waiting > 0 && Date.now() - this.#waitingSince >= limitMs;
  }

  /** Ends the stream after what was written. */
  close(): void {
    this.#writer.close().catch(() => {});
  }

  /** Ends the stream at once, dropping what waits: for a stream nobody reads. */
  abort(): void {
    this.#writer.abort(new Error("SSE stream stalled")).catch(() => {});
  }
}
