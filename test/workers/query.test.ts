import { env } from "cloudflare:workers";
import { listDurableObjectIds } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ActorError } from "../../src/client/index";
import { call, errorBody, queryHeaders, testClient, uniqueKey } from "./helpers";

const resolve = (query: unknown, encoding = "json") =>
  call("/registry/actors/resolve", {
    method: "POST",
    headers: { "X-RivetKit-Query": JSON.stringify(query), "X-RivetKit-Encoding": encoding, "Content-Type": "application/json" },
    body: "{}",
  });

describe("query resolution", () => {
  it("a name no actor is registered under is actor_not_found, naming the nearest registered one", async () => {
    const typo = await errorBody(await resolve({ getOrCreateForKey: { name: "countr", key: [uniqueKey()] } }));
    expect(typo).toMatchObject({ c: "actor_not_found", m: expect.stringContaining("No actor named 'countr' is registered. Did you mean 'counter'?") });
    const unlike = await errorBody(await resolve({ getOrCreateForKey: { name: "zzzzzzzz", key: [uniqueKey()] } }));
    expect(unlike.m).not.toContain("Did you mean");
  });

  it("getForKey never creates", async () => {
    const key = uniqueKey();
    const before = (await listDurableObjectIds(env.LIFECYCLE)).length;
    const response = await resolve({ getForKey: { name: "lifecycle", key: [key] } });
    expect(response.status).toBe(404);
    expect(await errorBody(response)).toMatchObject({ c: "actor_not_found" });
    // Asking again still finds nothing: the first call left no actor behind.
    expect((await resolve({ getForKey: { name: "lifecycle", key: [key] } })).status).toBe(404);
    const created = await resolve({ getOrCreateForKey: { name: "lifecycle", key: [key] } });
    expect(created.status).toBe(200);
    expect((await listDurableObjectIds(env.LIFECYCLE)).length).toBeGreaterThanOrEqual(before);
  });

  it("getOrCreate returns the same actor every time, created once", async () => {
    const key = uniqueKey();
    const first = (await (await resolve({ getOrCreateForKey: { name: "lifecycle", key } })).json()) as { i: string };
    const second = (await (await resolve({ getOrCreateForKey: { name: "lifecycle", key: [key] } })).json()) as { i: string };
    expect(second.i).toBe(first.i);
    const state = await testClient().lifecycle.getForId(first.i).fetch("/");
    expect(await state.json()).toMatchObject({ created: 1 });
  });

  it("two racing getOrCreate calls get one actor and one creation", async () => {
    const client = testClient();
    const key = uniqueKey();
    const [a, b, c] = await Promise.all([
      client.lifecycle.getOrCreate(key).resolve(),
      client.lifecycle.getOrCreate(key).resolve(),
      client.lifecycle
        .getOrCreate(key)
        .fetch("/")
        .then((r) => r.json() as Promise<{ created: number }>),
    ]);
    expect(a).toBe(b);
    const state = (await (await client.lifecycle.getForId(a).fetch("/")).json()) as { created: number };
    expect(state.created).toBe(1);
    expect(c.created).toBe(1);
  });

  it("create passes input to createState / onCreate, and fails on a taken key", async () => {
    const client = testClient();
    const key = uniqueKey();
    const handle = await client.lifecycle.create(key, { input: { hello: "world" } });
    expect(await (await handle.fetch("/")).json()).toMatchObject({ created: 1, input: { hello: "world" } });
    const again = client.lifecycle.create(key);
    await expect(again).rejects.toBeInstanceOf(ActorError);
    await expect(again).rejects.toMatchObject({ code: "actor_already_exists" });
    const raw = await resolve({ create: { name: "lifecycle", key: [key] } });
    expect(raw.status).toBe(409);
  });

  it("getOrCreate uses input only when it creates", async () => {
    const client = testClient();
    const key = uniqueKey();
    await client.inspector.getOrCreate(key, { createWithInput: { hits: 10 } }).fetch("/read");
    const read = await client.inspector.getOrCreate(key, { createWithInput: { hits: 99 } }).fetch("/read");
    expect(await read.json()).toEqual({ hits: 10 });
  });

  it("getForId reaches the actor resolve returned, with or without a name", async () => {
    const client = testClient();
    const key = uniqueKey();
    const id = await client.counter.getOrCreate(key).resolve();
    await client.counter.getOrCreate(key).fetch("/increment", { method: "POST" });
    expect(await (await client.counter.getForId(id).fetch("/")).json()).toMatchObject({ count: 1, key: [key] });
    const nameless = await call("/registry/actors/raw/http/", { headers: queryHeaders({ getForId: { actorId: id } }) });
    expect(await nameless.json()).toMatchObject({ count: 1 });
  });

  it("getForId: a wrong name, a malformed id or an id never created is actor_not_found", async () => {
    const client = testClient();
    const id = await client.counter.getOrCreate(uniqueKey()).resolve();
    const wrongName = await call("/registry/actors/raw/http/", { headers: queryHeaders({ getForId: { name: "lifecycle", actorId: id } }) });
    expect(wrongName.status).toBe(404);
    expect(await errorBody(wrongName)).toMatchObject({ c: "actor_not_found" });
    const malformed = await call("/registry/actors/raw/http/", { headers: queryHeaders({ getForId: { name: "counter", actorId: "zz" } }) });
    expect(await errorBody(malformed)).toMatchObject({ c: "actor_not_found" });
    const neverCreated = env.COUNTER.newUniqueId().toString();
    const missing = await call("/registry/actors/raw/http/", { headers: queryHeaders({ getForId: { name: "counter", actorId: neverCreated } }) });
    expect(missing.status).toBe(404);
    expect(await errorBody(missing)).toMatchObject({ c: "actor_not_found" });
  });

  it("keys compare element-wise: ['a,b'] and ['a','b'] are different actors; a string key is [string]", async () => {
    const client = testClient();
    const prefix = uniqueKey();
    const joined = await client.counter.getOrCreate([`${prefix}a,b`]).resolve();
    const split = await client.counter.getOrCreate([`${prefix}a`, "b"]).resolve();
    expect(joined).not.toBe(split);
    expect(await client.counter.getOrCreate(`${prefix}a,b`).resolve()).toBe(joined);
  });

  it("a missing or null key is the empty key", async () => {
    const a = (await (await resolve({ getOrCreateForKey: { name: "counter" } })).json()) as { i: string };
    const b = (await (await resolve({ getOrCreateForKey: { name: "counter", key: null } })).json()) as { i: string };
    const c = (await (await resolve({ getOrCreateForKey: { name: "counter", key: [] } })).json()) as { i: string };
    expect(a.i).toBe(b.i);
    expect(b.i).toBe(c.i);
  });

  it.each([
    ["a part over 128 characters", ["x".repeat(129)], "at most 128 characters"],
    ["more than 16 parts", Array.from({ length: 17 }, (_, i) => `p${i}`), "at most 16 parts"],
    ["over 1,024 bytes as JSON", Array.from({ length: 9 }, () => "k".repeat(120)), "at most 1024 bytes"],
  ])("a key with %s is 400 invalid_request, and no actor is made", async (_label, key, message) => {
    const before = (await listDurableObjectIds(env.COUNTER)).length;
    const response = await resolve({ getOrCreateForKey: { name: "counter", key } });
    expect(response.status).toBe(400);
    expect(await errorBody(response)).toMatchObject({ c: "invalid_request", m: expect.stringContaining(message) });
    expect((await listDurableObjectIds(env.COUNTER)).length).toBe(before);
  });

  it("a key at every bound is accepted", async () => {
    const key = Array.from({ length: 16 }, (_, i) => `${i}`.padEnd(50, "k"));
    expect(new TextEncoder().encode(JSON.stringify(key)).byteLength).toBeLessThanOrEqual(1_024);
    expect((await resolve({ getOrCreateForKey: { name: "counter", key } })).status).toBe(200);
  });

  it("ignores unknown fields in the query (RivetKit's client sends its option bag)", async () => {
    const response = await resolve({ create: { name: "counter", key: [uniqueKey()], params: { x: 1 }, signal: {}, region: "oc" } });
    expect(response.status).toBe(200);
  });

  it("answers resolve in CBOR when asked", async () => {
    const { decode } = await import("cbor-x");
    const response = await resolve({ getOrCreateForKey: { name: "counter", key: ["cbor"] } }, "cbor");
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    const body = decode(new Uint8Array(await response.arrayBuffer())) as { i: string };
    expect(body.i).toMatch(/^[0-9a-f]{64}$/);
  });
});
