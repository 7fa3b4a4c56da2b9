import { env } from "cloudflare:workers";
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { keyToName } from "../../src/worker/locate";
import { testClient, uniqueKey, writesOf } from "./helpers";

describe("durable state", () => {
  it("survives the object being reset: state reloads, onStart runs again, onCreate does not", async () => {
    const client = testClient();
    const key = uniqueKey();
    expect(await (await client.lifecycle.getOrCreate(key).fetch("/")).json()).toMatchObject({ created: 1, started: 1 });
    await abortAllDurableObjects();
    expect(await (await client.lifecycle.getOrCreate(key).fetch("/")).json()).toMatchObject({ created: 1, started: 2 });
  });

  it("the counter keeps counting across a reset", async () => {
    const handle = testClient().counter.getOrCreate(uniqueKey());
    await handle.fetch("/increment", { method: "POST" });
    await handle.fetch("/increment?by=4", { method: "POST" });
    await abortAllDurableObjects();
    expect(await (await handle.fetch("/increment", { method: "POST" })).json()).toMatchObject({ count: 6 });
  });

  it("a request that changes nothing writes nothing", async () => {
    const key = uniqueKey();
    const handle = testClient().counter.getOrCreate(key);
    await handle.fetch("/increment", { method: "POST" });
    const stub = env.COUNTER.get(env.COUNTER.idFromName(keyToName([key])));
    const before = await writesOf(stub);
    for (let i = 0; i < 3; i++) expect(await (await handle.fetch("/")).json()).toMatchObject({ count: 1 });
    expect(await handle.getCount()).toBe(1);
    expect(await writesOf(stub)).toEqual(before);
    // A changing request does write.
    await handle.fetch("/increment", { method: "POST" });
    expect((await writesOf(stub)).rows).toBeGreaterThan(before.rows);
  });

  it("a small state is one entry: a change to several fields is one put, and loads after a reset", async () => {
    const { handle, stub, key } = await bigStateWithCounter();
    expect(await stateEntries(key)).toEqual(["actorflare:state:&"]);
    expect(await retagTwiceAndReset(handle, stub)).toBe(2);
    expect(await handle.tags()).toEqual([["second", "2023-11-14T22:13:20.000Z"]]);
  });

  it("in a large state a change to several small fields writes just their entries, and they load after a reset", async () => {
    const { handle, stub, key } = await bigStateWithCounter();
    const blob = await handle.fill(1);
    expect(await stateEntries(key)).toEqual([
      "actorflare:state1:.blob",
      "actorflare:state:.blob",
      "actorflare:state:.counter",
      "actorflare:state:.note",
      "actorflare:state:.tags",
    ]);
    // Three fields per change, each one entry: the untouched blob is not written again.
    expect(await retagTwiceAndReset(handle, stub)).toBe(6);
    expect(await handle.fingerprint()).toBe(blob);
  });

  it("in a large state a change to many fields is one transaction, one entry per field, and loads after a reset", async () => {
    const { handle, stub } = await bigStateWithCounter();
    await handle.fill(1);
    const before = await writesOf(stub);
    await handle.addExtras(120);
    expect((await writesOf(stub)).rows - before.rows).toBe(120);
    await abortAllDurableObjects();
    expect(await handle.extras()).toBe(120);
    expect(await handle.counter()).toBe(1);
  });

  it("a field that shrinks or goes away leaves none of its chunks behind, and a state that gets small is packed again", async () => {
    const key = uniqueKey();
    const handle = testClient().bigState.getOrCreate(key);
    const blobEntries = async () => (await stateEntries(key)).filter((entry) => entry.endsWith(":.blob"));
    await handle.fill(3);
    // 3 MiB and the value's header: four chunks of at most 1 MiB.
    expect(await blobEntries()).toEqual(["actorflare:state1:.blob", "actorflare:state2:.blob", "actorflare:state3:.blob", "actorflare:state:.blob"]);
    const written = await handle.fill(1);
    expect(await blobEntries()).toEqual(["actorflare:state1:.blob", "actorflare:state:.blob"]);
    await abortAllDurableObjects();
    expect(await handle.fingerprint()).toBe(written);
    await handle.shrinkBlob();
    expect(await stateEntries(key)).toEqual(["actorflare:state:&"]);
    await abortAllDurableObjects();
    expect(await handle.fingerprint()).toMatch(/^8:/);
    await handle.fill(2);
    await handle.dropBlob();
    expect(await stateEntries(key)).toEqual(["actorflare:state:&"]);
    await abortAllDurableObjects();
    expect(await handle.whole()).not.toHaveProperty("blob");
    expect(await handle.tags()).toEqual([["filled", "2023-11-14T22:13:20.000Z"]]);
  });

  it("a state that grows past the packed size is split into field entries, and reads back the same", async () => {
    const { handle, key } = await bigStateWithCounter();
    // 17 KiB of notes: past the 16 KiB a packed state may hold.
    await handle.retag("n".repeat(17 * 1024));
    expect(await stateEntries(key)).toEqual(["actorflare:state:.blob", "actorflare:state:.counter", "actorflare:state:.note", "actorflare:state:.tags"]);
    await abortAllDurableObjects();
    expect(await handle.note()).toHaveLength(17 * 1024);
    // Back under 16 KiB, it stays split (no flapping near the limit); under 8 KiB it is packed.
    await handle.retag("n".repeat(12 * 1024));
    expect(await stateEntries(key)).toHaveLength(4);
    await handle.retag("short");
    expect(await stateEntries(key)).toEqual(["actorflare:state:&"]);
    await abortAllDurableObjects();
    expect(await handle.note()).toBe("short");
    expect(await handle.counter()).toBe(4);
  });

  it("a state that is not a plain object is stored whole, and each replacement leaves only its own entries", async () => {
    const key = uniqueKey();
    const handle = testClient().bigState.getOrCreate(key);
    expect(await handle.counter()).toBe(0);
    expect(await stateEntries(key)).toEqual(["actorflare:state:&"]);
    await handle.replaceWhole([1, "two", { three: 3 }]);
    expect(await stateEntries(key)).toEqual(["actorflare:state:="]);
    await abortAllDurableObjects();
    expect(await handle.whole()).toEqual([1, "two", { three: 3 }]);
    await handle.replaceWhole({ counter: 5, note: "back" });
    expect(await stateEntries(key)).toEqual(["actorflare:state:&"]);
    await abortAllDurableObjects();
    expect(await handle.whole()).toEqual({ counter: 5, note: "back" });
  });

  it("a Float16Array field is packed with the state and is a Float16Array again after a reset", async () => {
    const { handle, key } = await bigStateWithCounter();
    await handle.storeHalves([1.5, 2, 65504]);
    expect(await stateEntries(key)).toEqual(["actorflare:state:&"]);
    await abortAllDurableObjects();
    expect(await handle.halves()).toEqual({ type: "[object Float16Array]", values: [1.5, 2, 65504] });
    expect(await handle.counter()).toBe(1);
  });

  it("a field named __proto__ is an ordinary field, packed or not", async () => {
    const { handle, key } = await bigStateWithCounter();
    const withProto = (extra: object) => ({ ...JSON.parse('{"__proto__": {"polluted": true}}'), counter: 2, ...extra });
    for (const state of [withProto({}), withProto({ big: "x".repeat(20_000) })]) {
      await handle.replaceWhole(state);
      expect((await stateEntries(key)).length).toBe("big" in state ? 3 : 1);
      await abortAllDurableObjects();
      expect(await handle.whole()).toEqual(state);
      expect(Object.keys((await handle.whole()) as object)).toContain("__proto__");
    }
  });
});

/** A `bigState` actor that exists (its counter bumped once), its object and its key. */
async function bigStateWithCounter() {
  const key = uniqueKey();
  const handle = testClient().bigState.getOrCreate(key);
  await handle.bump();
  const stub = env.BIG_STATE.get(env.BIG_STATE.idFromName(keyToName([key])));
  return { handle, stub, key };
}

/**
 * Changes three fields twice (`retag`), resets every object, and checks that both changes
 * loaded. Returns the rows the two changes wrote.
 */
async function retagTwiceAndReset(handle: Awaited<ReturnType<typeof bigStateWithCounter>>["handle"], stub: DurableObjectStub): Promise<number> {
  const before = await writesOf(stub);
  await handle.retag("first");
  await handle.retag("second");
  const rows = (await writesOf(stub)).rows - before.rows;
  await abortAllDurableObjects();
  expect(await handle.counter()).toBe(3);
  expect(await handle.note()).toBe("second");
  return rows;
}

/** The keys of the `bigState` actor's state entries, in storage order (a new stub each time: a reset breaks the old one). */
function stateEntries(key: string): Promise<string[]> {
  const stub = env.BIG_STATE.get(env.BIG_STATE.idFromName(keyToName([key])));
  return runInDurableObject(stub, (_instance, ctx) => Array.from(ctx.storage.kv.list({ prefix: "actorflare:state" }), ([key]) => key));
}
