import { env } from "cloudflare:workers";
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { keyToName } from "../../src/worker/locate";
import { testClient, uniqueKey } from "./helpers";
import type { StateForm } from "./sharing-actors";

/** An actor of `sharing` whose state is stored in `form`, checked by its storage entries. */
async function sharingIn(form: StateForm) {
  const key = uniqueKey();
  const handle = testClient().sharing.getOrCreate(key);
  await handle.setForm(form);
  const stub = env.SHARING.get(env.SHARING.idFromName(keyToName([key])));
  const entries = await runInDurableObject(stub, (_instance, ctx) => {
    return Array.from(ctx.storage.kv.list<unknown>({ prefix: "actorflare:state:" }), ([entry, value]) => ({ entry, bytes: value instanceof Uint8Array }));
  });
  // The small forms are one packed entry (the state itself, or CBOR bytes); the large one an entry per field.
  if (form === "large") expect(entries.map(({ entry }) => entry)).toContain("actorflare:state:.items");
  else expect(entries).toEqual([{ entry: "actorflare:state:&", bytes: form === "small-cbor" }]);
  return handle;
}

describe("an object under two top-level fields", () => {
  for (const form of ["small", "large", "small-cbor"] as const) {
    describe(`in the ${form} form`, () => {
      it("a change made through one field is stored under both", async () => {
        const handle = await sharingIn(form);
        await handle.select();
        await handle.completeCurrent();
        expect(await handle.done()).toEqual({ item: true, current: true });
        await abortAllDurableObjects();
        expect(await handle.done()).toEqual({ item: true, current: true });
      });

      it("a change made through the field it came from reaches a Map that holds it", async () => {
        const handle = await sharingIn(form);
        await handle.index();
        await handle.completeFirst();
        await abortAllDurableObjects();
        expect(await handle.done()).toEqual({ item: true, byId: true });
      });

      it("a change made inside a Map or Set is stored, and the state's own objects find their entries", async () => {
        const handle = await sharingIn(form);
        await handle.collectInPlace();
        expect(await handle.lookups()).toEqual({ byIdIsFirst: true, picked: true, note: "first", groupNote: "lead", pickedIsFirst: true });
        await abortAllDurableObjects();
        expect(await handle.collected()).toEqual({ byId: [1], picked: [1], notes: ["first"], groupNotes: ["lead"] });
        // Sharing within one field survives a wake in every form (README, "State").
        expect(await handle.lookups()).toMatchObject({ groupNote: "lead" });
      });

      it("a delete or clear inside a Map or Set is stored", async () => {
        const handle = await sharingIn(form);
        await handle.collectInPlace();
        await handle.uncollect();
        await abortAllDurableObjects();
        expect(await handle.collected()).toEqual({ byId: [], picked: [], notes: [], groupNotes: ["lead"] });
      });

      it("a change made to an object a Map hands out is stored under every field that holds it", async () => {
        const handle = await sharingIn(form);
        await handle.collectInPlace();
        await handle.completeThroughMap();
        expect(await handle.done()).toEqual({ item: true, byId: true });
        await abortAllDurableObjects();
        expect(await handle.done()).toEqual({ item: true, byId: true });
      });

      it("Object.defineProperty on the state is a change like an assignment", async () => {
        const handle = await sharingIn(form);
        await handle.define("defined");
        await abortAllDurableObjects();
        expect(await handle.read("defined")).toBe(1);
      });
    });
  }

  it("stays tied after a wake: the small form loads one object, and a change made once the state is large reaches both fields", async () => {
    const handle = await sharingIn("small");
    await handle.select();
    await abortAllDurableObjects();
    expect(await handle.currentIsFirst()).toBe(true);
    await handle.setForm("large");
    await handle.completeCurrent();
    await abortAllDurableObjects();
    expect(await handle.done()).toEqual({ item: true, current: true });
  });

  it("an object handed out by a Map after a wake, then put under another field, ties the two", async () => {
    const handle = await sharingIn("large");
    await handle.index();
    await abortAllDurableObjects();
    await handle.selectFromMap();
    await handle.completeCurrent();
    await abortAllDurableObjects();
    expect(await handle.done()).toMatchObject({ current: true, byId: true });
  });

  it("c.state = c.state keeps the state itself, not a proxy of it: it answers, saves and loads as before", async () => {
    const handle = await sharingIn("small");
    await handle.select();
    expect(await handle.replaceWithItself()).toMatchObject({ items: [{ id: 1, done: false }], current: { id: 1, done: false } });
    expect(await handle.currentIsFirst()).toBe(true);
    await handle.completeCurrent();
    await abortAllDurableObjects();
    expect(await handle.done()).toEqual({ item: true, current: true });
  });

  it("is one object as the actor sees it: the same proxy through either field", async () => {
    const handle = testClient().sharing.getOrCreate(uniqueKey());
    await handle.select();
    expect(await handle.currentIsFirst()).toBe(true);
  });
});
