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

  it("a change to several small fields writes just those entries, and they load after a reset", async () => {
    const { handle, stub, before } = await bigStateWithCounter();
    await handle.retag("first");
    await handle.retag("second");
    // Three fields per change, each one entry: the untouched blob is not written again.
    expect((await writesOf(stub)).rows - before.rows).toBe(6);
    await abortAllDurableObjects();
    expect(await handle.counter()).toBe(3);
    expect(await handle.note()).toBe("second");
    expect(await handle.tags()).toEqual([["second", "2023-11-14T22:13:20.000Z"]]);
  });

  it("a change to many fields is stored in one transaction, one entry per field, and loads after a reset", async () => {
    const { handle, stub, before } = await bigStateWithCounter();
    await handle.addExtras(120);
    expect((await writesOf(stub)).rows - before.rows).toBe(120);
    await abortAllDurableObjects();
    expect(await handle.extras()).toBe(120);
    expect(await handle.counter()).toBe(1);
  });

  it("a field that shrinks or goes away leaves none of its chunks behind", async () => {
    const key = uniqueKey();
    const handle = testClient().bigState.getOrCreate(key);
    const blobEntries = async () => (await stateEntries(key)).filter((entry) => entry.endsWith(":.blob"));
    await handle.fill(3);
    // 3 MiB and the value's header: four chunks of at most 1 MiB.
    expect(await blobEntries()).toEqual(["actorflare:state1:.blob", "actorflare:state2:.blob", "actorflare:state3:.blob", "actorflare:state:.blob"]);
    await handle.shrinkBlob();
    expect(await blobEntries()).toEqual(["actorflare:state:.blob"]);
    await abortAllDurableObjects();
    expect(await handle.fingerprint()).toMatch(/^8:/);
    await handle.fill(2);
    await handle.dropBlob();
    expect(await blobEntries()).toEqual([]);
    await abortAllDurableObjects();
    expect(await handle.whole()).not.toHaveProperty("blob");
    expect(await handle.tags()).toEqual([["filled", "2023-11-14T22:13:20.000Z"]]);
  });

  it("a state that is not a plain object is stored whole, and each replacement leaves only its own entries", async () => {
    const key = uniqueKey();
    const handle = testClient().bigState.getOrCreate(key);
    expect(await handle.counter()).toBe(0);
    expect(await stateEntries(key)).toEqual(["actorflare:state:.blob", "actorflare:state:.counter", "actorflare:state:.note", "actorflare:state:.tags"]);
    await handle.replaceWhole([1, "two", { three: 3 }]);
    expect(await stateEntries(key)).toEqual(["actorflare:state:="]);
    await abortAllDurableObjects();
    expect(await handle.whole()).toEqual([1, "two", { three: 3 }]);
    await handle.replaceWhole({ counter: 5, note: "back" });
    expect(await stateEntries(key)).toEqual(["actorflare:state:.counter", "actorflare:state:.note"]);
    await abortAllDurableObjects();
    expect(await handle.whole()).toEqual({ counter: 5, note: "back" });
  });
});

/** A `bigState` actor that exists (its counter bumped once), its object, and what that object wrote so far. */
async function bigStateWithCounter() {
  const key = uniqueKey();
  const handle = testClient().bigState.getOrCreate(key);
  await handle.bump();
  const stub = env.BIG_STATE.get(env.BIG_STATE.idFromName(keyToName([key])));
  return { handle, stub, before: await writesOf(stub) };
}

/** The keys of the `bigState` actor's state entries, in storage order (a new stub each time: a reset breaks the old one). */
function stateEntries(key: string): Promise<string[]> {
  const stub = env.BIG_STATE.get(env.BIG_STATE.idFromName(keyToName([key])));
  return runInDurableObject(stub, (_instance, ctx) => Array.from(ctx.storage.kv.list({ prefix: "actorflare:state" }), ([key]) => key));
}
