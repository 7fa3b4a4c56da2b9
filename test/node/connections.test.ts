import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import NodeWebSocket from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { ActorError, createClient, type ActorConnection, type WebSocketConstructor } from "../../src/client/index";
import type { ChatMessage } from "../../examples/demo/actors/chat";
import type { registry } from "../../examples/demo/registry";
import { startWranglerDev, tempPersistDir, useWranglerDev, type WranglerDev } from "./wrangler-dev";
import { sleep, waitFor } from "./wait";

// Connections through actorflare's client from Node against the demo worker under a real
// `wrangler dev`: both transports × both encodings, a 20-client chat room, presence, typed
// calls, errors, once / unsubscribe / dispose, and a reconnect across a restart of the runtime.

type Transport = "websocket" | "sse";
type Encoding = "json" | "cbor";

const OPEN_TIMEOUT_MS = 20_000;
const EVENT_TIMEOUT_MS = 15_000;
/**
 * How long the actor may take to notice that a connection went away: well under a second (an
 * SSE stream is noticed by its keep-alive writes failing); generous here for a busy machine.
 */
const LEAVE_TIMEOUT_MS = 10_000;

/** Keys unique per test, so tests do not see each other's actors. */
const uniqueKey = (prefix: string) => `${prefix}-${randomUUID()}`;

/**
 * Repeats `trigger` (a call from elsewhere, e.g. over HTTP) until `done` holds: a connection's
 * subscription is certainly in place once a call on that same connection returned, but a
 * connection that has made no call yet can only show it by receiving an event.
 */
async function settle(trigger: () => Promise<unknown>, done: () => boolean, what: string, timeoutMs = EVENT_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await trigger();
    const until = Math.min(deadline, Date.now() + 300);
    while (!done() && Date.now() < until) await sleep(10);
  }
}

/**
 * `ws` (what the client picks on Node 20), instrumented: `ws` throws an "error" event nobody
 * listens to, as an uncaught exception that also skips the socket's "close" event. This
 * subclass records such an error instead of throwing it, so a regression shows up as a failed
 * assertion rather than a torn-down run; like `ws`, it then skips the close event.
 */
function instrumentedWebSocket() {
  const created: NodeWebSocket[] = [];
  const unhandledErrors: Error[] = [];
  class InstrumentedWebSocket extends NodeWebSocket {
    #swallowedError = false;
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      created.push(this);
    }
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === "error" && this.listenerCount("error") === 0) {
        unhandledErrors.push(args[0] as Error);
        this.#swallowedError = true;
        return false;
      }
      if (event === "close" && this.#swallowedError) return false;
      return super.emit(event, ...args);
    }
  }
  return { WebSocket: InstrumentedWebSocket as unknown as WebSocketConstructor, created, unhandledErrors };
}

/**
 * A WebSocket constructor and a fetch for the client that let a test cut every socket and SSE
 * stream they opened, as a network drop would (no close handshake, no message to the server).
 */
function droppableTransports() {
  const sockets = new Set<NodeWebSocket>();
  const streams = new Set<AbortController>();
  class DroppableWebSocket extends NodeWebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      sockets.add(this);
    }
  }
  const droppableFetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const controller = new AbortController();
    if (new Headers(init?.headers).get("accept") === "text/event-stream") streams.add(controller);
    init?.signal?.addEventListener("abort", () => controller.abort(init.signal?.reason));
    return fetch(input, { ...init, signal: controller.signal });
  };
  return {
    WebSocket: DroppableWebSocket as unknown as WebSocketConstructor,
    fetch: droppableFetch as typeof fetch,
    dropAll() {
      for (const socket of sockets) socket.terminate();
      for (const stream of streams) stream.abort();
      sockets.clear();
      streams.clear();
    },
  };
}

/** A WebSocket and a fetch that call `whileConnecting` as a connection's request goes out (the socket is made, or the SSE stream asked for). */
function connectingHook(whileConnecting: () => void) {
  class HookedWebSocket extends NodeWebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      whileConnecting();
    }
  }
  const hookedFetch = (input: RequestInfo | URL, init?: RequestInit) => {
    if (String(input).includes("/registry/actors/connect/sse")) whileConnecting();
    return fetch(input, init);
  };
  return { WebSocket: HookedWebSocket as unknown as WebSocketConstructor, fetch: hookedFetch as typeof fetch };
}

/** A fetch that holds back the first message POST of each SSE connection for `ms`, as a slow network path might. */
function firstMessageDelayed(ms: number): typeof fetch {
  const delayed = new Set<string>();
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const connectionId = new Headers(init?.headers).get("x-rivetkit-conn");
    if (String(input).endsWith("/registry/actors/message") && connectionId && !delayed.has(connectionId)) {
      delayed.add(connectionId);
      await sleep(ms);
    }
    return fetch(input, init);
  }) as typeof fetch;
}

/** A port nothing listens on (the OS picked it a moment ago for a listener we closed). */
function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Every connection a test opened; afterEach disposes what is left. */
const connections = new Set<{ dispose(): Promise<void> }>();
/** Servers and folders of the restart test, stopped and removed newest first. */
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all([...connections].map((conn) => conn.dispose()));
  connections.clear();
  while (cleanups.length) await cleanups.pop()!();
});

function track<T extends { dispose(): Promise<void> }>(conn: T): T {
  connections.add(conn);
  return conn;
}

async function expectActorError(promise: Promise<unknown>, code: string, message?: string): Promise<ActorError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ActorError ${code}, but the call resolved`);
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ActorError);
  expect((error as ActorError).code).toBe(code);
  if (message !== undefined) expect((error as ActorError).message).toBe(message);
  return error as ActorError;
}

describe("against one wrangler dev", () => {
  let url = "";
  let dev: WranglerDev | undefined;
  // Connections are disposed first (afterEach), then the server stops and its folder goes.
  useWranglerDev((server) => {
    url = server.url;
    dev = server;
  });

  // Miniflare keeps a table of its own in every object's database: it is no leftover of a
  // creation a crash cut short, which a creation would delete and log.
  it("creating actors finds nothing to clear in their new objects", async () => {
    const c = createClient<typeof registry>(url);
    for (let i = 0; i < 3; i++) expect(await c.counter.getOrCreate(uniqueKey("fresh")).increment(1)).toBe(1);
    await c.dispose();
    expect(dev?.output()).not.toContain("was cut short");
  });

  const combos: Array<[Transport, Encoding]> = [
    ["websocket", "json"],
    ["websocket", "cbor"],
    ["sse", "json"],
    ["sse", "cbor"],
  ];

  describe.each(combos)("transport %s, encoding %s", (transport, encoding) => {
    const client = (WebSocket?: WebSocketConstructor) =>
      createClient<typeof registry>({ endpoint: url, encoding, transport, actionTimeout: 15_000, WebSocket });

    // A connection's messages are handled in the order sent, and an action's events leave before
    // its answer on the same socket or stream: when a call resolves, the event it caused (for a
    // subscription made before the call) has already been delivered. No waiting, no timeout.
    it("a subscription made before an action sees that action's event, every time", { timeout: 60_000 }, async () => {
      // The subscription rides in the connect request. Over SSE each later message is its own
      // POST: the first POST of every connection (the call) is held back 200 ms on its way.
      const c = createClient<typeof registry>({ endpoint: url, encoding, transport, actionTimeout: 15_000, fetch: firstMessageDelayed(200) });
      for (let round = 0; round < 15; round++) {
        const conn = track(c.counter.getOrCreate(uniqueKey("order")).connect());
        const seen: number[] = [];
        conn.on("newCount", (count) => seen.push(count as number));
        expect(await conn.increment(2)).toBe(2);
        expect(seen).toEqual([2]);
        await conn.dispose();
      }
    });

    // The subscriptions ride in the connect request: the actor takes them before init, so an
    // event another client causes as soon as `open` is announced reaches the connection.
    it("an event another client causes when 'open' is announced arrives, every time", { timeout: 60_000 }, async () => {
      const c = client();
      const other = createClient<typeof registry>({ endpoint: url, actionTimeout: 15_000 });
      for (let round = 0; round < 10; round++) {
        const key = uniqueKey("at-open");
        const conn = track(c.counter.getOrCreate(key).connect());
        const seen: number[] = [];
        conn.on("newCount", (count) => seen.push(count as number));
        const caused = new Promise<unknown>((resolve) => {
          const stop = conn.onStatusChange((status) => {
            if (status !== "open") return;
            stop();
            resolve(other.counter.getOrCreate(key).increment(3));
          });
        });
        expect(await caused).toBe(3);
        // Its answer comes after every event the actor sent this connection before it.
        expect(await conn.getCount()).toBe(3);
        expect(seen).toEqual([3]);
        await conn.dispose();
      }
      await other.dispose();
    });

    // As React's hooks do: the event hook subscribes once the connection exists, while its
    // request is on its way. `open` then waits until the server has taken that subscription.
    it("a listener added while the connect request is on its way hears an event another client causes at 'open'", { timeout: 60_000 }, async () => {
      let listen: (() => void) | undefined;
      const hooked = connectingHook(() => listen?.());
      const c = createClient<typeof registry>({ endpoint: url, encoding, transport, actionTimeout: 15_000, ...hooked });
      const other = createClient<typeof registry>({ endpoint: url, actionTimeout: 15_000 });
      for (let round = 0; round < 10; round++) {
        const key = uniqueKey("late-listener");
        // The other client's call goes over a connection already open to the actor: the fastest
        // way an event can follow `open`.
        const otherConn = track(other.counter.getOrCreate(key).connect());
        await otherConn.getCount();
        const conn = track(c.counter.getOrCreate(key).connect());
        const seen: number[] = [];
        listen = () => {
          listen = undefined;
          conn.on("newCount", (count) => seen.push(count as number));
        };
        const caused = new Promise<unknown>((resolve) => {
          const stop = conn.onStatusChange((status) => {
            if (status !== "open") return;
            stop();
            resolve(otherConn.increment(4));
          });
        });
        expect(await caused).toBe(4);
        expect(await conn.getCount()).toBe(4);
        expect(seen).toEqual([4]);
        await Promise.all([conn.dispose(), otherConn.dispose()]);
      }
      await other.dispose();
    });

    it("after a dropped transport, subscriptions are in place again before a queued call runs", { timeout: 60_000 }, async () => {
      const dropper = droppableTransports();
      const conn = track(
        createClient<typeof registry>({ endpoint: url, encoding, transport, actionTimeout: 15_000, WebSocket: dropper.WebSocket, fetch: dropper.fetch })
          .counter.getOrCreate(uniqueKey("reconnect"))
          .connect(),
      );
      const seen: number[] = [];
      conn.on("newCount", (count) => seen.push(count as number));
      for (let round = 1; round <= 3; round++) {
        expect(await conn.increment(1)).toBe(2 * round - 1);
        const before = conn.connectionId;
        dropper.dropAll();
        await waitFor(() => !conn.isOpen || conn.connectionId !== before, "the client to notice the drop", 10_000);
        // Made while the connection is down: sent after the renewed subscription.
        expect(await conn.increment(1)).toBe(2 * round);
        expect(conn.connectionId).not.toBe(before);
        expect(seen).toEqual(Array.from({ length: 2 * round }, (_, i) => i + 1));
      }
    });

    it("a call made in an 'open' status callback sees its own event, on the first open and after each reconnect", { timeout: 60_000 }, async () => {
      const dropper = droppableTransports();
      const conn = track(
        createClient<typeof registry>({ endpoint: url, encoding, transport, actionTimeout: 15_000, WebSocket: dropper.WebSocket, fetch: dropper.fetch })
          .counter.getOrCreate(uniqueKey("open-call"))
          .connect(),
      );
      const seen: number[] = [];
      conn.on("newCount", (count) => seen.push(count as number));
      const calls: Promise<unknown>[] = [];
      conn.onStatusChange((status) => {
        if (status === "open") calls.push(conn.increment(1));
      });
      for (let round = 1; round <= 3; round++) {
        await waitFor(() => calls.length === round, "the connection to open", OPEN_TIMEOUT_MS);
        // The subscription went out before the call, so its event came before its answer.
        expect(await calls[round - 1]).toBe(round);
        expect(seen).toEqual(Array.from({ length: round }, (_, i) => i + 1));
        dropper.dropAll();
      }
    });

    it("20 clients in one chat room each receive every broadcast of every other, in the order sent", { timeout: 90_000 }, async () => {
      const key = uniqueKey("room");
      const c = client();
      const conns = Array.from({ length: 20 }, (_, i) => track(c.chat.getOrCreate(key, { params: { name: `u${i}` } }).connect()));
      const received: ChatMessage[][] = conns.map(() => []);
      conns.forEach((conn, i) => conn.on("message", (message) => received[i].push(message as ChatMessage)));
      await waitFor(() => conns.every((conn) => conn.isOpen), "20 connections to open", OPEN_TIMEOUT_MS);
      expect(new Set(conns.map((conn) => conn.connectionId)).size).toBe(20);
      expect(new Set(conns.map((conn) => conn.actorId)).size).toBe(1);

      // Until every subscription is known to be active, messages come from a separate sender.
      const warmup = c.chat.getOrCreate(key, { params: { name: "warmup" } });
      await settle(
        () => warmup.send("warmup"),
        () => received.every((list) => list.some((m) => m.from === "warmup")),
        "every client to be subscribed",
      );
      // Conn state is per connection; an HTTP action's short-lived connection is not counted.
      expect(await conns[0].presence()).toBe(20);
      expect(await warmup.presence()).toBe(20);

      // Each client sends 3 messages, one after the other; the 20 clients run at the same time.
      await Promise.all(
        conns.map(async (conn, i) => {
          for (let k = 0; k < 3; k++) {
            const sent = await conn.send(`u${i}-${k}`);
            expect(sent).toMatchObject({ from: `u${i}`, text: `u${i}-${k}` });
          }
        }),
      );
      const real = (i: number) => received[i].filter((m) => m.from !== "warmup");
      await waitFor(() => conns.every((_, i) => real(i).length >= 60), "60 messages at every client", 30_000);

      const history = ((await warmup.history()) as ChatMessage[]).filter((m) => m.from !== "warmup");
      expect(history).toHaveLength(60);
      for (let i = 0; i < conns.length; i++) {
        const messages = real(i);
        expect(messages).toHaveLength(60);
        for (let sender = 0; sender < 20; sender++) {
          expect(messages.filter((m) => m.from === `u${sender}`).map((m) => m.text)).toEqual([`u${sender}-0`, `u${sender}-1`, `u${sender}-2`]);
        }
        // One actor broadcasts one message at a time: everyone sees the same order, the history's.
        expect(messages).toEqual(history);
      }
    });

    it("presence: count over HTTP and over the connection, and `presence` events as others come and go", async () => {
      const key = uniqueKey("presence");
      const c = client();
      const handle = c.chat.getOrCreate(key, { params: { name: "a" } });
      const a = track(handle.connect());
      const seen: number[] = [];
      a.on("presence", (count) => seen.push(count as number));
      // a's own arrival was announced before it subscribed. Once a call on `a` returned, its
      // subscription is in place (a connection's messages are handled in order).
      expect(await a.presence()).toBe(1);
      // An HTTP action runs on a short-lived connection (its hooks run) that is not in c.conns,
      // so the count does not change and nothing is broadcast; a's next answer comes after
      // anything the HTTP call sent it.
      expect(await handle.presence()).toBe(1);
      expect(await a.presence()).toBe(1);
      expect(seen).toEqual([]);

      const b = track(c.chat.getOrCreate(key, { params: { name: "b" } }).connect());
      await waitFor(() => seen.includes(2), "presence 2 at a");
      expect(await b.presence()).toBe(2);
      expect(await handle.presence()).toBe(2);

      seen.length = 0;
      await b.dispose();
      await waitFor(() => seen.includes(1), "presence 1 at a after b left", LEAVE_TIMEOUT_MS);
      expect(await a.presence()).toBe(1);
      expect(await handle.presence()).toBe(1);
    });

    it("typed actions over HTTP and over the connection reach the same state", async () => {
      const handle = client().counter.getOrCreate(uniqueKey("typed"));
      const viaHttp: number = await handle.increment(5);
      expect(viaHttp).toBe(5);

      const conn = track(handle.connect());
      // A call made before the connection is open waits for it.
      const viaConn: number = await conn.increment(2);
      expect(viaConn).toBe(7);
      expect(conn.isOpen).toBe(true);
      expect(await conn.getCount()).toBe(7);
      expect(await conn.increment()).toBe(8);
      expect(await handle.getCount()).toBe(8);
      expect(conn.actorId).toBe(await handle.resolve());
      expect(conn.connectionId).toMatch(/^[0-9a-f-]{36}$/);

      if (false as boolean) {
        // Compile-time only: names and argument types come from the registry.
        // @ts-expect-error increment takes a number
        void handle.increment("five");
        // @ts-expect-error no such action
        void conn.nope();
      }
    });

    it("an unknown action rejects with action_not_found, also as the connection's first call (id 0)", async () => {
      const conn = track(client().counter.getOrCreate(uniqueKey("unknown")).connect()) as ActorConnection<unknown>;
      const errors: ActorError[] = [];
      conn.onError((error) => errors.push(error));
      await expectActorError(conn.action("nope", []), "action_not_found", "Action 'nope' not found.");
      expect(await conn.action("getCount", [])).toBe(0);
      expect(errors).toEqual([]);
    });

    it("UserError empty_message rejects with its code and message; the connection stays usable", async () => {
      const handle = client().chat.getOrCreate(uniqueKey("empty"), { params: { name: "eve" } });
      const conn = track(handle.connect());
      const errors: ActorError[] = [];
      conn.onError((error) => errors.push(error));
      await waitFor(() => conn.isOpen, "the connection to open", OPEN_TIMEOUT_MS);
      const connectionId = conn.connectionId;

      await expectActorError(conn.send(""), "empty_message", "A message needs some text.");
      await expectActorError(conn.send("   "), "empty_message");
      expect(await conn.send("still here")).toMatchObject({ from: "eve", text: "still here" });
      expect(conn.isOpen).toBe(true);
      expect(conn.connectionId).toBe(connectionId);
      expect(errors).toEqual([]);

      // Same over HTTP.
      await expectActorError(handle.send(""), "empty_message", "A message needs some text.");
    });

    it("a connection-level error (actor not found) reaches onError and ends the connection", async () => {
      const conn = track(client().counter.get(uniqueKey("missing")).connect());
      const errors: ActorError[] = [];
      conn.onError((error) => errors.push(error));
      await waitFor(() => errors.length > 0, "onError");
      expect(errors[0]).toBeInstanceOf(ActorError);
      expect(errors[0].code).toBe("actor_not_found");
      expect(conn.isOpen).toBe(false);
      // A refusal before the connection opened ends it: no retry.
      expect(conn.status).toBe("disposed");
    });

    it("an endpoint with /registry on it ends a connection at once with route_not_found, saying what the endpoint should be", async () => {
      const wrong = createClient<typeof registry>({ endpoint: `${url}/registry`, encoding, transport, actionTimeout: 15_000 });
      const conn = track(wrong.counter.getOrCreate(uniqueKey("endpoint")).connect());
      const error = await expectActorError(conn.getCount(), "route_not_found");
      expect(error.message).toContain("the Worker's origin alone");
      expect(conn.status).toBe("disposed");
      // A raw WebSocket says the same (the W3C interface hides the upgrade's answer from both).
      await expectActorError(wrong.websocketActor.getOrCreate(uniqueKey("endpoint")).websocket("/"), "route_not_found");
    });

    it("an endpoint where the Worker's own app answers 404 (no registry there) ends a connection at once, saying how to mount it", async () => {
      const unmounted = createClient<typeof registry>({ endpoint: `${url}/not-mounted`, encoding, transport, actionTimeout: 15_000 });
      const conn = track(unmounted.counter.getOrCreate(uniqueKey("unmounted")).connect());
      const error = await expectActorError(conn.getCount(), "http_error");
      expect(error.message).toMatch(/HTTP 404 from .*not-mounted.*not an answer of actorflare's.*registry\.handler/);
      expect(error.metadata).toEqual({ status: 404 });
      expect(conn.status).toBe("disposed");
      // An HTTP action says the same.
      const call = await expectActorError(unmounted.counter.getOrCreate(uniqueKey("unmounted")).getCount(), "http_error");
      expect(call.message).toContain("nothing serves the actors' routes there");
    });

    it("conn params too large for a header end a connection at once with headers_too_large, as they fail an HTTP call", async () => {
      const handle = client().counter.getOrCreate(uniqueKey("huge-params"), { params: { pad: "y".repeat(300_000) } });
      const conn = track(handle.connect());
      const error = await expectActorError(conn.getCount(), "headers_too_large");
      expect(error.message).toContain("conn params");
      expect(conn.status).toBe("disposed");
      await expectActorError(handle.getCount(), "headers_too_large");
    });

    it("a message over the server's size limit fails its call with message_too_long (it did not run); over SSE the connection stays, over WebSocket onError hears it", async () => {
      const handle = client().chat.getOrCreate(uniqueKey("too-long"), { params: { name: "big" } });
      const conn = track(handle.connect());
      const errors: string[] = [];
      conn.onError((error) => errors.push(error.code));
      await conn.send("first");
      const id = conn.connectionId;
      const oversized = conn.send("x".repeat(70_000));
      if (transport === "sse") {
        // The POST was refused alone: that call did not run, and the connection is the same one.
        await expectActorError(oversized, "message_too_long");
        await conn.send("after");
        expect(conn.connectionId).toBe(id);
      } else {
        // The server closes the socket over the frame; the largest frame waiting for an answer is
        // over the limit whichever it was, so that call certainly did not run.
        await expectActorError(oversized, "message_too_long");
        expect(errors).toEqual(["message_too_long"]);
        await conn.send("after");
      }
      expect(await handle.history()).toEqual([expect.objectContaining({ text: "first" }), expect.objectContaining({ text: "after" })]);
    });

    it("once: the callback runs for the next event only", async () => {
      const handle = client().counter.getOrCreate(uniqueKey("once"));
      const conn = track(handle.connect());
      const all: number[] = [];
      conn.on("newCount", (count) => all.push(count as number));
      await waitFor(() => conn.isOpen, "the connection to open", OPEN_TIMEOUT_MS);
      await settle(
        () => handle.increment(0),
        () => all.length > 0,
        "the newCount subscription",
      );

      const onceValues: number[] = [];
      conn.once("newCount", (count) => onceValues.push(count as number));
      expect(await conn.increment(10)).toBe(10);
      expect(await conn.increment(10)).toBe(20);
      await waitFor(() => all.includes(20), "both events");
      expect(onceValues).toEqual([10]);

      // A second once, registered after the first fired, fires once too.
      const other: unknown[] = [];
      conn.once("newCount", (count) => other.push(count));
      expect(await conn.increment(1)).toBe(21);
      await waitFor(() => other.length === 1, "the second once");
      expect(await conn.increment(1)).toBe(22);
      await waitFor(() => all.includes(22), "the last event");
      expect(other).toEqual([21]);
    });

    it("unsubscribing stops events for that callback, and for all once the last one goes", async () => {
      const handle = client().counter.getOrCreate(uniqueKey("unsubscribe"));
      const conn = track(handle.connect());
      const a: number[] = [];
      const b: number[] = [];
      const offA = conn.on("newCount", (count) => a.push(count as number));
      const offB = conn.on("newCount", (count) => b.push(count as number));
      await waitFor(() => conn.isOpen, "the connection to open", OPEN_TIMEOUT_MS);
      await settle(
        () => handle.increment(0),
        () => a.length > 0 && b.length > 0,
        "the newCount subscription",
      );

      offA();
      const aBefore = a.length;
      expect(await conn.increment(3)).toBe(3);
      await waitFor(() => b.includes(3), "the event at b");
      expect(a).toHaveLength(aBefore);

      offB();
      offB(); // twice is harmless
      const bBefore = b.length;
      expect(await conn.increment(4)).toBe(7);
      expect(await handle.increment(1)).toBe(8);
      await sleep(500);
      expect(a).toHaveLength(aBefore);
      expect(b).toHaveLength(bBefore);

      // Listening again works.
      const c: number[] = [];
      conn.on("newCount", (count) => c.push(count as number));
      await settle(
        () => handle.increment(0),
        () => c.length > 0,
        "the new subscription",
      );
      expect(c[0]).toBe(8);
    });

    it("dispose() before the connection opened fails the calls waiting for it with connection_disposed", async () => {
      // Disposing closes a socket still in its handshake.
      const handle = client().chat.getOrCreate(uniqueKey("early-dispose"));
      const early = track(handle.connect());
      const waiting = early.presence();
      await early.dispose();
      await expectActorError(waiting, "connection_disposed");
      expect(early.isOpen).toBe(false);
      await sleep(300);
      expect(early.isOpen).toBe(false);
    });

    it("dispose(): closes the connection for good, fails later calls, the actor sees it leave", async () => {
      const handle = client().chat.getOrCreate(uniqueKey("dispose"), { params: { name: "dee" } });
      const conn = track(handle.connect());
      const got: ChatMessage[] = [];
      conn.on("message", (message) => got.push(message as ChatMessage));
      await waitFor(() => conn.isOpen, "the connection to open", OPEN_TIMEOUT_MS);
      await settle(
        () => handle.send("ping"),
        () => got.length > 0,
        "the message subscription",
      );
      await waitFor(async () => (await handle.presence()) === 1, "presence 1");

      await conn.dispose();
      expect(conn.isOpen).toBe(false);
      await expectActorError(conn.send("after"), "connection_disposed");
      await conn.dispose(); // twice is harmless
      await waitFor(async () => (await handle.presence()) === 0, "the actor to see the connection leave", LEAVE_TIMEOUT_MS);

      const count = got.length;
      await handle.send("nobody listens");
      await sleep(500);
      expect(got).toHaveLength(count);
      expect(conn.isOpen).toBe(false);
    });
  });

  it("WebSocket: a connection closed while the actor is out of memory wakes it, and its onDisconnect reaches the others", { timeout: 60_000 }, async () => {
    const key = uniqueKey("hibernating");
    const c = createClient<typeof registry>({ endpoint: url, actionTimeout: 15_000 });
    const staying = track(c.chat.getOrCreate(key, { params: { name: "staying" } }).connect());
    const leaving = track(c.chat.getOrCreate(key, { params: { name: "leaving" } }).connect());
    const seen: number[] = [];
    staying.on("presence", (count) => seen.push(count as number));
    await waitFor(async () => (await staying.presence()) === 2 && (await leaving.presence()) === 2, "both connections");
    seen.length = 0;

    // Idle past the ~10 s after which the runtime takes the actor out of memory, sockets open.
    await sleep(15_000);
    await leaving.dispose();
    // The woken actor counts the connections it rebuilt (one) against none announced in this
    // wake, so the onDisconnect that the close runs broadcasts the count.
    await waitFor(() => seen.includes(1), "presence 1 at the connection that stayed", LEAVE_TIMEOUT_MS);
    expect(await staying.presence()).toBe(1);
  });

  // `wrangler dev` does not pass the client's abort on: the keep-alive written every 250 ms fails.
  it("SSE: the actor sees a dropped stream leave, by its keep-alive, and its token is refused from then on", async () => {
    const key = uniqueKey("sse-leave");
    const abort = new AbortController();
    const stream = await fetch(`${url}/registry/actors/connect/sse`, {
      headers: { "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name: "chat", key: [key] } }), "X-RivetKit-Encoding": "json" },
      signal: abort.signal,
    });
    const reader = stream.body!.getReader();
    let text = "";
    while (!text.includes("\n\n")) text += new TextDecoder().decode((await reader.read()).value);
    const init = (JSON.parse(text.slice(text.indexOf("data: ") + 6, text.indexOf("\n\n"))) as { b: { i: { ai: string; ci: string; ct: string } } }).b.i;
    const handle = createClient<typeof registry>(url).chat.getOrCreate(key);
    expect(await handle.presence()).toBe(1);

    abort.abort();
    await waitFor(async () => (await handle.presence()) === 0, "the actor to see the stream leave", LEAVE_TIMEOUT_MS);
    const refused = await fetch(`${url}/registry/actors/message`, {
      method: "POST",
      headers: { "X-RivetKit-Actor": init.ai, "X-RivetKit-Conn": init.ci, "X-RivetKit-Conn-Token": init.ct, "X-RivetKit-Encoding": "json" },
      body: JSON.stringify({ b: { ar: { i: 0, n: "history", a: [] } } }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ c: "conn_not_found" });
  });

  // The runtime can lose a client's leaving while an event is on its way to it: here each
  // leaver's onDisconnect broadcasts to the others as they leave too. Such a stream reports
  // nothing and takes no data; only its waiting writes tell (durable-object/sse-writer.ts).
  it("SSE: connections that leave together all leave, though each one's onDisconnect broadcasts to the others", { timeout: 90_000 }, async () => {
    const keys = Array.from({ length: 6 }, () => uniqueKey("sse-together"));
    for (const key of keys) {
      const c = createClient<typeof registry>({ endpoint: url, transport: "sse" });
      const conns = Array.from({ length: 5 }, (_, i) => c.chat.getOrCreate(key, { params: { name: `n${i}` } }).connect());
      for (const conn of conns) conn.on("presence", () => {});
      await Promise.all(conns.map((conn) => conn.presence()));
      await c.dispose();
    }
    const observer = createClient<typeof registry>(url);
    const counts = () => Promise.all(keys.map((key) => observer.chat.getOrCreate(key).presence()));
    await waitFor(async () => (await counts()).every((count) => count === 0), "every actor to see all its connections leave", 40_000);
  });
});

describe("restart of the runtime", () => {
  // The client as it runs on Node: its own `ws`. The first reconnect attempt, made while the
  // server is down, fails with ECONNREFUSED, and the client must keep trying.
  it("a connected client reconnects by itself after kill + start on the same port, gets events again, state persisted", { timeout: 150_000 }, async () => {
    const dir = await tempPersistDir();
    cleanups.push(dir.remove);
    const first = await startWranglerDev({ persistTo: dir.path });
    cleanups.push(first.stop);
    const port = Number(new URL(first.url).port);

    const c = createClient<typeof registry>({ endpoint: first.url, transport: "websocket", encoding: "cbor", actionTimeout: 60_000 });
    const handle = c.counter.getOrCreate(uniqueKey("restart"));
    const conn = track(handle.connect());
    const seen: number[] = [];
    conn.on("newCount", (count) => seen.push(count as number));
    await waitFor(() => conn.isOpen, "the connection to open", OPEN_TIMEOUT_MS);
    expect(await conn.increment(3)).toBe(3);
    await waitFor(() => seen.includes(3), "the first event");
    const firstConnectionId = conn.connectionId;
    const actorId = conn.actorId;

    await first.kill();
    await waitFor(() => !conn.isOpen, "the client to notice the drop", 10_000);
    // A call made while disconnected waits for the reconnect (bounded by actionTimeout).
    const waiting = conn.getCount();
    waiting.catch(() => {}); // awaited below; keeps an early failure from being reported as unhandled

    const second = await startWranglerDev({ persistTo: dir.path, port });
    cleanups.push(second.stop);
    expect(second.url).toBe(first.url);

    await waitFor(() => conn.isOpen && conn.connectionId !== firstConnectionId, "the client to reconnect", 60_000);
    expect(conn.connectionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(conn.actorId).toBe(actorId);
    expect(await waiting).toBe(3);

    // The subscription was renewed: events arrive again.
    expect(await conn.increment(2)).toBe(5);
    await waitFor(() => seen.includes(5), "an event after the reconnect");
    expect(seen).toEqual([3, 5]);
    expect(await handle.getCount()).toBe(5);
  });
});

describe("socket errors on Node (`ws`)", () => {
  // With `ws` an "error" event without a listener is thrown as an uncaught exception and no
  // "close" follows, so a client that did not listen for errors would never try again (and a
  // plain Node process would crash). The instrumented `ws` records such an error instead of throwing it.
  it("retries after a failed connection attempt (server down) with `ws` as the client uses it", async () => {
    const ws = instrumentedWebSocket();
    const c = createClient<typeof registry>({ endpoint: `http://127.0.0.1:${await deadPort()}`, transport: "websocket", WebSocket: ws.WebSocket });
    const conn = track(c.counter.getOrCreate("nobody-home").connect());
    // Backoff starts at 125–250 ms: a client that kept going after the failed attempt makes another.
    await waitFor(() => ws.created.length > 1, "a second connection attempt");
    await conn.dispose();
    expect(ws.unhandledErrors.map((error) => (error as NodeJS.ErrnoException).code)).toEqual([]);
    expect(ws.created.length).toBeGreaterThan(1);
  });

  // dispose() while the socket is still in its handshake calls ws.close(), which `ws` reports
  // as an "error" ("WebSocket was closed before the connection was established").
  it("dispose() right after connect() opens no socket; dispose() while one opens raises no unhandled WebSocket error", async () => {
    const ws = instrumentedWebSocket();
    // Any address will do: the socket is closed before its handshake could finish.
    const c = createClient<typeof registry>({ endpoint: `http://127.0.0.1:${await deadPort()}`, transport: "websocket", WebSocket: ws.WebSocket });
    // The first attempt starts after the caller's synchronous code (so that its listeners ride in the request).
    await c.counter.getOrCreate("quick").connect().dispose();
    const conn = c.counter.getOrCreate("quick").connect();
    await waitFor(() => ws.created.length === 1, "the socket to be made");
    await conn.dispose();
    await sleep(500);
    expect(ws.created).toHaveLength(1);
    expect(ws.unhandledErrors.map((error) => error.message)).toEqual([]);
  });
});
