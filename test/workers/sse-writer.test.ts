import { describe, expect, it } from "vitest";
import { SseWriter } from "../../src/durable-object/sse-writer";

// SseWriter on workerd's own TransformStream, as connectSse uses it: a stream nobody reads, one
// read as fast as it is written, and one its reader cancelled.

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A writer on a stream read as fast as it is written: the chunks read, and the end of reading. */
function readStream() {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const stream = new SseWriter(writable, () => {});
  const chunks: string[] = [];
  const reader = readable.getReader();
  const reading = (async () => {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) chunks.push(new TextDecoder().decode(chunk.value));
  })();
  return { stream, chunks, reading };
}

describe("SseWriter", () => {
  it("calls a stream stalled once its writes have waited that long with none taken", async () => {
    const failed: unknown[] = [];
    const stream = new SseWriter(new TransformStream<Uint8Array, Uint8Array>().writable, () => failed.push("failed"));
    expect(stream.stalled(0)).toBe(false);
    // The first write is taken into the readable side's queue; the second waits for a reader.
    stream.write(": ping\n\n");
    stream.write(": ping\n\n");
    await wait(50);
    expect(stream.stalled(40)).toBe(true);
    expect(stream.stalled(60_000)).toBe(false);
    expect(failed).toEqual([]);
  });

  it("never calls a stream that is read stalled, however long it is written to", async () => {
    const { stream, chunks: read, reading } = readStream();
    for (let i = 0; i < 5; i++) {
      stream.write(`data: ${i}\n\n`);
      await wait(20);
      expect(stream.stalled(10)).toBe(false);
    }
    stream.close();
    await reading;
    expect(read.join("")).toBe("data: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n");
  });

  it("sends a burst written in one go as two chunks, and closes after them", async () => {
    const { stream, chunks, reading } = readStream();
    const events = Array.from({ length: 100 }, (_, i) => `data: ${i}\n\n`);
    for (const event of events) stream.write(event);
    stream.close();
    await reading;
    expect(chunks.length).toBeLessThanOrEqual(2);
    expect(chunks.join("")).toBe(events.join(""));
  });

  it("reports a write to a stream its reader cancelled, and settles closed", async () => {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    let failures = 0;
    const stream = new SseWriter(writable, () => failures++);
    await readable.cancel("client left");
    stream.write(": ping\n\n");
    await expect(stream.closed).rejects.toBe("client left");
    await wait(0);
    expect(failures).toBe(1);
  });

  it("abort() ends a stalled stream at once, dropping what waits", async () => {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const stream = new SseWriter(writable, () => {});
    stream.write("data: taken\n\n");
    stream.write("data: waiting\n\n");
    stream.abort();
    await expect(stream.closed).rejects.toThrow("SSE stream stalled: its client took nothing for 10 s");
    const reader = readable.getReader();
    await expect(reader.read()).rejects.toThrow("SSE stream stalled");
  });
});
