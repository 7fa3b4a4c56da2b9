import { env } from "cloudflare:workers";
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { PACKED, stateEntryKey } from "../../src/actor/state-entries";
import { keyToName } from "../../src/worker/locate";
import { rejection, testClient, uniqueKey, writesOf } from "./helpers";

const stubFor = (key: string) => env.BIG_STATE.get(env.BIG_STATE.idFromName(keyToName([key])));

/** How many objects deep the state's `note` goes (`nest` and `deepen` chain them through `inner`). */
async function noteDepth(handle: { whole(): Promise<unknown> }): Promise<number> {
  let levels = 0;
  for (
    let value = ((await handle.whole()) as { note: unknown }).note;
    typeof value === "object" && value !== null;
    value = (value as { inner?: unknown }).inner
  ) {
    levels++;
  }
  return levels;
}

describe("state larger than one storage value", () => {
  it("a 16 MiB state saves and loads across a restart", async () => {
    const key = uniqueKey();
    const handle = testClient().bigState.getOrCreate(key);
    const written = await handle.fill(16);
    expect(written).toMatch(/^16777216:/);
    await abortAllDurableObjects();
    expect(await handle.fingerprint()).toBe(written);
    // Structured values survive too.
    expect(await handle.tags()).toEqual([["filled", "2023-11-14T22:13:20.000Z"]]);
  }, 60_000);

  it("changing one small field of a 10 MiB state writes under 64 KiB", async () => {
    const key = uniqueKey();
    const handle = testClient().bigState.getOrCreate(key);
    await handle.fill(10);
    const before = await writesOf(stubFor(key));
    expect(await handle.bump()).toBe(1);
    const after = await writesOf(stubFor(key));
    const bytes = after.bytes - before.bytes;
    const rows = after.rows - before.rows;
    console.log(`one-field change in a 10 MiB state: ${bytes} bytes in ${rows} rows written`);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(64 * 1024);
    expect(rows).toBe(1);
  }, 60_000);

  it("a state that cannot be stored fails with a clear error and the stored state stays as it was", async () => {
    const key = uniqueKey();
    const handle = testClient().bigState.getOrCreate(key);
    await handle.bump();
    const refused = await rejection(handle.storeFunction());
    expect(refused.code).toBe("state_not_serializable");
    // It names the field and the cause; class instances are no cause: they are stored as plain objects.
    expect(refused.message).toContain("field 'note' holds a function");
    expect(refused.message).toContain("class instances are stored as plain objects");
    expect(await handle.note()).toBe("");
    await abortAllDurableObjects();
    expect(await handle.counter()).toBe(1);
    expect(await handle.note()).toBe("");
  });

  it.each(["Promise", "WeakMap", "WeakSet", "WeakRef", "Blob", "URL", "Headers"] as const)(
    "a %s in the state (it holds no data in its fields: stored, it would be {}) is refused, and the state stays as it was",
    async (kind) => {
      const handle = testClient().bigState.getOrCreate(uniqueKey());
      await handle.bump();
      const refused = await rejection(handle.storeDataless(kind));
      expect(refused.code).toBe("state_not_serializable");
      expect(refused.message).toContain(kind === "Promise" ? "field 'note' holds a Promise (await it first)" : `field 'note' holds a ${kind}`);
      await abortAllDurableObjects();
      expect(await handle.counter()).toBe(1);
      expect(await handle.note()).toBe("");
    },
  );

  // Past 1,000 containers (`nest(n)` makes n + 1) a value is refused whatever the runtime's stack
  // could take: the runtime stored values a few thousand deep that it then failed to read back
  // when the object woke, which left the actor unable to load.
  it.each([
    [1_000, "field"],
    [2_500, "field"],
    [1_000, "map"],
    [1_000, "root"],
    [3_000, "field"],
    [5_000, "field"],
    [10_000, "field"],
    [100_000, "field"],
    [10_000, "map"],
    [10_000, "root"],
  ] as const)("an object nested %i levels deep put in the state (%s) is state_not_serializable, and the state stays as it was", async (depth, where) => {
    const handle = testClient().bigState.getOrCreate(uniqueKey());
    await handle.bump();
    await expect(handle.nest(depth, where)).rejects.toMatchObject({
      code: "state_not_serializable",
      message: expect.stringMatching(/nested (too deeply|more than 1000 levels deep)/),
    });
    const unchanged = async () => {
      expect(await handle.whole()).toMatchObject({ counter: 1, note: "" });
      expect(await handle.tags()).toEqual([]);
    };
    await unchanged();
    await abortAllDurableObjects();
    await unchanged();
  });

  it("a change inside a typed array is stored when its field is reassigned after it (README: not seen otherwise)", async () => {
    const handle = testClient().bigState.getOrCreate(uniqueKey());
    await handle.fill(1);
    const first = (await handle.firstByte()) as number;
    // A 1 MiB state is stored field by field: only fields that changed are written.
    await handle.poke((first + 1) % 256, false);
    await abortAllDurableObjects();
    expect(await handle.firstByte()).toBe(first);
    await handle.poke((first + 2) % 256, true);
    await abortAllDurableObjects();
    expect(await handle.firstByte()).toBe((first + 2) % 256);
  });

  // Refused at the save, a value put by one handler failed whichever handler saved next, while
  // the one that put it answered as if it had worked (its changes were dropped with the others').
  it("a value storage cannot keep fails the assignment that puts it, not another handler's save", async () => {
    const handle = testClient().bigState.getOrCreate(uniqueKey());
    const faulty = rejection(handle.storeFunctionAndWait());
    await handle.bump();
    const refused = await faulty;
    expect([refused.code, refused.message]).toEqual(["state_not_serializable", expect.stringContaining("field 'note' holds a function")]);
    await abortAllDurableObjects();
    // Both bumps are stored: the faulty handler's change before its throw, as with any throw, and the other's.
    expect(await handle.whole()).toMatchObject({ counter: 2, note: "" });
  });

  // An earlier release kept values deeper than the limit (as deep as the runtime reads back):
  // such a state loads, and saves of other fields keep it as it is.
  it("a state stored deeper than the limit by an earlier release loads, and changes to its other fields are saved", async () => {
    const key = uniqueKey();
    const handle = testClient().bigState.getOrCreate(key);
    await handle.bump();
    let deep: Record<string, unknown> = {};
    for (let level = 1; level < 1_500; level++) deep = { inner: deep };
    const stub = env.BIG_STATE.get(env.BIG_STATE.idFromName(keyToName([key])));
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.kv.put(stateEntryKey(PACKED, 0), { counter: 5, blob: new Uint8Array(0), tags: new Map(), note: deep });
    });
    await abortAllDurableObjects();
    expect(await handle.counter()).toBe(5);
    await handle.bump();
    await abortAllDurableObjects();
    expect(await handle.counter()).toBe(6);
    expect(await noteDepth(handle)).toBe(1_500);
  });

  it("a value nested 1,000 containers deep is stored and read back after the actor leaves memory", async () => {
    const handle = testClient().bigState.getOrCreate(uniqueKey());
    await handle.nest(999, "field");
    await abortAllDurableObjects();
    expect(await noteDepth(handle)).toBe(1_000);
    // In the Map `tags`, one level down: its own 999 levels fit; in a state stored as CBOR (a class instance in it) too.
    await handle.nest(998, "map");
    await handle.nest(998, "root");
    await abortAllDurableObjects();
    expect(await handle.counter()).toBe(0);
  });

  it("a value nested past the limit is refused by the assignment, which throws: the handler's other changes are kept, as with any throw", async () => {
    const handle = testClient().bigState.getOrCreate(uniqueKey());
    for (const depth of [1_000, 3_000, 10_000]) {
      await expect(handle.nest(depth, "field", true)).rejects.toMatchObject({ code: "state_not_serializable" });
    }
    await abortAllDurableObjects();
    expect(await handle.whole()).toMatchObject({ counter: 3, note: "" });
    // Made deeper by a change inside it, it is refused when the state is saved, which drops all of the handler's changes.
    await expect(handle.deepen(600, 600)).rejects.toMatchObject({ code: "state_not_serializable", message: expect.stringContaining("more than 1000 levels") });
    expect(await handle.whole()).toMatchObject({ counter: 3, note: "" });
  });

  it("a field whose name is too long to be a storage key fails with a clear error, and nothing of the change is stored", async () => {
    const key = uniqueKey();
    const handle = testClient().bigState.getOrCreate(key);
    await handle.bump();
    await expect(handle.longFieldName(600_000)).rejects.toMatchObject({
      code: "state_not_serializable",
      message: expect.stringContaining("field's name is over 512 KiB"),
    });
    await abortAllDurableObjects();
    expect(await handle.counter()).toBe(1);
    expect(Object.keys((await handle.whole()) as object).sort()).toEqual(["blob", "counter", "note", "tags"]);
  });
});
