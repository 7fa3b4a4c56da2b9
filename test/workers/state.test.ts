import { env } from "cloudflare:workers";
import { abortAllDurableObjects } from "cloudflare:test";
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

  it("a change to several small fields writes just those rows, and they load after a reset", async () => {
    const key = uniqueKey();
    const handle = testClient().bigState.getOrCreate(key);
    await handle.bump();
    const stub = env.BIG_STATE.get(env.BIG_STATE.idFromName(keyToName([key])));
    const before = await writesOf(stub);
    await handle.retag("first");
    await handle.retag("second");
    // Three fields per change, each one row: the untouched blob is not written again.
    expect((await writesOf(stub)).rows - before.rows).toBe(6);
    await abortAllDurableObjects();
    expect(await handle.counter()).toBe(3);
    expect(await handle.note()).toBe("second");
    expect(await handle.tags()).toEqual([["second", "2023-11-14T22:13:20.000Z"]]);
  });

  it("a change to more fields than one statement can bind is stored whole, in one transaction", async () => {
    const key = uniqueKey();
    const handle = testClient().bigState.getOrCreate(key);
    await handle.bump();
    const stub = env.BIG_STATE.get(env.BIG_STATE.idFromName(keyToName([key])));
    const before = await writesOf(stub);
    await handle.addExtras(120);
    // A new field's row also writes the primary key's index: SQLite counts both.
    expect((await writesOf(stub)).rows - before.rows).toBe(240);
    await abortAllDurableObjects();
    expect(await handle.extras()).toBe(120);
    expect(await handle.counter()).toBe(1);
  });
});
