import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/client/index";
import { keyToName } from "../../src/worker/locate";
import { ORIGIN, call, queryHeaders, storedConnections, uniqueKey } from "./helpers";
import type { registry } from "./registry";
import { openConnection, SocketReader, subprotocols, upgrade } from "./ws-helpers";

/**
 * A connection may name the events it subscribes to in its connect request's URL (docs/protocol.md
 * §5.3, §5.4): the actor takes them before init, so no event sent after init can miss them.
 */
const WEBSOCKET = "/registry/actors/connect/websocket";
const SSE = "/registry/actors/connect/sse";
const naming = (events: unknown) => `?subscriptions=${encodeURIComponent(JSON.stringify(events))}`;

const subscriberStub = (key: string) => env.SUBSCRIBER.get(env.SUBSCRIBER.idFromName(keyToName([key])));
const query = (name: string, key: string) => ({ getOrCreateForKey: { name, key: [key] } });

/** Calls `shout(event)` over HTTP, as another client would: it broadcasts `event` to every subscriber. */
const shout = (key: string, event: string) =>
  call("/registry/actors/actions/shout", { method: "POST", headers: queryHeaders(query("subscriber", key)), body: JSON.stringify({ a: [event] }) });

describe("subscriptions in the connect request", () => {
  it("over WebSocket they hold at init: an event sent right after it arrives, with no subscription message sent", async () => {
    const key = uniqueKey();
    const conn = await openConnection("subscriber", key, undefined, ["news", "sports"]);
    expect((await shout(key, "news")).status).toBe(200);
    expect(await conn.nextEvent()).toEqual({ n: "news", a: ["hello"] });
    expect(await conn.action("subscriptions")).toEqual(["news", "sports"]);
    // Kept with the socket like any subscription, so they outlive the actor leaving memory.
    expect((await storedConnections(subscriberStub(key))).attachments.map((a) => a.subscriptions)).toEqual([["news", "sports"]]);
    conn.socket.close(1000);
  });

  it("they are taken after onConnect, whose broadcast reaches the others and not the newcomer, as in RivetKit", async () => {
    const key = uniqueKey();
    const first = await openConnection("subscriber", key, undefined, ["joined"]);
    const { socket } = await upgrade(WEBSOCKET + naming(["joined"]), { "Sec-WebSocket-Protocol": subprotocols(query("subscriber", key)) });
    const second = new SocketReader(socket);
    const init = await second.nextJson<{ b: { i?: { ci: string } } }>();
    expect(init.b.i).toBeDefined();
    expect(await first.nextEvent()).toEqual({ n: "joined", a: [init.b.i!.ci] });
    // The newcomer's own subscription holds from init: the next one's join reaches it.
    const third = await openConnection("subscriber", key);
    expect(await second.nextJson()).toEqual({ b: { ev: { n: "joined", a: [third.init.b.i!.ci] } } });
    for (const ws of [first.socket, socket, third.socket]) ws.close(1000);
  });

  it("one past a limit is refused after init, as a subscription message would be; the others hold and the connection stays", async () => {
    // tightSubscriber: at most 3 subscriptions per connection, names of at most 8 bytes.
    const conn = await openConnection("tightSubscriber", uniqueKey(), undefined, ["a", "b", "b", "ééééé", "c", "d", "e", "f"]);
    expect(await conn.action("subscriptions")).toEqual(["a", "b", "c"]);
    // One refusal per name too long, one in all for the events past the count: a long list costs one message.
    expect(conn.errors.size).toBe(2);
    expect(await conn.nextError()).toMatchObject({ c: "event_name_too_long" });
    expect(await conn.nextError()).toMatchObject({ c: "too_many_subscriptions" });
    conn.socket.close(1000);
  });

  it("a list that is not a JSON array of names refuses the connection with invalid_request, before the actor is reached", async () => {
    for (const parameter of [naming({}), naming([1]), "?subscriptions=nope"]) {
      const key = uniqueKey();
      const { socket } = await upgrade(WEBSOCKET + parameter, { "Sec-WebSocket-Protocol": subprotocols(query("subscriber", key)) });
      const reader = new SocketReader(socket);
      const refusal = await reader.nextJson<{ b: { e: unknown } }>();
      expect(refusal.b.e).toMatchObject({ c: "invalid_request", m: expect.stringContaining("JSON array of event names") });
      expect(await reader.closed).toMatchObject({ code: 1011, reason: "invalid_request" });
      // No actor was created for it.
      const found = await call("/registry/actors/resolve", { method: "POST", headers: queryHeaders({ getForKey: { name: "subscriber", key: [key] } }) });
      expect(found.status).toBe(404);
    }
  });

  it("over SSE as well; a malformed list is an error event", async () => {
    const key = uniqueKey();
    const stream = await call(SSE + naming(["news"]), { headers: queryHeaders(query("subscriber", key)) });
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes('"i"')) text += (await reader.read()).value;
    expect((await shout(key, "news")).status).toBe(200);
    while (!text.includes('"ev"')) text += (await reader.read()).value;
    expect(text).toContain('{"b":{"ev":{"n":"news","a":["hello"]}}}');
    await reader.cancel();

    const refused = await call(SSE + naming("news"), { headers: queryHeaders(query("subscriber", uniqueKey())) });
    expect(await refused.text()).toContain('"c":"invalid_request"');
  });
});

describe("actorflare's client", () => {
  /** A client whose connect requests are noted, and which can act while one is on its way. */
  function observedClient(transport: "websocket" | "sse", whileConnecting?: () => void) {
    const connects: Request[] = [];
    const client = createClient<typeof registry>({
      endpoint: ORIGIN,
      transport,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        if (new URL(request.url).pathname.startsWith("/registry/actors/connect/")) {
          connects.push(request);
          whileConnecting?.();
        }
        return exports.default.fetch(request);
      },
    });
    return { client, connects };
  }

  it.each(["websocket", "sse"] as const)(
    "over %s, listeners added right after connect() ride in the request, and hold when open is announced",
    async (transport) => {
      const { client, connects } = observedClient(transport);
      const other = createClient<typeof registry>({ endpoint: ORIGIN, fetch: (input, init) => exports.default.fetch(new Request(input, init)) });
      const key = uniqueKey();
      const conn = client.subscriber.getOrCreate(key).connect();
      const heard: string[] = [];
      conn.on("news", () => heard.push("news"));
      conn.on("(paren)", () => heard.push("(paren)"));
      const causedAtOpen = new Promise<void>((resolve) => {
        const stop = conn.onStatusChange((status) => {
          if (status !== "open") return;
          stop();
          resolve(other.subscriber.getOrCreate(key).shout("news"));
        });
      });
      await causedAtOpen;
      // The answer to a later call on the connection comes after every event sent to it before.
      expect(await conn.subscriptions()).toEqual(["(paren)", "news"]);
      expect(heard).toEqual(["news"]);
      expect(new URL(connects[0]!.url).searchParams.get("subscriptions")).toBe('["news","(paren)"]');
      await conn.dispose();
      await other.dispose();
    },
  );

  it.each(["websocket", "sse"] as const)("over %s, a call made before `open` is answered after `open` was announced", async (transport) => {
    const { client } = observedClient(transport);
    for (let round = 0; round < 5; round++) {
      const conn = client.subscriber.getOrCreate(uniqueKey()).connect();
      conn.on("news", () => {});
      const statuses: string[] = [];
      conn.onStatusChange((status) => statuses.push(status));
      expect(await conn.subscriptions()).toEqual(["news"]);
      expect(statuses).toEqual(["open"]);
      await conn.dispose();
    }
  });

  it.each(["websocket", "sse"] as const)("over %s, what changes while the request is on its way is sent once the connection is open", async (transport) => {
    let during: (() => void) | undefined;
    const { client } = observedClient(transport, () => during?.());
    const conn = client.subscriber.getOrCreate(uniqueKey()).connect();
    const stopCarried = conn.on("carried-then-dropped", () => {});
    conn.on("kept", () => {});
    during = () => {
      during = undefined;
      stopCarried();
      conn.on("late", () => {});
    };
    // Over WebSocket this pool can hand the object frames sent back to back in another order
    // (helpers.ts, untilSubscribed): the change and the call that reads it back, here.
    await expect.poll(() => conn.subscriptions(), { timeout: 10_000 }).toEqual(["kept", "late"]);
    await conn.dispose();
  });

  it("on an open connection over SSE, listening and stopping in one go posts nothing; a call after a new listener goes after its subscription", async () => {
    const posted: string[] = [];
    const client = createClient<typeof registry>({
      endpoint: ORIGIN,
      transport: "sse",
      fetch: async (input, init) => {
        const request = new Request(input, init);
        if (new URL(request.url).pathname === "/registry/actors/message") posted.push(await request.clone().text());
        return exports.default.fetch(request);
      },
    });
    const other = createClient<typeof registry>({ endpoint: ORIGIN, fetch: (input, init) => exports.default.fetch(new Request(input, init)) });
    const key = uniqueKey();
    const conn = client.subscriber.getOrCreate(key).connect();
    expect(await conn.subscriptions()).toEqual([]);
    posted.length = 0;
    // As a React effect run twice (StrictMode) does: listen, stop, listen again.
    conn.on("news", () => {})();
    const heard: unknown[] = [];
    conn.on("news", (...args) => heard.push(args));
    expect(await conn.subscriptions()).toEqual(["news"]);
    expect(posted.map((body) => JSON.parse(body).b)).toEqual([{ sr: { e: "news", s: true } }, { ar: expect.objectContaining({ n: "subscriptions" }) }]);
    await other.subscriber.getOrCreate(key).shout("news");
    expect(await conn.subscriptions()).toEqual(["news"]);
    expect(heard).toEqual([["hello"]]);
    await conn.dispose();
    await other.dispose();
  });
});
