import { describe, expect, it } from "vitest";
import type { ActorError } from "../../src/client/index";
import { testClient, TRANSPORTS_AND_ENCODINGS, uniqueKey, untilSubscribed, waitFor } from "./helpers";

/** Resolves with the next value a callback-style source gives. */
function nextValue<T>(subscribe: (callback: (value: T) => void) => () => void): Promise<T> {
  return new Promise((resolve) => {
    const stop = subscribe((value) => {
      stop();
      resolve(value);
    });
  });
}

const matrix = TRANSPORTS_AND_ENCODINGS;
/** How long the actor may take to hear that a connection closed: at once on a quiet machine, longer on a loaded one (as helpers.ts waitFor). */
const UNTIL_NOTICED = { timeout: 10_000 };

describe.each(matrix)("connections over %s (%s)", (transport, encoding) => {
  const client = () => testClient(encoding, transport);

  it("calls actions and gets events it subscribed to", async () => {
    const handle = client().counter.getOrCreate(uniqueKey());
    const conn = handle.connect();
    const seen: unknown[] = [];
    conn.on("newCount", (count) => seen.push(count));
    await untilSubscribed(
      transport,
      () => conn.increment(0),
      () => seen.length > 0,
    );
    seen.length = 0;
    // An action's event leaves before its answer, on the same socket or stream.
    expect(await conn.increment(5)).toBe(5);
    expect(seen).toEqual([5]);
    expect(await conn.increment(1)).toBe(6);
    expect(seen).toEqual([5, 6]);
    expect(conn.actorId).toBe(await handle.resolve());
    await conn.dispose();
  });

  it("broadcasts reach subscribers only, in order; conn.send reaches one connection", async () => {
    const key = uniqueKey();
    const a = client()
      .chatRoom.getOrCreate(key, { params: { name: "a" } })
      .connect();
    const b = client()
      .chatRoom.getOrCreate(key, { params: { name: "b" } })
      .connect();
    const aSeen: unknown[] = [];
    const bSeen: unknown[] = [];
    a.on("message", (m) => aSeen.push(m));
    // A connection handles its messages in order, so once a call on `a` returned, its
    // subscription (sent before the call) is in place for b's broadcasts.
    await a.whoami();
    await untilSubscribed(
      transport,
      () => a.send("warm-up"),
      () => aSeen.length > 0,
    );
    aSeen.length = 0;
    await b.whoami();
    b.on("other", (m) => bSeen.push(m));
    for (let i = 0; i < 5; i++) await b.send(`m${i}`);
    await waitFor(() => aSeen.length === 5, "the five events");
    expect(aSeen).toEqual([0, 1, 2, 3, 4].map((i) => ({ from: "b", text: `m${i}` })));
    expect(bSeen).toEqual([]);
    const direct: unknown[] = [];
    a.on("direct", (value) => direct.push(value));
    await untilSubscribed(
      transport,
      () => a.tellMe("direct", "warm-up"),
      () => direct.length > 0,
    );
    direct.length = 0;
    await a.tellMe("direct", { hello: "a" });
    expect(direct).toEqual([{ hello: "a" }]);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it("keeps conn state, params and auth per connection", async () => {
    const key = uniqueKey();
    const a = client()
      .chatRoom.getOrCreate(key, { params: { name: "ann" } })
      .connect();
    const b = client()
      .chatRoom.getOrCreate(key, { params: { name: "bob" } })
      .connect();
    await a.send("x");
    await a.send("y");
    const [whoA, whoB] = (await Promise.all([a.whoami(), b.whoami()])) as { id: string; state: unknown; auth: unknown }[];
    expect(whoA).toMatchObject({ state: { name: "ann", sent: 2 }, auth: { user: "ann" }, id: a.connectionId });
    expect(whoB).toMatchObject({ state: { name: "bob", sent: 0 }, auth: { user: "bob" }, id: b.connectionId });
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it("onConnect / onDisconnect counts match; c.conns lists open connections", async () => {
    const key = uniqueKey();
    const a = client().chatRoom.getOrCreate(key).connect();
    const b = client().chatRoom.getOrCreate(key).connect();
    await Promise.all([a.whoami(), b.whoami()]);
    expect(await a.stats()).toEqual({ connects: 2, disconnects: 0, open: 2 });
    await b.dispose();
    const handle = client().chatRoom.getOrCreate(key);
    await expect.poll(async () => (await a.stats()) as { open: number }, UNTIL_NOTICED).toMatchObject({ open: 1, disconnects: 1 });
    await a.dispose();
    await expect.poll(async () => ((await handle.stats()) as { open: number }).open, UNTIL_NOTICED).toBe(0);
    // Every connection that opened closed, except the HTTP action asking (it is connected while it runs).
    const final = (await handle.stats()) as { connects: number; disconnects: number };
    expect(final.connects - final.disconnects).toBe(1);
  });

  it("an action error carries its id (including 0) and the connection stays usable", async () => {
    const conn = client().chatRoom.getOrCreate(uniqueKey()).connect();
    const errors: ActorError[] = [];
    conn.onError((e) => errors.push(e));
    await expect(conn.fail()).rejects.toMatchObject({ code: "nope", metadata: { why: "asked" } });
    await expect(conn.action("missing", [])).rejects.toMatchObject({ code: "action_not_found" });
    await expect(conn.crash()).rejects.toMatchObject({ code: "internal_error" });
    expect(await conn.send("still here")).toBe(1);
    expect(errors).toEqual([]);
    await conn.dispose();
  });

  it("a refused connection reports the error to onError", async () => {
    const denied = client()
      .chatRoom.getOrCreate(uniqueKey(), { params: { token: "deny" } })
      .connect();
    expect(await nextValue<ActorError>((cb) => denied.onError(cb))).toMatchObject({ code: "forbidden" });
    await denied.dispose();
    const banned = client()
      .chatRoom.getOrCreate(uniqueKey(), { params: { name: "banned" } })
      .connect();
    expect(await nextValue<ActorError>((cb) => banned.onError(cb))).toMatchObject({ code: "banned" });
    await banned.dispose();
  });

  it("reconnects after the server drops it, subscribes again, and calls made meanwhile wait", async () => {
    const key = uniqueKey();
    const conn = client()
      .chatRoom.getOrCreate(key, { params: { name: "k" } })
      .connect();
    const seen: unknown[] = [];
    conn.on("message", (m) => seen.push(m));
    await conn.whoami();
    const firstId = conn.connectionId;
    // The actor closes the connection inside the call: the call is answered first, then the
    // connection closes and the client opens a new one by itself.
    expect(await conn.kick("bye")).toBe("kicked");
    await waitFor(() => !conn.isOpen || conn.connectionId !== firstId, "the connection to drop");
    // Made while the connection is down: waits for the new one, and goes out after the renewed
    // subscription (over WebSocket the test pool may swap the two; see untilSubscribed).
    const sent = conn.send("after");
    expect(await sent).toBe(1);
    expect(conn.connectionId).not.toBe(firstId);
    if (transport === "sse") expect(seen).toEqual([{ from: "k", text: "after" }]);
    await untilSubscribed(
      transport,
      () => conn.send("again"),
      () => seen.some((m) => (m as { text: string }).text === "again"),
    );
    await conn.dispose();
  });

  it("a call made right after the actor closed the connection goes to the next one over SSE (it did not run); over WebSocket it may be lost", async () => {
    const conn = client()
      .chatRoom.getOrCreate(uniqueKey(), { params: { name: "k" } })
      .connect();
    await conn.whoami();
    expect(await conn.kick("bye")).toBe("kicked");
    // Over SSE the client knows the server never took it: the stream ended before it was posted,
    // or its POST found the connection gone (400 conn_not_found). Either way it goes out again.
    const outcome = await conn.whoami().then(
      () => "answered",
      (error: ActorError) => error.code,
    );
    expect(transport === "sse" ? ["answered"] : ["answered", "connection_lost"]).toContain(outcome);
    await conn.dispose();
  });

  it("an action that disconnects its caller answers it even when another call comes meanwhile; that one goes to the next connection over SSE", async () => {
    const conn = client()
      .chatRoom.getOrCreate(uniqueKey(), { params: { name: "k" } })
      .connect();
    await conn.whoami();
    const kicked = conn.kickSlowly(300);
    // Sent while the connection is closing: over SSE its POST is refused (conn_not_found) and
    // it is sent again on the next connection; over WebSocket the frame is ignored.
    const next = conn.whoami().then(
      () => "answered",
      (error: ActorError) => error.code,
    );
    expect(await kicked).toBe("kicked");
    expect(transport === "sse" ? ["answered"] : ["answered", "connection_lost"]).toContain(await next);
    await conn.dispose();
  });

  it("a disconnect waits for the answers of the connection's calls already running", async () => {
    const key = uniqueKey();
    const conn = client().chatRoom.getOrCreate(key).connect();
    const firstId = (await conn.whoami()).id;
    // Over WebSocket the test pool may hand the kick to the actor before the wait (see
    // untilSubscribed in helpers.ts); the wait then comes to a leaving connection, which ignores it.
    const waiting = conn.wait(300);
    expect(await conn.kick("bye")).toBe("kicked");
    if (transport === "sse") expect(await waiting).toBe(300);
    else await waiting.catch(() => {});
    await waitFor(() => conn.isOpen && conn.connectionId !== firstId, "the new connection");
    await expect.poll(() => conn.stats(), UNTIL_NOTICED).toMatchObject({ connects: 2, disconnects: 1, open: 1 });
    await conn.dispose();
  });

  it("a client disconnected by the actor hears the close's code and reason with its change to reconnecting (WebSocket)", async () => {
    const conn = client().chatRoom.getOrCreate(uniqueKey()).connect();
    const changes: unknown[][] = [];
    conn.onStatusChange((...change) => changes.push(change));
    await conn.whoami();
    expect(await conn.kick("bye")).toBe("kicked");
    await waitFor(() => changes.length >= 3, "the reconnect");
    // An SSE stream ends without a close frame, so there the change comes without a reason.
    expect(changes.slice(0, 3)).toEqual([["open"], transport === "sse" ? ["reconnecting"] : ["reconnecting", { code: 1000, reason: "bye" }], ["open"]]);
    await conn.dispose();
  });

  it("a client disconnected by the actor reconnects; one the actor then refuses stays out", async () => {
    const conn = client()
      .chatRoom.getOrCreate(uniqueKey(), { params: { name: "mallory" } })
      .connect();
    const errors: ActorError[] = [];
    conn.onError((e) => errors.push(e));
    await conn.whoami();
    expect(await conn.ban()).toBe("banned");
    await waitFor(() => conn.status === "disposed", "the refused reconnect to end the connection");
    expect(errors.map((e) => e.code)).toEqual(["banned"]);
    await expect(conn.whoami()).rejects.toMatchObject({ code: "banned" });
  });

  // Untyped code ported from RivetKit calls `action({ name, args })`, or leaves the arguments out.
  // A call that is not one was a bare TypeError that left its timeout armed, which then threw uncaught.
  it("action() takes a name with or without arguments, or RivetKit's { name, args }; anything else is invalid_request", async () => {
    const handle = client().counter.getOrCreate(uniqueKey());
    const conn = handle.connect();
    expect(await conn.action("increment", [2])).toBe(2);
    expect(await conn.action({ name: "increment", args: [3] })).toBe(5);
    expect(await handle.action({ name: "increment", args: [1] })).toBe(6);
    expect(await conn.action({ name: "getCount" })).toBe(6);
    expect(await conn.action("getCount")).toBe(6);
    await expect(conn.action("increment", 5 as never)).rejects.toMatchObject({ code: "invalid_request", message: expect.stringContaining("must be a list") });
    await expect(conn.action(5 as never)).rejects.toMatchObject({ code: "invalid_request", message: expect.stringContaining("action's name") });
    await expect(handle.action({ name: "increment", args: "x" } as never)).rejects.toMatchObject({ code: "invalid_request" });
    expect(await conn.action("getCount")).toBe(6);
    await conn.dispose();
  });

  it("dispose fails waiting calls with connection_disposed", async () => {
    const conn = client().chatRoom.getOrCreate(uniqueKey()).connect();
    const call = conn.wait(300);
    await conn.dispose();
    await expect(call).rejects.toMatchObject({ code: expect.stringMatching(/connection_(disposed|lost)/) });
  });
});
