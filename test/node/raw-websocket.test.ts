import { randomBytes, randomUUID } from "node:crypto";
import NodeWebSocket from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { ActorError, createClient, type ActorWebSocket, type WebSocketConstructor } from "../../src/client/index";
import type { registry } from "../../examples/demo/registry";
import { startWranglerDev, tempPersistDir, useWranglerDev } from "./wrangler-dev";

// Raw WebSockets to `onWebSocket` (docs/protocol.md §5.7, §7) against the demo worker under a real
// `wrangler dev`, from Node: the demo's `websocketActor` through the client, browser-style
// addressing with a bare `ws` socket, close handshakes, setup errors and durability across a crash.

let url = "";
useWranglerDev((server) => (url = server.url));

/** Keys unique per test, so tests do not see each other's counters. */
const uniqueKey = (prefix: string) => `${prefix}-${randomUUID()}`;

type Payload = string | ArrayBuffer;
type Welcome = { type: "welcome"; connectionCount: number; messageCount: number };
type CloseInfo = { code: number; reason: string; wasClean: boolean };
/** A bare `ws` socket (typed as the W3C WebSocket it implements) or the client's. */
type AnySocket = WebSocket | ActorWebSocket;

const MESSAGE_TIMEOUT_MS = 15_000;
const CLOSE_TIMEOUT_MS = 10_000;

/** Every socket a test opened; afterEach closes whatever is still open. */
const sockets = new Set<AnySocket>();
/** Servers and folders of the restart test; afterEach stops and removes them, newest first. */
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all([...sockets].map((socket) => closeQuietly(socket)));
  sockets.clear();
  while (cleanups.length) await cleanups.pop()!();
});

/**
 * A socket under watch: its messages queue up in order (read them with `next`), and `closed`
 * settles with the close event. Attach it right after the socket exists (for the client's
 * sockets: right after `websocket()` resolved; held early messages are replayed to it).
 */
class Watched {
  readonly socket: AnySocket;
  readonly closed: Promise<CloseInfo>;
  readonly #queue: Payload[] = [];
  readonly #waiters: Array<{ resolve(payload: Payload): void; reject(error: Error): void }> = [];
  #closeInfo: CloseInfo | undefined;

  constructor(socket: AnySocket) {
    this.socket = socket;
    sockets.add(socket);
    socket.addEventListener("message", (event: MessageEvent) => {
      const data = event.data as Payload;
      const waiter = this.#waiters.shift();
      if (waiter) waiter.resolve(data);
      else this.#queue.push(data);
    });
    // `ws` emits "error" on a failed handshake; a listener keeps it from being thrown.
    socket.addEventListener("error", () => {});
    this.closed = new Promise<CloseInfo>((resolve) => {
      socket.addEventListener("close", (event: CloseEvent) => {
        this.#closeInfo = { code: event.code, reason: event.reason, wasClean: event.wasClean };
        for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error(`socket closed (${event.code} ${event.reason}) while waiting for a message`));
        resolve(this.#closeInfo);
      });
    });
  }

  /** The next message, in order of arrival. */
  next(timeoutMs = MESSAGE_TIMEOUT_MS): Promise<Payload> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#closeInfo) return Promise.reject(new Error(`socket already closed (${this.#closeInfo.code} ${this.#closeInfo.reason})`));
    return new Promise<Payload>((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(new Error(`no message within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        resolve: (payload: Payload) => {
          clearTimeout(timer);
          resolve(payload);
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#waiters.push(waiter);
    });
  }

  async nextText(): Promise<string> {
    const payload = await this.next();
    if (typeof payload !== "string") throw new Error(`expected a text message, got ${describePayload(payload)}`);
    return payload;
  }

  async nextBinary(): Promise<ArrayBuffer> {
    const payload = await this.next();
    if (!(payload instanceof ArrayBuffer)) throw new Error(`expected an ArrayBuffer, got ${describePayload(payload)}`);
    return payload;
  }

  async welcome(): Promise<Welcome> {
    const welcome = JSON.parse(await this.nextText()) as Welcome;
    expect(welcome.type).toBe("welcome");
    return welcome;
  }

  /** Waits for the close event (with a timeout, so a missing close handshake fails the test). */
  async waitClosed(timeoutMs = CLOSE_TIMEOUT_MS): Promise<CloseInfo> {
    return withTimeout(this.closed, timeoutMs, "close event");
  }
}

function describePayload(payload: unknown): string {
  if (typeof payload === "string") return `text ${JSON.stringify(payload.slice(0, 100))}`;
  return Object.prototype.toString.call(payload);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Closes a socket with 1000 and waits for the handshake; a bare socket that hangs or never opened is terminated. */
async function closeQuietly(socket: AnySocket): Promise<void> {
  if (socket.readyState === NodeWebSocket.CLOSED) return;
  const closed = new Promise<void>((resolve) => socket.addEventListener("close", () => resolve()));
  const terminate = () => (socket instanceof NodeWebSocket ? socket.terminate() : undefined);
  if (socket.readyState === NodeWebSocket.OPEN) socket.close(1000, "cleanup");
  else terminate();
  try {
    await withTimeout(closed, 2_000, "close in cleanup");
  } catch {
    terminate();
  }
}

/** A bare `ws` socket, as a browser (or anything without the client) would open it. */
function rawSocket(path: string, protocols: string[] | undefined, headers?: Record<string, string>): Watched {
  const wsUrl = `${url.replace(/^http/, "ws")}${path}`;
  const socket = protocols === undefined ? new NodeWebSocket(wsUrl, { headers }) : new NodeWebSocket(wsUrl, protocols, { headers });
  socket.binaryType = "arraybuffer";
  return new Watched(socket as unknown as WebSocket);
}

function opened(watched: Watched): Promise<void> {
  const socket = watched.socket;
  if (socket.readyState === NodeWebSocket.OPEN) return Promise.resolve();
  const open = new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => resolve());
    void watched.closed.then((info) => reject(new Error(`closed before open: ${info.code} ${info.reason}`)));
  });
  return withTimeout(open, MESSAGE_TIMEOUT_MS, "open event");
}

const queryJson = (key: string) => JSON.stringify({ getOrCreateForKey: { name: "websocketActor", key: [key] } });

async function expectActorError(promise: Promise<unknown>, code: string): Promise<ActorError> {
  const error = await promise.then(
    (value) => {
      // A socket that opened by mistake still has to be closed.
      if (value && typeof value === "object" && "close" in value) void closeQuietly(value as AnySocket);
      throw new Error(`expected ActorError ${code}, but the promise resolved`);
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ActorError);
  expect((error as ActorError).code).toBe(code);
  return error as ActorError;
}

describe("the demo's websocketActor through the client", () => {
  it("sends a welcome and echoes text", async () => {
    const client = createClient<typeof registry>(url);
    const actor = client.websocketActor.getOrCreate([uniqueKey("demo")]);
    const websocket = await actor.websocket();
    const watched = new Watched(websocket);

    expect(websocket.readyState).toBe(NodeWebSocket.OPEN);
    expect(websocket.protocol).toBe("rivetkit");
    expect(await watched.welcome()).toEqual({ type: "welcome", connectionCount: 1, messageCount: 0 });

    websocket.send("Hello from Node!");
    expect(await watched.nextText()).toBe("Hello from Node!");
    websocket.send(JSON.stringify({ type: "chat", text: "ünïcödé ✓" }));
    expect(await watched.nextText()).toBe(JSON.stringify({ type: "chat", text: "ünïcödé ✓" }));

    websocket.close(1000);
    expect((await watched.waitClosed()).code).toBe(1000);
  });

  it("round-trips 1000 binary bytes as an ArrayBuffer", async () => {
    const websocket = await createClient<typeof registry>(url).websocketActor.getOrCreate(uniqueKey("binary")).websocket();
    const watched = new Watched(websocket);
    await watched.welcome();

    const sent = new Uint8Array(randomBytes(1000));
    websocket.send(sent);
    const received = await watched.nextBinary();
    expect(received).toBeInstanceOf(ArrayBuffer);
    expect(received.byteLength).toBe(1000);
    expect(Buffer.from(received).equals(sent)).toBe(true);

    // Text after binary is still text.
    websocket.send("after binary");
    expect(await watched.nextText()).toBe("after binary");
  });

  it("keeps the order of 100 messages, text and binary mixed", async () => {
    const key = uniqueKey("order");
    const websocket = await createClient<typeof registry>(url).websocketActor.getOrCreate(key).websocket();
    const watched = new Watched(websocket);
    await watched.welcome();

    const texts = Array.from({ length: 100 }, (_, i) => `message-${i}`);
    for (const text of texts) websocket.send(text);
    const echoes: Payload[] = [];
    for (let i = 0; i < texts.length; i++) echoes.push(await watched.next());
    expect(echoes).toEqual(texts);

    // Mixed: every 10th frame binary, carrying its index.
    for (let i = 0; i < 100; i++) websocket.send(i % 10 === 0 ? new Uint8Array([i]) : `mixed-${i}`);
    for (let i = 0; i < 100; i++) {
      const echo = await watched.next();
      if (i % 10 === 0) expect(echo instanceof ArrayBuffer ? [...new Uint8Array(echo)] : echo).toEqual([i]);
      else expect(echo).toBe(`mixed-${i}`);
    }

    // The welcome of a later connection counts every message.
    const second = new Watched(await createClient<typeof registry>(url).websocketActor.getOrCreate(key).websocket());
    expect(await second.welcome()).toMatchObject({ connectionCount: 2, messageCount: 200 });
  });

  it("passes the path and the user's protocols to the client's socket", async () => {
    const websocket = await createClient<typeof registry>(url).websocketActor.getOrCreate(uniqueKey("path")).websocket("/chat/room?x=1", ["chat.v1"]);
    const watched = new Watched(websocket);
    // The client always offers `rivetkit`, which the server echoes even when user protocols follow.
    expect(websocket.protocol).toBe("rivetkit");
    expect(await watched.welcome()).toMatchObject({ connectionCount: 1 });
  });
});

describe("many clients on one actor", () => {
  it("50 clients each get only their own echo, and the counts add up", async () => {
    const key = uniqueKey("fifty");
    const client = createClient<typeof registry>(url);
    const handle = client.websocketActor.getOrCreate(key);

    const watched = (await Promise.all(Array.from({ length: 50 }, () => handle.websocket()))).map((socket) => new Watched(socket));
    const welcomes = await Promise.all(watched.map((w) => w.welcome()));
    // The actor runs one onWebSocket at a time, so the 50 welcomes count 1 … 50 in some order.
    expect(welcomes.map((w) => w.connectionCount).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(welcomes.every((w) => w.messageCount === 0)).toBe(true);

    watched.forEach((w, i) => w.socket.send(`client-${i}`));
    expect(await Promise.all(watched.map((w) => w.nextText()))).toEqual(watched.map((_, i) => `client-${i}`));
    // A second round trip on each socket: had another client's echo leaked in, it would come first.
    watched.forEach((w, i) => w.socket.send(`again-${i}`));
    expect(await Promise.all(watched.map((w) => w.nextText()))).toEqual(watched.map((_, i) => `again-${i}`));

    const fiftyFirst = new Watched(await handle.websocket());
    expect(await fiftyFirst.welcome()).toEqual({ type: "welcome", connectionCount: 51, messageCount: 100 });

    const all = [...watched, fiftyFirst];
    for (const w of all) w.socket.close(1000, "done");
    const closes = await Promise.all(all.map((w) => w.waitClosed()));
    expect(closes.every((c) => c.code === 1000 && c.wasClean)).toBe(true);

    // The server ran each close listener before answering the close, so the count is back to 0.
    const after = new Watched(await handle.websocket());
    expect(await after.welcome()).toEqual({ type: "welcome", connectionCount: 1, messageCount: 100 });
  });

  it("keeps actors apart: another key has its own counts", async () => {
    const client = createClient<typeof registry>(url);
    const a = new Watched(await client.websocketActor.getOrCreate(uniqueKey("apart-a")).websocket());
    expect(await a.welcome()).toMatchObject({ connectionCount: 1, messageCount: 0 });
    a.socket.send("only on a");
    expect(await a.nextText()).toBe("only on a");
    const b = new Watched(await client.websocketActor.getOrCreate(uniqueKey("apart-b")).websocket());
    expect(await b.welcome()).toEqual({ type: "welcome", connectionCount: 1, messageCount: 0 });
  });
});

describe("messages that arrive before the first listener", () => {
  /** `ws` that counts the messages reaching it, underneath the client's wrapper (whose listener comes after). */
  function countingWebSocket() {
    const created: Array<NodeWebSocket & { received: number }> = [];
    class Counting extends NodeWebSocket {
      received = 0;
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols);
        created.push(this);
        this.on("message", () => this.received++);
      }
    }
    const client = createClient<typeof registry>({ endpoint: url, WebSocket: Counting as unknown as WebSocketConstructor });
    return { client, underneath: () => created[0]! };
  }

  const collect = (socket: ActorWebSocket, how: "listener" | "onmessage") => {
    const got: string[] = [];
    const record = (event: MessageEvent) => got.push(String(event.data));
    if (how === "listener") socket.addEventListener("message", record);
    else socket.onmessage = record;
    return got;
  };
  const poll = <T>(read: () => T) => expect.poll(read, { timeout: MESSAGE_TIMEOUT_MS, interval: 20 });

  it.each(["listener", "onmessage"] as const)("go to the first %s in order; later ones are not held, and a late listener gets no replay", async (how) => {
    const { client, underneath } = countingWebSocket();
    const ws = await client.websocketActor.getOrCreate(uniqueKey("held")).websocket();
    sockets.add(ws);
    ws.send("early");
    // The welcome and the echo are both in before anyone listens.
    await poll(() => underneath().received).toBe(2);

    const first = collect(ws, how);
    await poll(() => first.length).toBe(2);
    expect(JSON.parse(first[0]!)).toMatchObject({ type: "welcome", messageCount: 0 });
    expect(first[1]).toBe("early");

    ws.send("later");
    await poll(() => first).toEqual([first[0], "early", "later"]);

    const late = collect(ws, "listener");
    ws.send("last");
    await poll(() => late).toEqual(["last"]);
    expect(first.slice(1)).toEqual(["early", "later", "last"]);
  });
});

describe("large messages", () => {
  it("round-trips a 1 MiB binary message byte for byte", async () => {
    const websocket = await createClient<typeof registry>(url).websocketActor.getOrCreate(uniqueKey("large")).websocket();
    const watched = new Watched(websocket);
    await watched.welcome();

    const sent = randomBytes(1024 * 1024);
    websocket.send(new Uint8Array(sent.buffer, sent.byteOffset, sent.byteLength));
    const received = await watched.nextBinary();
    expect(received.byteLength).toBe(sent.byteLength);
    expect(Buffer.from(received).equals(sent)).toBe(true);

    // The socket is still usable afterwards.
    websocket.send("small again");
    expect(await watched.nextText()).toBe("small again");
  });
});

describe("browser-style addressing with a bare ws socket", () => {
  it("RivetKit form with the query in a subprotocol: echoes `rivetkit`, reaches the client's actor", async () => {
    const key = uniqueKey("browser");
    const protocols = [`query.${encodeURIComponent(queryJson(key))}`, "encoding.json", "rivetkit", "chat.v1"];
    const raw = rawSocket("/registry/actors/raw/websocket/some/path?x=1", protocols);
    await opened(raw);
    expect(raw.socket.protocol).toBe("rivetkit");
    expect(await raw.welcome()).toEqual({ type: "welcome", connectionCount: 1, messageCount: 0 });
    raw.socket.send("from the browser");
    expect(await raw.nextText()).toBe("from the browser");

    // Same actor as the client's string key: it sees the raw socket and its message.
    const viaClient = new Watched(await createClient<typeof registry>(url).websocketActor.getOrCreate(key).websocket());
    expect(await viaClient.welcome()).toEqual({ type: "welcome", connectionCount: 2, messageCount: 1 });
  });

  it("name form with the query in the X-RivetKit-Query header and no subprotocols: no protocol echoed", async () => {
    const key = uniqueKey("header");
    const raw = rawSocket("/registry/actors/websocketActor/raw/websocket/", undefined, { "X-RivetKit-Query": queryJson(key) });
    await opened(raw);
    expect(raw.socket.protocol).toBe("");
    expect(await raw.welcome()).toEqual({ type: "welcome", connectionCount: 1, messageCount: 0 });
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
    raw.socket.send(bytes);
    expect([...new Uint8Array(await raw.nextBinary())]).toEqual([...bytes]);
  });

  it("name form with the X-RivetKit-Actor-Query header (the query header's other name) also works", async () => {
    const raw = rawSocket("/registry/actors/websocketActor/raw/websocket/deep/path", undefined, {
      "X-RivetKit-Actor-Query": queryJson(uniqueKey("actor-query")),
    });
    await opened(raw);
    expect(raw.socket.protocol).toBe("");
    expect(await raw.welcome()).toMatchObject({ connectionCount: 1 });
  });

  it("only user protocols offered, query in the header: echoes the first one", async () => {
    const raw = rawSocket("/registry/actors/websocketActor/raw/websocket/", ["chat.v1", "chat.v2"], {
      "X-RivetKit-Query": queryJson(uniqueKey("user-protocols")),
    });
    await opened(raw);
    expect(raw.socket.protocol).toBe("chat.v1");
    expect(await raw.welcome()).toMatchObject({ connectionCount: 1, messageCount: 0 });
    raw.socket.send("v1");
    expect(await raw.nextText()).toBe("v1");
  });
});

describe("closing from the client", () => {
  it("close(4001, 'bye') is answered with the same code and reason", async () => {
    const key = uniqueKey("close-4001");
    const handle = createClient<typeof registry>(url).websocketActor.getOrCreate(key);
    const watched = new Watched(await handle.websocket());
    await watched.welcome();

    watched.socket.close(4001, "bye");
    expect(await watched.waitClosed()).toEqual({ code: 4001, reason: "bye", wasClean: true });

    // The actor saw the close: a new socket is the only one.
    const next = new Watched(await handle.websocket());
    expect(await next.welcome()).toMatchObject({ connectionCount: 1 });
  });

  it("close(1000) is answered with 1000", async () => {
    const watched = new Watched(await createClient<typeof registry>(url).websocketActor.getOrCreate(uniqueKey("close-1000")).websocket());
    await watched.welcome();
    watched.socket.close(1000);
    expect(await watched.waitClosed()).toMatchObject({ code: 1000, wasClean: true });
  });

  it("a bare ws socket gets its close answered too", async () => {
    const raw = rawSocket("/registry/actors/websocketActor/raw/websocket/", undefined, { "X-RivetKit-Query": queryJson(uniqueKey("close-raw")) });
    await opened(raw);
    await raw.welcome();
    raw.socket.close(4999, "raw bye");
    expect(await raw.waitClosed()).toEqual({ code: 4999, reason: "raw bye", wasClean: true });
  });
});

describe("errors before the socket opens", () => {
  it("an unknown actor name rejects with actor_not_found", async () => {
    const client = createClient(url);
    const error = await expectActorError(client.nobody.getOrCreate("x").websocket(), "actor_not_found");
    expect(error.metadata).toMatchObject({ closeCode: 1011 });
  });

  it("get() of an actor never created rejects with actor_not_found", async () => {
    const client = createClient<typeof registry>(url);
    const error = await expectActorError(client.websocketActor.get(`never-created-${randomUUID()}`).websocket(), "actor_not_found");
    expect(error.metadata).toMatchObject({ closeCode: 1011 });
  });

  // The refusal must echo an offered protocol even when the query itself is unreadable, or the
  // client fails the handshake ("Server sent no subprotocol") and sees 1006 with no code.
  it("a query subprotocol that is not JSON closes 1011 invalid_query_json", async () => {
    const raw = rawSocket("/registry/actors/raw/websocket/", ["query.%7Bnope"]);
    expect(await raw.waitClosed()).toMatchObject({ code: 1011, reason: "invalid_query_json" });
  });

  it("a query header that is not JSON (no subprotocols offered) closes 1011 invalid_query_json", async () => {
    const raw = rawSocket("/registry/actors/websocketActor/raw/websocket/", undefined, { "X-RivetKit-Query": "{nope" });
    expect(await raw.waitClosed()).toMatchObject({ code: 1011, reason: "invalid_query_json" });
  });

  // The same path through the client: a bad key is refused before the query is usable.
  it("a key part over 128 characters rejects with invalid_request", async () => {
    const handle = createClient<typeof registry>(url).websocketActor.getOrCreate("k".repeat(129));
    const error = await expectActorError(handle.websocket(), "invalid_request");
    expect(error.metadata).toMatchObject({ closeCode: 1011 });
  });

  it("an actor without onWebSocket rejects with websocket_handler_not_defined", async () => {
    const handle = createClient<typeof registry>(url).counter.getOrCreate(uniqueKey("no-handler"));
    const error = await expectActorError(handle.websocket(), "websocket_handler_not_defined");
    expect(error.metadata).toMatchObject({ closeCode: 1011 });
  });

  it("a bare ws socket to an unknown actor name closes 1011 actor_not_found", async () => {
    const query = JSON.stringify({ getOrCreateForKey: { name: "nobody", key: ["x"] } });
    const raw = rawSocket("/registry/actors/raw/websocket/", [`query.${encodeURIComponent(query)}`, "encoding.json", "rivetkit"]);
    expect(await raw.waitClosed()).toMatchObject({ code: 1011, reason: "actor_not_found" });
  });

  it("GET without Upgrade on a websocket route answers 426 upgrade_required", async () => {
    for (const path of ["/registry/actors/raw/websocket/", "/registry/actors/websocketActor/raw/websocket/some/path"]) {
      const response = await fetch(`${url}${path}`, { headers: { "X-RivetKit-Query": queryJson(uniqueKey("no-upgrade")) } });
      expect(response.status, path).toBe(426);
      expect(await response.json(), path).toMatchObject({ c: "upgrade_required" });
    }
  });
});

describe("durability", () => {
  it("keeps every echoed message's count across SIGKILL of wrangler and workerd", async () => {
    const dir = await tempPersistDir();
    cleanups.push(dir.remove);
    const key = "durable";

    const first = await startWranglerDev({ persistTo: dir.path });
    cleanups.push(first.stop);
    const watched = new Watched(await createClient<typeof registry>(first.url).websocketActor.getOrCreate(key).websocket());
    expect(await watched.welcome()).toEqual({ type: "welcome", connectionCount: 1, messageCount: 0 });
    for (const text of ["one", "two", "three"]) watched.socket.send(text);
    for (const text of ["one", "two", "three"]) expect(await watched.nextText()).toBe(text);
    // Crash right after the third echo: each echo was sent after saveState(), and the output
    // gate held it until the write was durable.
    await first.kill();
    expect((await watched.waitClosed()).code).toBe(1006);

    const second = await startWranglerDev({ persistTo: dir.path });
    cleanups.push(second.stop);
    const again = new Watched(await createClient<typeof registry>(second.url).websocketActor.getOrCreate(key).websocket());
    expect(await again.welcome()).toEqual({ type: "welcome", connectionCount: 1, messageCount: 3 });
  });
});
