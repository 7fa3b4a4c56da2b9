import { env } from "cloudflare:workers";
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { keyToName } from "../../src/worker/locate";
import { testClient, uniqueKey } from "./helpers";

const STATE_KEY = "actorflare:state";

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
    // Put a sentinel straight into storage; a write from the next read-only request would overwrite it.
    await runInDurableObject(stub, (_instance, state) => state.storage.kv.put(STATE_KEY, { count: 41 }));
    expect(await (await handle.fetch("/")).json()).toMatchObject({ count: 1 });
    expect(await runInDurableObject(stub, (_instance, state) => state.storage.kv.get(STATE_KEY))).toEqual({ count: 41 });
    // A changing request does write.
    await handle.fetch("/increment", { method: "POST" });
    expect(await runInDurableObject(stub, (_instance, state) => state.storage.kv.get(STATE_KEY))).toEqual({ count: 2 });
  });
});
