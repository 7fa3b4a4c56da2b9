import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ActorError, type ActorWebSocket } from "../../src/client/index";
import { call, testClient, uniqueKey } from "./helpers";
import { ANSWERED_CLOSE_MS, SocketReader, subprotocols, upgrade } from "./ws-helpers";

type Welcome = {
  type: string;
  open: number;
  path: string;
  search: string;
  auth: unknown;
  saved: number;
  unsaved: number;
  lastClose: { code: number; reason: string } | null;
};

describe("raw WebSocket to onWebSocket", () => {
  it("routes by subprotocols (browser form) with path, query string and auth reaching the actor", async () => {
    const query = { getOrCreateForKey: { name: "socket", key: [uniqueKey()] } };
    const { response, socket } = await upgrade("/registry/actors/raw/websocket/chat/room?x=1", {
      "Sec-WebSocket-Protocol": subprotocols(query, [], { token: "alice" }),
    });
    expect(response.status).toBe(101);
    expect(response.headers.get("sec-websocket-protocol")).toBe("rivetkit");
    const reader = new SocketReader(socket);
    const welcome = await reader.nextJson<Welcome>();
    expect(welcome).toMatchObject({ type: "welcome", path: "/chat/room", search: "?x=1", auth: { user: "alice" } });
    socket.close(1000, "done");
  });

  it("routes by headers (server-side callers) in the name form", async () => {
    const query = { getOrCreateForKey: { name: "socket", key: uniqueKey() } };
    const { response, socket } = await upgrade("/registry/actors/socket/raw/websocket/", {
      "X-RivetKit-Actor-Query": JSON.stringify(query),
      "X-RivetKit-Conn-Params": JSON.stringify({ token: "bob" }),
    });
    expect(response.headers.get("sec-websocket-protocol")).toBeNull();
    const welcome = await new SocketReader(socket).nextJson<Welcome>();
    expect(welcome).toMatchObject({ path: "/", auth: { user: "bob" } });
    socket.close();
  });

  it("answers with rivetkit even when user protocols are offered beside it; without it, the first offered", async () => {
    const query = { getOrCreateForKey: { name: "socket", key: uniqueKey() } };
    const withMarker = await upgrade("/registry/actors/raw/websocket/", { "Sec-WebSocket-Protocol": subprotocols(query, ["chat.v1", "chat.v2"]) });
    expect(withMarker.response.headers.get("sec-websocket-protocol")).toBe("rivetkit");
    // The user's own protocols reach onWebSocket, after the client's entries.
    const { protocols } = await new SocketReader(withMarker.socket).nextJson<{ protocols: string }>();
    expect(protocols.split(/,\s*/).slice(-3)).toEqual(["rivetkit", "chat.v1", "chat.v2"]);
    withMarker.socket.close();
    const userOnly = await upgrade("/registry/actors/raw/websocket/", {
      "X-RivetKit-Query": JSON.stringify(query),
      "Sec-WebSocket-Protocol": "chat.v1, chat.v2",
    });
    expect(userOnly.response.headers.get("sec-websocket-protocol")).toBe("chat.v1");
    userOnly.socket.close();
  });

  it("echoes text and binary byte for byte, in order", async () => {
    const socket = await testClient().socket.getOrCreate(uniqueKey()).websocket();
    const reader = new SocketReader(socket);
    await reader.nextJson();
    const bytes = new Uint8Array(1000).map((_, i) => (i * 7) % 256);
    for (let i = 0; i < 20; i++) socket.send(`m${i}`);
    socket.send(bytes);
    for (let i = 0; i < 20; i++) expect(await reader.next()).toBe(`m${i}`);
    const echoed = await reader.next();
    expect(echoed).toBeInstanceOf(ArrayBuffer);
    expect(new Uint8Array(echoed as ArrayBuffer)).toEqual(bytes);
    socket.close();
  });

  it("round-trips a 1 MiB message", async () => {
    const socket = await testClient().socket.getOrCreate(uniqueKey()).websocket();
    const reader = new SocketReader(socket);
    await reader.nextJson();
    const big = new Uint8Array(1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    socket.send(big);
    const echoed = new Uint8Array((await reader.next()) as ArrayBuffer);
    expect(echoed.length).toBe(big.length);
    expect(echoed.every((byte, i) => byte === big[i])).toBe(true);
    const text = "x".repeat(1024 * 1024);
    socket.send(text);
    expect(await reader.next()).toBe(text);
    socket.close();
  });

  // A Worker holds at most 6 connections open at once, the test's own included; the 50-client
  // run is in test/node against wrangler dev.
  it("5 clients on one actor each get their own echoes and the right count", async () => {
    const handle = testClient().socket.getOrCreate(uniqueKey());
    const sockets = await Promise.all(Array.from({ length: 5 }, () => handle.websocket()));
    const readers = sockets.map((s) => new SocketReader(s));
    await Promise.all(readers.map((r) => r.nextJson()));
    sockets.forEach((s, i) => s.send(`from-${i}`));
    const echoes = await Promise.all(readers.map((r) => r.next()));
    expect(echoes).toEqual(sockets.map((_, i) => `from-${i}`));
    sockets[0]!.send("open");
    expect(await readers[0]!.next()).toBe("open:5");
    for (const s of sockets) s.close();
  });

  it("the client's user protocols and path pass through", async () => {
    const socket = await testClient().socket.getOrCreate(uniqueKey()).websocket("/a/b?c=d", ["chat.v1"]);
    const welcome = await new SocketReader(socket).nextJson<Welcome>();
    expect(welcome).toMatchObject({ path: "/a/b", search: "?c=d" });
    socket.close();
  });
});

describe("raw WebSockets and the connection hooks", () => {
  it("onConnect and onDisconnect do not run for raw sockets, and raw sockets are not in c.conns", async () => {
    const handle = testClient().chatRoom.getOrCreate(uniqueKey());
    const socket = await handle.websocket();
    const reader = new SocketReader(socket);
    socket.send("echo");
    expect(await reader.next()).toBe("echo");
    // While the raw socket is open, only the HTTP action asking is a connection.
    expect(await handle.stats()).toEqual({ connects: 1, disconnects: 0, open: 0 });
    socket.close(1000);
    await reader.closed;
    expect(await handle.stats()).toEqual({ connects: 2, disconnects: 1, open: 0 });
  });
});

describe("raw WebSocket close handshake", () => {
  it("a close from the actor reaches the client with its code and reason", async () => {
    const socket = await testClient().socket.getOrCreate(uniqueKey()).websocket();
    const reader = new SocketReader(socket);
    await reader.nextJson();
    socket.send("close:4001:bye");
    const event = await reader.closed;
    expect(event.code).toBe(4001);
    expect(event.reason).toBe("bye");
  });

  it("a close from the client is answered with the same code, and the actor saw it", async () => {
    const handle = testClient().socket.getOrCreate(uniqueKey());
    const socket = await handle.websocket();
    const reader = new SocketReader(socket);
    await reader.nextJson();
    socket.close(4002, "client-bye");
    const event = await reader.closed;
    expect(event.code).toBe(4002);
    const next = await handle.websocket();
    const welcome = await new SocketReader(next).nextJson<Welcome>();
    expect(welcome.lastClose).toEqual({ code: 4002, reason: "client-bye" });
    next.close(1000);
  });
});

describe("raw WebSocket close without a code", () => {
  it("is answered at once without a code, and the actor saw it as 1005", async () => {
    const handle = testClient().socket.getOrCreate(uniqueKey());
    const socket = await handle.websocket();
    const reader = new SocketReader(socket);
    await reader.nextJson();
    socket.close();
    expect(await reader.closedWithin(ANSWERED_CLOSE_MS)).toMatchObject({ code: 1005, wasClean: true });
    const welcome = await new SocketReader(await handle.websocket()).nextJson<Welcome>();
    expect(welcome.lastClose).toEqual({ code: 1005, reason: "" });
  });
});

describe("raw WebSocket state saves", () => {
  it("saveState() persists at once: the change survives a reset while the socket is open", async () => {
    const handle = testClient().socket.getOrCreate(uniqueKey());
    const socket = await handle.websocket();
    const reader = new SocketReader(socket);
    await reader.nextJson();
    socket.send("save");
    expect(await reader.next()).toBe("saved:1");
    socket.send("touch");
    expect(await reader.next()).toBe("touched:1");
    await abortAllDurableObjects();
    const welcome = await new SocketReader(await handle.websocket()).nextJson<Welcome>();
    expect(welcome.saved).toBe(1);
    // Changed without saveState() and the socket never closed cleanly: not stored.
    expect(welcome.unsaved).toBe(0);
  });

  it("changes made by listeners are saved when the socket closes", async () => {
    const handle = testClient().socket.getOrCreate(uniqueKey());
    const socket = await handle.websocket();
    const reader = new SocketReader(socket);
    await reader.nextJson();
    socket.send("touch");
    expect(await reader.next()).toBe("touched:1");
    socket.close(1000);
    await reader.closed;
    await abortAllDurableObjects();
    const welcome = await new SocketReader(await handle.websocket()).nextJson<Welcome>();
    expect(welcome.unsaved).toBe(1);
    expect(welcome.lastClose).toEqual({ code: 1000, reason: "" });
  });
});

describe("raw WebSocket errors before the socket opens", () => {
  const cases: [string, () => Promise<ActorWebSocket>, string][] = [
    ["an unknown actor name", () => testClient()["nobody" as "socket"].getOrCreate("x").websocket(), "actor_not_found"],
    ["get() of an actor that does not exist", () => testClient().socket.get(uniqueKey()).websocket(), "actor_not_found"],
    [
      "onAuth refusing",
      () =>
        testClient()
          .socket.getOrCreate(uniqueKey(), { params: { token: "deny" } })
          .websocket(),
      "forbidden",
    ],
    ["an actor without onAuth", () => testClient().privateActor.getOrCreate(uniqueKey()).websocket(), "forbidden"],
    ["an actor without onWebSocket", () => testClient().actionsOnly.getOrCreate(uniqueKey()).websocket(), "websocket_handler_not_defined"],
  ];

  it.each(cases)("%s: the client's promise rejects with the code", async (_label, open, code) => {
    const error = await open().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ActorError);
    expect(error).toMatchObject({ code, metadata: { closeCode: 1011 } });
  });

  it("a raw socket sees the 1011 close with the code as reason", async () => {
    const { socket } = await upgrade("/registry/actors/raw/websocket/", {
      "Sec-WebSocket-Protocol": subprotocols({ getOrCreateForKey: { name: "socket", key: ["x"] } }, [], { token: "deny" }),
    });
    const event = await new SocketReader(socket).closed;
    expect(event.code).toBe(1011);
    expect(event.reason).toBe("forbidden");
  });

  it("a bad query is reported the same way", async () => {
    const { socket } = await upgrade("/registry/actors/raw/websocket/", { "Sec-WebSocket-Protocol": "query.%7Bnope, encoding.json, rivetkit" });
    const event = await new SocketReader(socket).closed;
    expect(event).toMatchObject({ code: 1011, reason: "invalid_query_json" });
  });

  it("a WebSocket route without an upgrade is 426", async () => {
    const response = await call("/registry/actors/raw/websocket/", {
      headers: { "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name: "socket", key: [] } }) },
    });
    expect(response.status).toBe(426);
    expect(await response.json()).toMatchObject({ c: "upgrade_required" });
  });
});
