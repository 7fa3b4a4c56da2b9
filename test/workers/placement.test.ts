import { listDurableObjectIds } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { clientForDriver } from "../../src/client/client";
import { actor, type LocationHint } from "../../src/index";
import { InlineClientDriver } from "../../src/worker/inline-driver";
import { keyToName } from "../../src/worker/locate";
import { call, errorBody, queryHeaders, testClient, uniqueKey } from "./helpers";
import { observePlacement, type PlacementCall, placementCalls } from "./placement-observer";
import { registry } from "./registry";

// wrangler dev and workerd accept placement and do nothing with it, so these tests watch the
// real bindings' calls (test/workers/placement-observer.ts): a region reaches `get` as the
// location hint, a jurisdiction's actors are reached through `jurisdiction(...)`.

type GetCall = Extract<PlacementCall, { call: "get" }>;
const callsFor = (id: string) => placementCalls.filter((entry): entry is GetCall => entry.call === "get" && entry.id === id);
const counterIdOf = (key: string) => env.COUNTER.idFromName(keyToName([key]));
const exists = async (namespace: DurableObjectNamespace, id: DurableObjectId) => (await listDurableObjectIds(namespace)).some((other) => other.equals(id));

afterEach(() => {
  placementCalls.length = 0;
});

describe("a region hint for a new actor", () => {
  it("getOrCreate's createInRegion and create's region reach the binding's get as the location hint", async () => {
    const client = testClient();
    const key = uniqueKey();
    const id = await client.counter.getOrCreate(key, { createInRegion: "weur" }).resolve();
    expect(callsFor(id)).toEqual([{ call: "get", binding: "COUNTER", id, options: { locationHint: "weur" } }]);
    const created = await client.counter.create(uniqueKey(), { region: "apac" });
    const createdId = await created.resolve();
    expect(callsFor(createdId)[0]).toMatchObject({ binding: "COUNTER", options: { locationHint: "apac" } });
    // A `get` never creates, so it carries no hint.
    await client.counter.get(key).resolve();
    expect(callsFor(id).at(-1)).toMatchObject({ options: undefined });
  });

  it("every location hint Durable Objects know is accepted", async () => {
    const hints: LocationHint[] = ["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"];
    const client = testClient();
    for (const hint of hints) {
      const id = await client.counter.getOrCreate(uniqueKey(), { createInRegion: hint }).resolve();
      expect(callsFor(id)[0]?.options).toEqual({ locationHint: hint });
    }
  });

  it("an unknown region is refused with invalid_region before any object is addressed", async () => {
    const key = uniqueKey();
    for (const region of ["mars", "WEUR", "", 5, null]) {
      const response = await call("/registry/actors/resolve", {
        method: "POST",
        headers: queryHeaders({ getOrCreateForKey: { name: "counter", key: [key], region } }),
        body: "{}",
      });
      expect(response.status).toBe(400);
      const body = await errorBody(response);
      expect(body.c).toBe("invalid_region");
      expect(body.m).toContain("weur");
    }
    await expect(testClient().counter.create(key, { region: "moon" as LocationHint })).rejects.toMatchObject({ code: "invalid_region" });
    expect(placementCalls).toEqual([]);
    expect(await exists(env.COUNTER, counterIdOf(key))).toBe(false);
  });

  it("RivetKit 2.3's actor API takes `datacenter` (its client's region) as the hint, and refuses one Durable Objects do not know", async () => {
    const api = (method: string, body: object) =>
      call("/registry/actors", { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const put = await api("PUT", { name: "counter", key: uniqueKey(), datacenter: "weur" });
    const { actor } = await put.json<{ actor: { actor_id: string } }>();
    expect(callsFor(actor.actor_id)).toEqual([{ call: "get", binding: "COUNTER", id: actor.actor_id, options: { locationHint: "weur" } }]);
    const post = await api("POST", { name: "counter", key: uniqueKey(), datacenter: "apac" });
    const created = (await post.json<{ actor: { actor_id: string } }>()).actor;
    expect(callsFor(created.actor_id)[0]).toMatchObject({ options: { locationHint: "apac" } });
    const key = uniqueKey();
    for (const method of ["PUT", "POST"]) {
      const refused = await api(method, { name: "counter", key, datacenter: "mars" });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ group: "actorflare", code: "invalid_region" });
    }
    expect(await exists(env.COUNTER, counterIdOf(key))).toBe(false);
  });

  it("the server client passes the hint, and refuses a bad one before creating anything", async () => {
    // The registry's server client over the observed bindings (createServer() reads the Worker's own env).
    const server = clientForDriver<typeof registry>(new InlineClientDriver(registry, () => observePlacement(env)));
    const id = await server.counter.getOrCreate(uniqueKey(), { createInRegion: "enam" }).resolve();
    expect(callsFor(id)).toEqual([{ call: "get", binding: "COUNTER", id, options: { locationHint: "enam" } }]);
    const key = uniqueKey();
    await expect(
      registry
        .createServer()
        .client.counter.getOrCreate(key, { createInRegion: "nowhere" as LocationHint })
        .resolve(),
    ).rejects.toMatchObject({
      code: "invalid_region",
    });
    expect(await exists(env.COUNTER, counterIdOf(key))).toBe(false);
  });

  it("c.client() passes the hint from inside an actor, and gets invalid_region for a bad one", async () => {
    const caller = testClient().placed.getOrCreate(uniqueKey());
    const created = await caller.counterIn(uniqueKey(), "sam");
    if (!("id" in created)) throw new Error(`expected an id, got ${JSON.stringify(created)}`);
    expect(callsFor(created.id)).toEqual([{ call: "get", binding: "COUNTER", id: created.id, options: { locationHint: "sam" } }]);
    const key = uniqueKey();
    expect(await caller.counterIn(key, "atlantis")).toEqual({ code: "invalid_region" });
    expect(await exists(env.COUNTER, counterIdOf(key))).toBe(false);
  });
});

describe("an actor's jurisdiction", () => {
  it("every instance is looked up through the jurisdiction's namespace, by key and by id", async () => {
    const client = testClient();
    const key = uniqueKey();
    const handle = client.placed.getOrCreate(key, { createInRegion: "weur" });
    const { id } = await handle.whoAmI();
    // workerd has no jurisdictions (its namespace throws), so the binding's own id stands in here.
    expect(() => env.PLACED.jurisdiction("eu")).toThrow("not implemented in workerd");
    expect(id).toBe(env.PLACED.idFromName(keyToName([key])).toString());
    expect(placementCalls.slice(0, 2)).toEqual([
      { call: "jurisdiction", binding: "PLACED", jurisdiction: "eu" },
      { call: "get", binding: "PLACED", id, options: { locationHint: "weur" } },
    ]);
    // By id, and by key without creating: the same object, through the jurisdiction again.
    expect(await client.placed.getForId(id).bump()).toBe(1);
    expect(await client.placed.get(key).bump()).toBe(2);
    expect(callsFor(id)).toHaveLength(3);
    // Every lookup went through the jurisdiction: the actor's, and its object's own calls to its
    // index shard (which live in the actor's namespace).
    const count = (call: PlacementCall["call"]) => placementCalls.filter((entry) => entry.call === call).length;
    expect(count("get")).toBeGreaterThan(3);
    expect(count("jurisdiction")).toBe(count("get"));
  });

  it("an actor definition with a jurisdiction Durable Objects do not have fails when it is defined", () => {
    expect(() => actor({ state: {}, actions: {}, jurisdiction: "us" as "eu" })).toThrow(/field 'jurisdiction'.*"eu", "fedramp", "fedramp-high"/);
    expect(() => actor({ state: {}, actions: {}, jurisdiction: "fedramp" })).not.toThrow();
  });
});
