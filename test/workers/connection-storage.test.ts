import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { keyToName } from "../../src/worker/locate";
import { storedConnections, testClient, uniqueKey } from "./helpers";
import { openConnection } from "./ws-helpers";

const subscriberStub = (key: string) => env.SUBSCRIBER.get(env.SUBSCRIBER.idFromName(keyToName([key])));

/** Over the 16 KiB a socket's attachment holds: such a record is kept in storage. */
const LARGE_PAD = 20_000;
/** Over the 2 MB one storage value holds: such a record cannot be stored at all. */
const UNSTORABLE_PAD = 3_000_000;

const names = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}-event-${i}`);

describe("connection records in storage", () => {
  // Hibernation is forced the way production does it: an object with no events for ~10 s, and
  // nothing that pins it, is evicted (see hibernation.test.ts); the wake id tells a wake apart.
  it("after hibernation every connection's subscriptions equal the live ones, wherever they were kept", async () => {
    const key = uniqueKey();
    // Record in the attachment or in storage × subscriptions in the attachment or in their table.
    // And subscriptions past the 2 MB of one storage value (9,000 names of 240 bytes).
    const cases = [
      { label: "small-few", pad: 0, count: 3, bytes: 0 },
      { label: "small-many", pad: 0, count: 1_500, bytes: 0 },
      { label: "large-few", pad: LARGE_PAD, count: 3, bytes: 0 },
      { label: "large-many", pad: LARGE_PAD, count: 1_500, bytes: 0 },
      { label: "huge", pad: 0, count: 9_000, bytes: 240 },
    ].map((c) => ({ ...c, events: names(c.count, c.label).map((name) => name.padEnd(c.bytes, "x")) }));
    const conns = await Promise.all(cases.map((c) => openConnection("subscriber", key, { pad: c.pad })));
    for (const [i, c] of cases.entries()) for (const event of c.events) conns[i]!.subscribe(event);
    for (const [i, conn] of conns.entries()) await conn.until(cases[i]!.count, "subscriptionCount");
    // Changes after the subscriptions moved out of the attachment: removals and an addition.
    const expected = cases.map((c, i) => {
      const removed = new Set(c.events.filter((_, n) => n % 7 === 0));
      for (const event of removed) conns[i]!.subscribe(event, false);
      conns[i]!.subscribe(`${c.label}-late`);
      return [...c.events.filter((e) => !removed.has(e)), `${c.label}-late`].sort();
    });
    for (const [i, conn] of conns.entries()) await conn.until(expected[i]!.length, "subscriptionCount");
    for (const [i, conn] of conns.entries()) expect(await conn.action("subscriptions")).toEqual(expected[i]);
    const stored = await storedConnections(subscriberStub(key));
    // Every open connection is noted, wherever its record is kept.
    expect(stored.open).toEqual(conns.map((c) => c.init.b.i!.ci).sort());
    // Both placements of both parts are exercised.
    expect(Object.keys(stored.records).sort()).toEqual([conns[2]!, conns[3]!].map((c) => c.init.b.i!.ci).sort());
    expect(new Set(stored.rows.map((row) => row.conn))).toEqual(new Set([conns[1]!, conns[3]!, conns[4]!].map((c) => c.init.b.i!.ci)));
    const firstWake = await conns[0]!.action("wakeId");

    await new Promise((resolve) => setTimeout(resolve, 15_000));

    expect(await conns[0]!.action("wakeId")).not.toBe(firstWake);
    for (const [i, conn] of conns.entries()) {
      expect(await conn.action("subscriptions"), cases[i]!.label).toEqual(expected[i]);
      expect(await conn.action("padLength")).toBe(cases[i]!.pad);
    }
    // The restored subscriptions deliver events.
    await conns[0]!.action("shout", "large-many-late");
    expect(await conns[3]!.nextEvent()).toEqual({ n: "large-many-late", a: ["hello"] });
    for (const conn of conns) conn.socket.close(1000);
  }, 90_000);

  it("a closed connection leaves nothing in storage", async () => {
    const key = uniqueKey();
    const conn = await openConnection("subscriber", key, { pad: LARGE_PAD });
    for (const event of names(1_500, "closing")) conn.subscribe(event);
    await conn.until(1_500, "subscriptionCount");
    const stored = await storedConnections(subscriberStub(key));
    expect(Object.keys(stored.records)).toHaveLength(1);
    expect(stored.rows).toHaveLength(1_500);
    conn.socket.close(1000);
    await expect.poll(() => storedConnections(subscriberStub(key)), { timeout: 10_000 }).toEqual({ attachments: [], records: {}, rows: [], open: [] });
  });

  it("a connection closed while the actor is out of memory leaves nothing in storage either", async () => {
    const key = uniqueKey();
    const conn = await openConnection("subscriber", key, { pad: LARGE_PAD });
    for (const event of names(1_500, "sleeping")) conn.subscribe(event);
    await conn.until(1_500, "subscriptionCount");
    const firstWake = await conn.action("wakeId");

    await new Promise((resolve) => setTimeout(resolve, 15_000));
    conn.socket.close(1000);

    await expect.poll(() => storedConnections(subscriberStub(key)), { timeout: 10_000 }).toEqual({ attachments: [], records: {}, rows: [], open: [] });
    expect(await testClient().subscriber.getOrCreate(key).wakeId()).not.toBe(firstWake);
  }, 40_000);

  it("what connections that ended while the actor was gone left in storage is deleted when it wakes", async () => {
    const key = uniqueKey();
    // One record kept in storage with its subscriptions in the attachment, one in the attachment
    // with its subscriptions in their table.
    const large = await openConnection("subscriber", key, { pad: LARGE_PAD });
    const many = await openConnection("subscriber", key);
    for (const event of names(1_500, "gone")) many.subscribe(event);
    await many.until(1_500, "subscriptionCount");
    const before = await storedConnections(subscriberStub(key));
    expect(Object.keys(before.records)).toEqual([large.init.b.i!.ci]);
    expect(before.rows).toHaveLength(1_500);
    // The object is reset: its sockets end without a close event reaching the actor.
    await abortAllDurableObjects();
    expect(await testClient().subscriber.getOrCreate(key).padLength()).toBe(0);
    expect(await storedConnections(subscriberStub(key))).toMatchObject({ records: {}, rows: [], open: [] });
  });

  it("a connection the runtime ended without a close event (a crash) gets its onDisconnect when the actor wakes, and leaves nothing", async () => {
    const key = uniqueKey();
    const stubOf = (k: string) => env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(keyToName([k])));
    // A connection noted open, as an actor notes it (taken from another room's real connection).
    const elsewhere = uniqueKey();
    const conn = testClient()
      .chatRoom.getOrCreate(elsewhere, { params: { name: "ghost" } })
      .connect();
    const id = (await conn.whoami()).id;
    const noted = await runInDurableObject(stubOf(elsewhere), (_instance, state) => state.storage.kv.get(`actorflare:open:${id}`));
    expect(noted).toMatchObject({ record: { id, state: { name: "ghost" } }, kind: "websocket" });
    await conn.dispose();

    // Each HTTP call runs onDisconnect once for its own short-lived connection, after it answers.
    const room = testClient().chatRoom.getOrCreate(key);
    const before = (await room.stats()).disconnects;
    // What a crash leaves: the connection noted open with no socket, and a record of a connection
    // an older release kept that nothing notes as open.
    await runInDurableObject(stubOf(key), (_instance, state) => {
      state.storage.kv.put(`actorflare:open:${id}`, noted);
      state.storage.kv.put("actorflare:conn:older", { pad: "x" });
    });
    await abortAllDurableObjects();

    // The wake runs its onDisconnect, once, and keeps nothing of either.
    expect((await room.stats()).disconnects).toBe(before + 2);
    expect((await room.stats()).disconnects).toBe(before + 3);
    expect(await storedConnections(stubOf(key))).toMatchObject({ records: {}, rows: [], open: [] });
  });

  it.each([
    ["conn state that is not plain data", { unstorable: true }, "not plain data"],
    ["conn state over 2 MB", { pad: UNSTORABLE_PAD }, "more than 2 MB"],
  ])("a connection whose %s is refused with connection_not_storable, storing nothing", async (_label, params, detail) => {
    const key = uniqueKey();
    const conn = await openConnection("subscriber", key, params);
    expect(conn.init).toEqual({ b: { e: { c: "connection_not_storable", m: expect.stringContaining(detail) } } });
    expect(await conn.closed).toMatchObject({ code: 1011, reason: "connection_not_storable" });
    const stored = await storedConnections(subscriberStub(key));
    // The refused socket may still be listed while its close completes; it holds nothing.
    expect(stored.attachments.filter((attachment) => attachment !== null)).toEqual([]);
    expect(stored).toMatchObject({ records: {}, rows: [] });
  });

  it("an action that grows the conn state past what storage holds fails with connection_not_storable; the stored state stays", async () => {
    const key = uniqueKey();
    const conn = await openConnection("subscriber", key);
    const growTooMuch = () =>
      expect(conn.action("grow", UNSTORABLE_PAD)).rejects.toEqual({
        c: "connection_not_storable",
        m: expect.stringContaining("more than 2 MB"),
        ai: expect.any(Number),
      });
    // The change that could not be stored is dropped, in memory too, and the connection goes on:
    // from a record kept in the socket's attachment...
    await growTooMuch();
    expect(await conn.action("padLength")).toBe(0);
    // ...and from one kept in storage (growing from the attachment to storage is fine).
    expect(await conn.action("grow", LARGE_PAD)).toBe(LARGE_PAD);
    await growTooMuch();
    expect(await conn.action("padLength")).toBe(LARGE_PAD);
    const stored = await storedConnections(subscriberStub(key));
    expect((stored.records[conn.init.b.i!.ci]!.state as { pad: string }).pad).toHaveLength(LARGE_PAD);
    conn.socket.close(1000);
  });
});
