import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ActorError, ActorListing } from "../../src/client/index";
import type { ActorIndexRpc } from "../../src/server/actor-index";
import { indexShardName, indexShardOf, keyToName } from "../../src/server/object-names";
import { hooks } from "./destroy-actors";
import { call, errorBody, rejection, testClient, uniqueKey } from "./helpers";

// Listing: `client.<name>.list()` pages through the actor index (server/actor-index.ts), where
// each actor writes its entry pending before it is created or destroyed. A destroy settles it
// after; a creation leaves that to the first listing, which asks the actor. So a crash between
// the two steps leaves no lost and no phantom entry.

const client = testClient();
const admin = { params: { role: "admin" } };
const actorStub = (key: string) => env.DOOMED.get(env.DOOMED.idFromName(keyToName([key])));
const shardStub = (key: string) => env.DOOMED.get(env.DOOMED.idFromName(indexShardName(indexShardOf(keyToName([key])))));
/** The shard's own RPC, as an actor's object calls it. */
const shardRpc = (key: string) => shardStub(key) as unknown as ActorIndexRpc;

/** The index row of a key in its shard: whether it is pending, or undefined when there is none. */
function indexRow(key: string) {
  return runInDurableObject(shardStub(key), (_instance, state) => {
    const rows = state.storage.sql
      .exec<{ id: string; pending: string | null }>(`SELECT id, pending FROM actorflare_index WHERE name = ?`, keyToName([key]))
      .toArray();
    return rows[0] ? { id: rows[0].id, pending: rows[0].pending !== null } : undefined;
  });
}

/** Every actor of the `doomed` kind whose key starts with `prefix`, walking all pages of `limit`. */
async function listAll(prefix: string, limit = 100, list = (cursor?: string) => client.doomed.list({ ...admin, cursor, limit })) {
  const found: ActorListing[] = [];
  let pages = 0;
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    expect(page.actors.length).toBeLessThanOrEqual(limit);
    found.push(...page.actors);
    cursor = page.cursor;
    pages++;
  } while (cursor);
  return { actors: found.filter((actor) => actor.key[0]?.startsWith(prefix)), all: found, pages };
}

describe("listing actors", () => {
  it("pages through the actors of a name, oldest first, each with its key, id and creation time", async () => {
    const prefix = uniqueKey("list");
    const before = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await (await client.doomed.create([`${prefix}-${i}`])).resolve());
    const { actors, all, pages } = await listAll(prefix, 2);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(actors.map((actor) => actor.id)).toEqual(ids);
    expect(actors.map((actor) => actor.key)).toEqual(ids.map((_id, i) => [`${prefix}-${i}`]));
    for (const actor of actors) {
      expect(actor.name).toBe("doomed");
      expect(actor.createdAt).toBeGreaterThanOrEqual(before);
      expect(actor.createdAt).toBeLessThanOrEqual(Date.now());
    }
    // No actor twice across pages, and the whole listing in creation order.
    expect(new Set(all.map((actor) => actor.id)).size).toBe(all.length);
    const times = all.map((actor) => actor.createdAt);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("a destroyed actor leaves the index, and a new actor with its key comes back with a new creation time", async () => {
    const prefix = uniqueKey("list");
    const handle = client.doomed.getOrCreate([prefix], admin);
    await handle.read();
    const { createdAt } = (await listAll(prefix)).actors[0] ?? { createdAt: -1 };
    expect(createdAt).toBeGreaterThan(0);
    await handle.destroy();
    expect((await listAll(prefix)).actors).toEqual([]);
    expect(await indexRow(prefix)).toBeUndefined();
    await handle.read();
    const [again] = (await listAll(prefix)).actors;
    expect(again?.createdAt).toBeGreaterThanOrEqual(createdAt);
    expect(await indexRow(prefix)).toEqual({ id: again?.id, pending: false });
  });

  it("the server-side client lists without onAuth", async () => {
    const prefix = uniqueKey("list");
    await client.doomed.create([prefix]);
    const caller = client.doomed.getOrCreate([uniqueKey("caller")]);
    const { actors } = await listAll(prefix, 100, (cursor) => caller.listKind(cursor, 100));
    expect(actors.map((actor) => actor.key)).toEqual([[prefix]]);
  });

  it("a public client lists only when onAuth allows the intent list; bad limits and cursors are invalid_request", async () => {
    expect((await rejection(client.doomed.list())).code).toBe("forbidden");
    expect((await rejection(client.doomed.list({ params: { role: "user" } }))).code).toBe("forbidden");
    // An actor with no onAuth is not listed to public clients at all.
    expect((await rejection(client.privateActor.list())).code).toBe("forbidden");
    expect((await rejection(client.doomed.list({ ...admin, limit: 0 }))).code).toBe("invalid_request");
    expect((await rejection(client.doomed.list({ ...admin, limit: 101 }))).code).toBe("invalid_request");
    expect((await rejection(client.doomed.list({ ...admin, cursor: "not-a-cursor" }))).code).toBe("invalid_request");
    const unknown = await call("/registry/actors/list?name=nope");
    expect(unknown.status).toBe(404);
    expect((await errorBody(unknown)).c).toBe("actor_not_found");
  });

  it("an index shard is no actor: by its id it is actor_not_found, to read or to destroy, and its rows stay", async () => {
    const key = uniqueKey("shard");
    const id = await (await client.doomed.create([key])).resolve();
    const shardId = shardStub(key).id.toString();
    expect((await rejection(client.doomed.getForId(shardId).read())).code).toBe("actor_not_found");
    expect((await rejection(client.doomed.getForId(shardId, admin).destroy())).code).toBe("actor_not_found");
    expect((await indexRow(key))?.id).toBe(id);
  });

  it("a pending entry of an actor that was never created (a crash before the creation) is never listed, and is deleted", async () => {
    const key = uniqueKey("phantom");
    const id = env.DOOMED.idFromName(keyToName([key])).toString();
    await shardRpc(key).indexWrite({ key: [key], id, createdAt: Date.now() }, "crashed-before-create");
    expect(await indexRow(key)).toEqual({ id, pending: true });
    expect((await listAll(key)).actors).toEqual([]);
    expect(await indexRow(key)).toBeUndefined();
    expect((await rejection(client.doomed.get([key]).read())).code).toBe("actor_not_found");
  });

  it("a new actor's entry stays pending until the first listing asks the actor, which settles it", async () => {
    const key = uniqueKey("fresh");
    const id = await (await client.doomed.create([key])).resolve();
    expect(await indexRow(key)).toEqual({ id, pending: true });
    expect((await listAll(key)).actors.map((actor) => actor.id)).toEqual([id]);
    expect(await indexRow(key)).toEqual({ id, pending: false });
    // Settled, it is listed the same way.
    expect((await listAll(key)).actors.map((actor) => actor.id)).toEqual([id]);
  });

  it("a pending entry of an actor that exists (a crash before the entry was settled) is listed, and settled", async () => {
    const key = uniqueKey("unsettled");
    const handle = await client.doomed.create([key]);
    const id = await handle.resolve();
    const [listed] = (await listAll(key)).actors;
    await shardRpc(key).indexWrite({ key: [key], id, createdAt: listed!.createdAt }, "crashed-before-settle");
    expect((await listAll(key)).actors).toEqual([listed]);
    expect(await indexRow(key)).toEqual({ id, pending: false });
  });

  it("after a crash in the middle of a creation (in onStart), the listing and the actor agree", async () => {
    const key = uniqueKey("crash");
    // Arms the crash from inside the object, so that the hook can abort it.
    await runInDurableObject(actorStub(key), (_instance, state) => {
      hooks.set(`${key}:onStart`, () => {
        hooks.delete(`${key}:onStart`);
        state.abort("crash during creation");
      });
    });
    await client.doomed
      .getOrCreate([key])
      .read()
      .catch(() => undefined);
    expect(hooks.has(`${key}:onStart`)).toBe(false);
    // The entry was written pending before the creation, and the crash left it so.
    expect(await indexRow(key)).toEqual({ id: actorStub(key).id.toString(), pending: true });
    const listed = (await listAll(key)).actors.map((actor) => actor.key);
    const exists = await client.doomed
      .get([key])
      .read()
      .then(
        () => true,
        (error: ActorError) => (error.code === "actor_not_found" ? false : Promise.reject(error)),
      );
    expect(listed).toEqual(exists ? [[key]] : []);
    // Nothing is left pending once the listing has asked the actor.
    expect(await indexRow(key)).toEqual(exists ? { id: expect.any(String), pending: false } : undefined);
    // And the key works as any other afterwards.
    expect(await client.doomed.getOrCreate([key]).read()).toEqual({ count: 0, label: "fresh" });
    expect((await listAll(key)).actors.map((actor) => actor.key)).toEqual([[key]]);
  });
});
