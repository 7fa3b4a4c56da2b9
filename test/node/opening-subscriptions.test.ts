import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { eventsToCarry, SubscriptionSync } from "../../src/client/subscriptions";
import { webSocketTransport } from "../../src/client/transports";
import { buildProtocols, entryPayload, parseProtocols } from "../../src/protocol/subprotocols";

/** RFC 7230's token: what a `Sec-WebSocket-Protocol` entry may hold. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

describe("protocol entries", () => {
  it("carry any text as a token, parentheses included, and read back the same", () => {
    for (const text of ['{"name":"Bob (admin)"}', '["a(b)c", "é", "!*\'~"]', "plain"]) {
      expect(entryPayload(text)).toMatch(TOKEN);
      expect(decodeURIComponent(entryPayload(text))).toBe(text);
    }
    const entries = buildProtocols({ queryJson: '{"getForKey":{"name":"room","key":["(1)"]}}', encoding: "json", connParamsJson: '{"a":"(b)"}' });
    for (const entry of entries) expect(entry).toMatch(TOKEN);
    expect(parseProtocols(entries.join(", "))).toMatchObject({ query: '{"getForKey":{"name":"room","key":["(1)"]}}', connParams: '{"a":"(b)"}' });
  });

  describe("with the `ws` client, which refuses an entry that is not a token", () => {
    let server: WebSocketServer;
    let url: string;
    const offeredSeen: string[][] = [];
    beforeAll(async () => {
      server = new WebSocketServer({
        host: "127.0.0.1",
        port: 0,
        handleProtocols: (offered) => {
          offeredSeen.push([...offered]);
          return "rivetkit";
        },
      });
      await new Promise<void>((resolve) => server.once("listening", resolve));
      url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("opens a socket for a key and params with parentheses", async () => {
      const entries = buildProtocols({ queryJson: '{"getForKey":{"name":"room","key":["(1)"]}}', encoding: "json", connParamsJson: '{"name":"Bob (admin)"}' });
      const socket = new WebSocket(url, entries);
      await new Promise((resolve, reject) => {
        socket.once("open", resolve);
        socket.once("error", reject);
      });
      expect(socket.protocol).toBe("rivetkit");
      expect(parseProtocols(offeredSeen.at(-1)!.join(", "))).toMatchObject({ connParams: '{"name":"Bob (admin)"}' });
      socket.close();
      await new Promise((resolve) => socket.once("close", resolve));
    });
  });
});

describe("the events a connect request carries", () => {
  it("are the first ones, up to 4,096 characters of URL parameter; the rest go as messages once open", () => {
    const few = ["a", "b"];
    expect(eventsToCarry(few)).toEqual(few);
    const parameter = (events: string[]) => encodeURIComponent(JSON.stringify(events)).length;
    const many = Array.from({ length: 1_000 }, (_, i) => `event-${i}`.padEnd(40, "x"));
    const carried = eventsToCarry(many);
    expect(carried).toEqual(many.slice(0, carried.length));
    expect(parameter(carried)).toBeLessThanOrEqual(4096);
    expect(parameter(many.slice(0, carried.length + 1))).toBeGreaterThan(4096);
    // Counted as sent, percent-encoded: 1,000 "é" are 6,000 characters there.
    expect(eventsToCarry(["é".repeat(1_000)])).toEqual([]);
    expect(eventsToCarry(["é".repeat(600)])).toEqual(["é".repeat(600)]);
  });

  it("are then brought in line with the listeners: subscribe what was added, unsubscribe what was dropped", () => {
    const listened = new Map<string, unknown>([
      ["kept", 1],
      ["late", 1],
    ]);
    expect(new SubscriptionSync().opened(listened, new Set(["kept", "dropped"]))).toEqual([
      { b: { sr: { e: "late", s: true } } },
      { b: { sr: { e: "dropped", s: false } } },
    ]);
    expect(new SubscriptionSync().opened(listened, new Set(["kept", "late"]))).toEqual([]);
  });
});

describe("changes of listening on an open connection", () => {
  it("go out net: listening and stopping before they are sent sends nothing", () => {
    const sync = new SubscriptionSync();
    const listened = new Map<string, unknown>([["a", 1]]);
    sync.opened(listened, new Set(["a"]));
    // Stop, listen again, and listen to a new one, all before the messages go.
    listened.delete("a");
    expect(sync.note("a")).toBe(true);
    listened.set("a", 1);
    expect(sync.note("a")).toBe(false);
    listened.set("b", 1);
    sync.note("b");
    expect(sync.take(listened)).toEqual([{ b: { sr: { e: "b", s: true } } }]);
    // Nothing noted since: nothing to send.
    expect(sync.take(listened)).toEqual([]);
    listened.delete("b");
    sync.note("b");
    expect(sync.take(listened)).toEqual([{ b: { sr: { e: "b", s: false } } }]);
  });
});

describe("a WebSocket transport's flushed()", () => {
  let server: WebSocketServer;
  let url: string;
  /** Pongs the server holds back until the test lets them go. */
  const heldPongs: Array<() => void> = [];
  let pingsSeen = 0;
  beforeAll(async () => {
    server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    server.on("connection", (socket) =>
      socket.on("message", (data) => {
        if (String(data) !== "ping") return;
        pingsSeen++;
        heldPongs.push(() => socket.send("pong"));
      }),
    );
    await new Promise<void>((resolve) => server.once("listening", resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("resolves when the runtime answers the ping it sent after what went before, not sooner; and when the socket ends", async () => {
    const socket = new WebSocket(url);
    await new Promise((resolve) => socket.once("open", resolve));
    const closed: unknown[] = [];
    const transport = webSocketTransport(socket as unknown as globalThis.WebSocket, "json", { onMessage: () => {}, onClose: (reason) => closed.push(reason) });
    // Listening after the transport: a pong counted here was handled by it first.
    let pongsReceived = 0;
    socket.on("message", (data) => {
      if (String(data) === "pong") pongsReceived++;
    });
    let flushed = false;
    const done = transport.flushed!().then(() => (flushed = true));
    // The transport's own ping at open, and the one flushed() sent.
    while (pingsSeen < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(flushed).toBe(false);
    // The pong of the ping sent at open answers nothing sent since: on a busy actor, what
    // flushed() waits on may still be on its way when it comes.
    heldPongs.shift()?.();
    while (pongsReceived < 1) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(flushed).toBe(false);
    heldPongs.shift()?.();
    await done;
    expect(flushed).toBe(true);

    const pending = transport.flushed!();
    while (pingsSeen < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const client of server.clients) client.terminate();
    await pending;
    expect(closed).toHaveLength(1);
  });
});
