import { describe, expect, it } from "vitest";
import { rejection, testClient, uniqueKey } from "./helpers";

// An argument the client's encoding cannot carry fails that call alone, before anything is sent:
// a bigint in JSON, a function in CBOR. Through the real client and the real runtime.

const matrix = [
  ["websocket", "json", 1n, "bigint", 'encoding "cbor"'],
  ["sse", "json", 1n, "bigint", 'encoding "cbor"'],
  ["websocket", "cbor", () => 1, "function", "plain data"],
  ["sse", "cbor", () => 1, "function", "plain data"],
  // One 20 KB object 40 times: 20 KB in CBOR, which shares it, but 800 KB as the server counts it (docs/protocol.md §9).
  ["websocket", "cbor", Array(40).fill({ text: "x".repeat(20_000) }), "repeat shared values", "pass it once"],
  ["sse", "cbor", Array(40).fill({ text: "x".repeat(20_000) }), "repeat shared values", "pass it once"],
] as const;

describe.each(matrix)("an argument %s (%s) cannot carry", (transport, encoding, value, cause, fix) => {
  it("rejects that call with arguments_not_encodable; calls in flight and the connection are untouched", async () => {
    const conn = testClient(encoding, transport).chatRoom.getOrCreate(uniqueKey()).connect();
    await conn.whoami();
    const connectionId = conn.connectionId;
    const inFlight = conn.wait(300);
    const error = await rejection(conn.action("tellMe", ["event", value]));
    expect(error.code).toBe("arguments_not_encodable");
    expect(error.message).toContain("'tellMe'");
    expect(error.message.toLowerCase()).toContain(cause);
    expect(error.message).toContain(fix);
    expect(await inFlight).toBe(300);
    expect(await conn.send("still here")).toBe(1);
    expect(conn.connectionId).toBe(connectionId);
    expect(conn.status).toBe("open");
    await conn.dispose();
  });

  it("over HTTP too", async () => {
    const handle = testClient(encoding, transport).chatRoom.getOrCreate(uniqueKey());
    expect(await rejection(handle.action("tellMe", ["event", value]))).toMatchObject({ code: "arguments_not_encodable" });
    expect(await handle.send("fine")).toBe(1);
  });
});

// JSON has no `undefined`: in an array it writes null, and a default parameter does not apply to
// null. The client leaves trailing `undefined` arguments out, so `f(undefined)` is `f()`.
describe("a trailing undefined argument in JSON", () => {
  it("over HTTP is left out, so the action's default applies", async () => {
    const handle = testClient("json").counter.getOrCreate(uniqueKey());
    expect(await handle.increment(undefined)).toBe(1);
    expect(await handle.action("increment", [undefined])).toBe(2);
    const echo = testClient("json").echo.getOrCreate(uniqueKey());
    expect(await echo.echo(1, undefined, undefined)).toEqual([1]);
    // One in the middle cannot be left out: it arrives as null (README, "the types say...").
    expect(await echo.echo(undefined, 2)).toEqual([null, 2]);
  });

  it.each(["websocket", "sse"] as const)("over a %s connection too", async (transport) => {
    const conn = testClient("json", transport).counter.getOrCreate(uniqueKey()).connect();
    expect(await conn.increment(undefined)).toBe(1);
    expect(await conn.action("increment", [undefined])).toBe(2);
    await conn.dispose();
    const echo = testClient("json", transport).echo.getOrCreate(uniqueKey()).connect();
    expect(await echo.echo(1, undefined)).toEqual([1]);
    expect(await echo.echo(undefined, 2)).toEqual([null, 2]);
    await echo.dispose();
  });

  it("CBOR carries undefined as it is", async () => {
    const echo = testClient("cbor").echo.getOrCreate(uniqueKey());
    expect(await echo.echo(1, undefined)).toEqual([1, undefined]);
    expect(await echo.echo(1, undefined)).toHaveLength(2);
  });
});
