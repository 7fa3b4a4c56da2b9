import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createClient, type ActorError } from "../../src/client/index";
import { keyToName } from "../../src/worker/locate";
import { ORIGIN, storedConnections, uniqueKey, writesOf } from "./helpers";
import type { registry } from "./registry";
import { openConnection } from "./ws-helpers";

const subscriberStub = (key: string) => env.SUBSCRIBER.get(env.SUBSCRIBER.idFromName(keyToName([key])));
const tightStub = (key: string) => env.TIGHT_SUBSCRIBER.get(env.TIGHT_SUBSCRIBER.idFromName(keyToName([key])));

/** Event names of about 20 bytes: 1,000 of them are past what a socket's attachment holds (16 KiB). */
const names = (count: number, prefix = "event-number") => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

describe("subscription limits", () => {
  // tightSubscriber: at most 3 subscriptions per connection, event names of at most 8 bytes.
  it("a subscription past the per-connection limit is refused with too_many_subscriptions; the connection stays open", async () => {
    const key = uniqueKey();
    const conn = await openConnection("tightSubscriber", key);
    for (const event of ["a", "b", "c"]) conn.subscribe(event);
    await conn.until(["a", "b", "c"], "subscriptions");
    conn.subscribe("d");
    const refused = await conn.nextError();
    expect(refused.c).toBe("too_many_subscriptions");
    expect(refused.m).toContain("3 events");
    expect(refused.m).toContain("options.maxSubscriptionsPerConnection");
    // Nothing of the refused one was stored with the connection. (Sorted: in this pool, frames a
    // test sends back to back can reach the object in another order.)
    expect((await storedConnections(tightStub(key))).attachments.map((a) => [...(a.subscriptions ?? [])].sort())).toEqual([["a", "b", "c"]]);
    // At the limit, repeating a subscription it holds is no new subscription: not refused.
    conn.subscribe("a");
    conn.subscribe("b", false);
    await conn.until(["a", "c"], "subscriptions");
    conn.subscribe("d");
    await conn.until(["a", "c", "d"], "subscriptions");
    expect(conn.errors.size).toBe(0);
    conn.socket.close(1000);
  });

  it("an event name over the byte limit (UTF-8) is refused with event_name_too_long; unsubscribing from it is a no-op", async () => {
    const key = uniqueKey();
    const conn = await openConnection("tightSubscriber", key);
    conn.subscribe("éééé"); // 4 characters, 8 bytes: at the limit
    conn.subscribe("ééééé"); // 10 bytes
    const refused = await conn.nextError();
    expect(refused).toEqual({ c: "event_name_too_long", m: expect.stringContaining("10 bytes") });
    expect(refused.m).toContain("limit of 8");
    expect(refused.m).toContain("options.maxEventNameBytes");
    conn.subscribe("ééééé", false);
    await conn.until(["éééé"], "subscriptions");
    expect((await storedConnections(tightStub(key))).attachments.map((a) => a.subscriptions)).toEqual([["éééé"]]);
    conn.socket.close(1000);
  });

  it("defaults: 1,000 subscriptions per connection and 256-byte names", async () => {
    const conn = await openConnection("counter", uniqueKey());
    conn.subscribe("x".repeat(257));
    expect(await conn.nextError()).toMatchObject({ c: "event_name_too_long" });
    // 1,001 subscriptions: whichever is handled last is the one refused.
    conn.subscribe("x".repeat(256));
    for (const event of names(1_000)) conn.subscribe(event);
    expect(await conn.nextError()).toMatchObject({ c: "too_many_subscriptions", m: expect.stringContaining("1000 events") });
    conn.socket.close(1000);
  });

  it("over SSE the refusal comes on the stream, the message POST still answers 200, and the connection stays", async () => {
    /** Answers to the message POSTs that carried a subscription. */
    const subscriptionPosts: number[] = [];
    const client = createClient<typeof registry>({
      endpoint: ORIGIN,
      transport: "sse",
      fetch: async (input, init) => {
        const request = new Request(input, init);
        const isSubscription = new URL(request.url).pathname === "/registry/actors/message" && (await request.clone().text()).includes('"sr"');
        const response = await exports.default.fetch(request);
        if (isSubscription) subscriptionPosts.push(response.status);
        return response;
      },
    });
    const conn = client.tightSubscriber.getOrCreate(uniqueKey()).connect();
    expect(await conn.padLength()).toBe(0);
    const connectionId = conn.connectionId;
    const refusal = new Promise<ActorError>((resolve) => conn.onError(resolve));
    conn.on("ééééé", () => {});
    expect(await refusal).toMatchObject({ code: "event_name_too_long" });
    expect(await conn.subscriptions()).toEqual([]);
    expect(conn.connectionId).toBe(connectionId);
    await expect.poll(() => subscriptionPosts).toEqual([200]);
    await conn.dispose();
  });
});

describe("subscriptions are stored only when they change, one row each", () => {
  it("a handful of subscriptions stays in the socket's attachment: no storage writes", async () => {
    const key = uniqueKey();
    const conn = await openConnection("subscriber", key);
    await conn.action("padLength");
    const before = await writesOf(subscriberStub(key));
    for (const event of names(5)) conn.subscribe(event);
    for (const event of names(5)) conn.subscribe(event);
    conn.subscribe("never-subscribed", false);
    await conn.until(names(5).sort(), "subscriptions");
    expect(await writesOf(subscriberStub(key))).toEqual(before);
    expect((await storedConnections(subscriberStub(key))).attachments.map((a) => a.subscriptions?.sort())).toEqual([names(5)]);
    conn.socket.close(1000);
  });

  it("past the attachment, each subscription is written once; repeats and unknown unsubscribes write nothing", async () => {
    const key = uniqueKey();
    const conn = await openConnection("subscriber", key);
    await conn.action("padLength");
    const start = await writesOf(subscriberStub(key));
    for (const event of names(1_500)) conn.subscribe(event);
    await conn.until(1_500, "subscriptionCount");
    const moved = await writesOf(subscriberStub(key));
    // Those that fitted moved to their table at once; every later one was one row.
    expect(moved.subscriptionRows - start.subscriptionRows).toBe(1_500);
    expect(moved.connectionRecords).toBe(start.connectionRecords);

    // Repeats and an unknown unsubscribe write nothing; the one new subscription after them, one row.
    for (const event of names(1_500)) conn.subscribe(event);
    conn.subscribe("never-subscribed", false);
    conn.subscribe("one-more");
    await conn.until(1_501, "subscriptionCount");
    expect((await writesOf(subscriberStub(key))).subscriptionRows - moved.subscriptionRows).toBe(1);
    conn.subscribe("event-number-7", false);
    await conn.until(1_500, "subscriptionCount");
    expect((await writesOf(subscriberStub(key))).subscriptionRows - moved.subscriptionRows).toBe(2);
    const stored = await storedConnections(subscriberStub(key));
    expect(stored.attachments).toEqual([{ id: conn.init.b.i!.ci, record: expect.anything() }]);
    expect(stored.rows.map((row) => row.event).sort()).toEqual([...names(1_500).filter((e) => e !== "event-number-7"), "one-more"].sort());
    conn.socket.close(1000);
  });
});

describe("a flood of subscriptions", () => {
  // Another actor's latency during a flood is measured under wrangler dev
  // (test/node/subscription-flood.test.ts): inside this pool every Durable Object event also
  // passes through the test runner's object, which is what other requests would wait for here.
  it("10,000 distinct subscriptions on one connection: each is written once, the record never", async () => {
    const key = uniqueKey();
    const flooder = await openConnection("subscriber", key);
    await flooder.action("padLength");
    const before = await writesOf(subscriberStub(key));
    const started = performance.now();
    const events = names(10_000);
    for (const [i, event] of events.entries()) {
      flooder.subscribe(event);
      // A bounded number in flight, as a socket's buffers would bound a client's.
      if (i % 100 === 99) await flooder.action("padLength");
    }
    await flooder.until(10_000, "subscriptionCount");
    console.log(`10,000 subscriptions handled in ${Math.round(performance.now() - started)} ms`);
    const after = await writesOf(subscriberStub(key));
    expect(after.subscriptionRows - before.subscriptionRows).toBe(10_000);
    expect(after.connectionRecords).toBe(before.connectionRecords);
    flooder.socket.close(1000);
  }, 120_000);
});

describe("over SSE, `open` is announced once the server has taken the subscriptions", () => {
  it("an event caused right when `open` is announced reaches the connection, though its subscription POST was slow", async () => {
    // Listened to while the connect request is on its way, so the subscription goes as a message
    // POST once the connection is open; every message POST is held back, as a slow network path might.
    let whileConnecting: (() => void) | undefined;
    const slowMessages: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      const path = new URL(request.url).pathname;
      if (path.endsWith("/connect/sse")) whileConnecting?.();
      if (path.endsWith("/message")) await new Promise((resolve) => setTimeout(resolve, 150));
      return exports.default.fetch(request);
    };
    const client = createClient<typeof registry>({ endpoint: ORIGIN, transport: "sse", fetch: slowMessages });
    const other = createClient<typeof registry>({ endpoint: ORIGIN, fetch: (input, init) => exports.default.fetch(new Request(input, init)) });
    const key = uniqueKey();
    const conn = client.counter.getOrCreate(key).connect();
    const counts: number[] = [];
    whileConnecting = () => {
      whileConnecting = undefined;
      conn.on("newCount", (count) => counts.push(count as number));
    };
    const causedAtOpen = new Promise<number>((resolve) => {
      const stop = conn.onStatusChange((status) => {
        if (status !== "open") return;
        stop();
        resolve(other.counter.getOrCreate(key).increment(5));
      });
    });
    expect(await causedAtOpen).toBe(5);
    // The answer to a later call on the same stream comes after every event sent to it before.
    expect(await conn.getCount()).toBe(5);
    expect(counts).toEqual([5]);
    await conn.dispose();
  });
});
