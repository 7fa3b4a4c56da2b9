import { describe, expect, it } from "vitest";
import { ActorWebSocket } from "../../src/client/index";
import { testClient, uniqueKey } from "./helpers";

// The client's raw-socket wrapper over workerd's own WebSocket: a WebSocketPair accepted at both
// ends, so the test decides when messages arrive and can see them arrive underneath the wrapper.

interface Wrapped {
  ws: ActorWebSocket;
  server: WebSocket;
  /** Resolves once `count` messages reached the platform socket (the wrapper saw them first). */
  arrived(count: number): Promise<void>;
}

function wrappedPair(): Wrapped {
  const { 0: client, 1: server } = new WebSocketPair();
  client.accept();
  server.accept();
  const ws = new ActorWebSocket(client, { url: "wss://example.test/raw", protocol: "rivetkit" });
  // Listens after the wrapper's own listener, so when this one fires the wrapper has the message.
  let received = 0;
  const waiters: { count: number; resolve(): void }[] = [];
  client.addEventListener("message", () => {
    received++;
    for (const waiter of waiters.filter((w) => w.count <= received)) waiter.resolve();
  });
  const arrived = (count: number) => new Promise<void>((resolve) => (received >= count ? resolve() : waiters.push({ count, resolve })));
  return { ws, server, arrived };
}

/** Collects what a listener got; `next` waits until it has `count` messages in all. */
function collector() {
  const got: string[] = [];
  let wake: (() => void) | undefined;
  return {
    got,
    listener: (event: MessageEvent) => {
      got.push(event.data as string);
      wake?.();
    },
    async until(count: number): Promise<string[]> {
      while (got.length < count) await new Promise<void>((resolve) => (wake = resolve));
      return got;
    },
  };
}

describe("ActorWebSocket over workerd's WebSocket", () => {
  it("holds messages until the first listener, hands them over in order, then holds nothing", async () => {
    const { ws, server, arrived } = wrappedPair();
    server.send("one");
    server.send("two");
    await arrived(2);

    const first = collector();
    ws.addEventListener("message", first.listener);
    expect(await first.until(2)).toEqual(["one", "two"]);

    // Released: a later message goes straight through, with no other listener added.
    server.send("three");
    expect(await first.until(3)).toEqual(["one", "two", "three"]);

    // A listener added later is not replayed anything.
    const late = collector();
    ws.addEventListener("message", late.listener);
    server.send("four");
    expect(await late.until(1)).toEqual(["four"]);
    expect(await first.until(4)).toEqual(["one", "two", "three", "four"]);
  });

  it("hands held messages to onmessage when it is set first", async () => {
    const { ws, server, arrived } = wrappedPair();
    server.send("welcome");
    await arrived(1);
    const got = collector();
    ws.onmessage = got.listener;
    expect(await got.until(1)).toEqual(["welcome"]);
    server.send("next");
    expect(await got.until(2)).toEqual(["welcome", "next"]);
  });

  it("a caller setting onmessage and a listener together gets the held messages in both, once", async () => {
    const { ws, server, arrived } = wrappedPair();
    server.send("welcome");
    await arrived(1);
    const viaHandler = collector();
    const viaListener = collector();
    ws.onmessage = viaHandler.listener;
    ws.addEventListener("message", viaListener.listener);
    server.send("next");
    expect(await viaHandler.until(2)).toEqual(["welcome", "next"]);
    expect(await viaListener.until(2)).toEqual(["welcome", "next"]);
  });

  it("has the W3C WebSocket's properties and forwards the close", async () => {
    const { ws, server } = wrappedPair();
    expect([ws.url, ws.protocol, ws.extensions, ws.bufferedAmount]).toEqual(["wss://example.test/raw", "rivetkit", "", 0]);
    expect([ws.CONNECTING, ws.OPEN, ws.CLOSING, ws.CLOSED]).toEqual([0, 1, 2, 3]);
    expect([ActorWebSocket.CONNECTING, ActorWebSocket.OPEN, ActorWebSocket.CLOSING, ActorWebSocket.CLOSED]).toEqual([0, 1, 2, 3]);
    expect(ws.readyState).toBe(ActorWebSocket.OPEN);
    ws.binaryType = "arraybuffer";
    expect(ws.binaryType).toBe("arraybuffer");

    const echoed = new Promise<unknown>((resolve) => server.addEventListener("message", (event) => resolve(event.data)));
    ws.send("ping");
    expect(await echoed).toBe("ping");

    const closed = new Promise<CloseEvent>((resolve) => {
      ws.onclose = resolve;
    });
    server.close(4005, "done");
    expect(await closed).toMatchObject({ type: "close", code: 4005, reason: "done", wasClean: true });
  });
});

describe("handle.websocket() in Workers", () => {
  it("onmessage set after the socket opened gets the actor's welcome", async () => {
    const ws = await testClient().socket.getOrCreate(uniqueKey()).websocket();
    const got = collector();
    ws.onmessage = got.listener;
    const [welcome] = await got.until(1);
    expect(JSON.parse(welcome!)).toMatchObject({ type: "welcome", path: "/" });
    ws.close();
  });
});
