import { afterEach, describe, expect, it, vi } from "vitest";
import { testClient, TRANSPORTS_AND_ENCODINGS, uniqueKey, untilSubscribed } from "./helpers";

// What the user's callbacks throw never reaches the connection: through the real client and the
// real runtime, over both transports and both encodings.

const matrix = TRANSPORTS_AND_ENCODINGS;

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe.each(matrix)("callbacks that throw, over %s (%s)", (transport, encoding) => {
  it("an event listener or status callback that throws is reported; the connection, its calls and the other listeners go on", async () => {
    const reported: unknown[] = [];
    vi.stubGlobal("reportError", (error: unknown) => reported.push(error));
    const conn = testClient(encoding, transport).chatRoom.getOrCreate(uniqueKey()).connect();
    const statusFailure = new Error("status callback failed");
    const listenerFailure = new Error("listener failed");
    // Throws on "open" too: the connection must still open and stay open.
    conn.onStatusChange(() => {
      throw statusFailure;
    });
    conn.on("message", () => {
      throw listenerFailure;
    });
    const seen: string[] = [];
    conn.on("message", (message) => seen.push((message as { text: string }).text));
    const errors: unknown[] = [];
    conn.onError((error) => errors.push(error));

    await untilSubscribed(
      transport,
      () => conn.send("warm-up"),
      () => seen.length > 0,
    );
    await conn.whoami();
    const connectionId = conn.connectionId;
    expect(connectionId).toBeDefined();
    const inFlight = conn.wait(300);
    for (const text of ["one", "two", "three"]) await conn.send(text);
    expect(await inFlight).toBe(300);
    expect(seen.slice(-3)).toEqual(["one", "two", "three"]);
    expect(conn.connectionId).toBe(connectionId);
    expect(conn.status).toBe("open");
    expect(errors).toEqual([]);
    expect(reported).toContain(statusFailure);
    expect(reported.filter((error) => error === listenerFailure).length).toBe(seen.length);
    await conn.dispose();
  });
});

describe("callbacks that throw, where the platform has no reportError", () => {
  it("go to console.error, naming the event", async () => {
    vi.stubGlobal("reportError", undefined);
    const logged: unknown[][] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args));
    const conn = testClient("json", "sse").chatRoom.getOrCreate(uniqueKey()).connect();
    const failure = new Error("listener failed");
    conn.on("message", () => {
      throw failure;
    });
    expect(await conn.send("hello")).toBe(1);
    expect(await conn.send("again")).toBe(2);
    const fromListener = logged.filter((args) => args.includes(failure));
    expect(fromListener).toHaveLength(2);
    expect(String(fromListener[0]![0])).toContain('conn.on("message")');
    await conn.dispose();
  });
});

// As in RivetKit's client: two UI parts that share one handler must not unsubscribe each other.
describe.each(matrix)("the same function listening twice, over %s (%s)", (transport, encoding) => {
  it("runs twice per event, and each returned function stops only its own listening", async () => {
    const conn = testClient(encoding, transport).chatRoom.getOrCreate(uniqueKey()).connect();
    const seen: string[] = [];
    const handler = (message: unknown) => seen.push((message as { text: string }).text);
    const stopFirst = conn.on("message", handler);
    const stopSecond = conn.on("message", handler);
    await untilSubscribed(
      transport,
      () => conn.send("warm-up"),
      () => seen.length > 0,
    );
    seen.length = 0;
    // On its connection, an action's answer comes after the events it broadcast.
    await conn.send("both");
    expect(seen).toEqual(["both", "both"]);
    stopFirst();
    stopFirst(); // twice is harmless, and still leaves the second
    await conn.send("second only");
    expect(seen).toEqual(["both", "both", "second only"]);
    stopSecond();
    await conn.send("none");
    expect(seen).toEqual(["both", "both", "second only"]);
    await conn.dispose();
  });
});
