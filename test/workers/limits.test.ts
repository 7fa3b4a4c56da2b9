import { env } from "cloudflare:workers";
import { listDurableObjectIds } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, errorBody, testClient, uniqueKey } from "./helpers";
import { SocketReader, subprotocols, upgrade } from "./ws-helpers";

// Limits and auth come before work: onAuth runs before a body is read, and no body is read past
// the actor's maxIncomingMessageSize (64 KiB by default) — refused with 413 message_too_long
// before the actor is created or woken.

const actionRequest = (name: string, key: string, body: BodyInit, extra: Record<string, string> = {}) =>
  call(`/registry/actors/actions/${name}`, {
    method: "POST",
    headers: { "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name: "chatRoom", key: [key] } }), "X-RivetKit-Encoding": "json", ...extra },
    body,
  });

/** A body without a Content-Length: `bytes` bytes of `x`, in 16 KiB chunks. */
function streamOf(bytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const chunk = new Uint8Array(Math.min(16_384, bytes - sent)).fill(120);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

const chatRooms = async () => (await listDurableObjectIds(env.CHAT_ROOM)).length;

describe("limits and auth before work", () => {
  it("onAuth refuses before the body is read: a large malformed body from a refused client is 403", async () => {
    const before = await chatRooms();
    const response = await actionRequest("send", uniqueKey(), "{".repeat(60_000), { "X-RivetKit-Conn-Params": JSON.stringify({ token: "deny" }) });
    expect(response.status).toBe(403);
    expect(await errorBody(response)).toMatchObject({ c: "forbidden" });
    expect(await chatRooms()).toBe(before);
  });

  it("a declared Content-Length over the limit is 413 message_too_long; the actor is not created", async () => {
    const before = await chatRooms();
    const body = JSON.stringify({ a: ["x".repeat(70_000)] });
    const response = await actionRequest("send", uniqueKey(), body, { "Content-Length": String(body.length) });
    expect(response.status).toBe(413);
    expect(await errorBody(response)).toMatchObject({ c: "message_too_long", m: expect.stringContaining("65536") });
    expect(await chatRooms()).toBe(before);
  });

  it("RivetKit 2.3's actor API has a fixed 1 MiB limit, and its 413 does not point at the actor's option", async () => {
    const before = await chatRooms();
    const body = JSON.stringify({ name: "chatRoom", key: uniqueKey(), input: "x".repeat(2 * 1024 * 1024) });
    const response = await call("/registry/actors", { method: "PUT", headers: { "Content-Type": "application/json" }, body });
    expect(response.status).toBe(413);
    const { code, message } = await response.json<{ code: string; message: string }>();
    expect(code).toBe("incoming_too_long");
    expect(message).toContain("1048576");
    expect(message).not.toContain("maxIncomingMessageSize");
    expect(await chatRooms()).toBe(before);
  });

  it("a body without a length is cut off at the limit: 413, the actor is not created", async () => {
    const before = await chatRooms();
    // 64 MiB on offer; the Worker stops reading just past 64 KiB.
    const response = await actionRequest("send", uniqueKey(), streamOf(64 * 1024 * 1024), {});
    expect(response.status).toBe(413);
    expect(await errorBody(response)).toMatchObject({ c: "message_too_long" });
    expect(await chatRooms()).toBe(before);
  });

  it("a message POST over the limit is refused by the Worker before the actor is addressed", async () => {
    // An id of the right class that was never created: the actor would answer actor_not_found.
    const actorId = env.CHAT_ROOM.idFromName(JSON.stringify([uniqueKey()])).toString();
    const headers = { "X-RivetKit-Actor": actorId, "X-RivetKit-Conn": "c", "X-RivetKit-Conn-Token": "t", "X-RivetKit-Encoding": "json" };
    const big = await call("/registry/actors/message", { method: "POST", headers, body: "x".repeat(70_000) });
    expect(big.status).toBe(413);
    expect(await errorBody(big)).toMatchObject({ c: "message_too_long" });
    const small = await call("/registry/actors/message", { method: "POST", headers, body: JSON.stringify({ b: { sr: { e: "x", s: true } } }) });
    expect(small.status).toBe(404);
  });

  it("an actor's maxIncomingMessageSize raises the limit for HTTP actions and connection frames", async () => {
    const handle = testClient().bigState.getOrCreate(uniqueKey());
    expect(await handle.length("x".repeat(150_000))).toBe(150_000);
    // The default-sized actor refuses the same call.
    await expect(testClient().chatRoom.getOrCreate(uniqueKey()).send("x".repeat(150_000))).rejects.toMatchObject({ code: "message_too_long" });

    const { socket } = await upgrade("/registry/actors/connect/websocket", {
      "Sec-WebSocket-Protocol": subprotocols({ getOrCreateForKey: { name: "bigState", key: [uniqueKey()] } }),
    });
    const reader = new SocketReader(socket);
    await reader.next();
    socket.send(JSON.stringify({ b: { ar: { i: 0, n: "note", a: ["y".repeat(200_000)] } } }));
    expect(JSON.parse((await reader.next()) as string)).toEqual({ b: { ar: { i: 0, o: "" } } });
    socket.send(JSON.stringify({ b: { ar: { i: 1, n: "note", a: ["y".repeat(300_000)] } } }));
    expect(await reader.closed).toMatchObject({ code: 1011, reason: "message_too_long" });
  });
});
