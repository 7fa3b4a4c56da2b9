import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { keyToName } from "../../src/worker/locate";
import { STORAGE_LAYOUT, tableExists } from "../../src/actor/storage-layout";
import { decodeCbor } from "../../src/protocol/cbor";
import { indexShardName, indexShardOf } from "../../src/server/object-names";
import layout0 from "./fixtures/storage-layout-0.json";
import layout1 from "./fixtures/storage-layout-1.json";
import layout2 from "./fixtures/storage-layout-2.json";
import layout3 from "./fixtures/storage-layout-3.json";
import layout4 from "./fixtures/storage-layout-4.json";
import layout5 from "./fixtures/storage-layout-5.json";
import { testClient, uniqueKey } from "./helpers";

// Storage written by an earlier version must load in this one. The fixture is an actor's
// storage exactly as an earlier actorflare wrote it (see its `about`); it is put into a fresh
// object, which then serves the actor.

interface Fixture {
  kv: Record<string, unknown>;
  tables: { name: string; sql: string }[];
  rows: Record<string, Record<string, unknown>[]>;
}

async function gunzip(base64: string): Promise<ArrayBuffer> {
  const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
}

/**
 * A fixture's value as stored: bytes for `{ gzipBase64 }` (BLOB columns, and KV entries holding
 * bytes), the value CBOR decodes to for `{ structuredAsCborBase64 }` (a KV entry the runtime
 * serialized, holding what JSON cannot), anything else as it is.
 */
async function bytesOf(value: unknown): Promise<unknown> {
  if (typeof value !== "object" || value === null) return value;
  if ("gzipBase64" in value) return gunzip((value as { gzipBase64: string }).gzipBase64);
  if ("structuredAsCborBase64" in value) {
    return decodeCbor(Uint8Array.from(atob((value as { structuredAsCborBase64: string }).structuredAsCborBase64), (ch) => ch.charCodeAt(0)));
  }
  return value;
}

/** Writes the fixture into the storage of the `layout` actor's object for `key`, before anything runs there. */
async function plant(fixture: Fixture, key: string): Promise<DurableObjectStub> {
  const rows: Record<string, Record<string, unknown>[]> = {};
  for (const [table, list] of Object.entries(fixture.rows)) {
    rows[table] = await Promise.all(
      list.map(async (row) => {
        const values: Record<string, unknown> = {};
        for (const [column, value] of Object.entries(row)) values[column] = await bytesOf(value);
        return values;
      }),
    );
  }
  const kv: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fixture.kv)) kv[name] = await bytesOf(value);
  const stub = env.LAYOUT.get(env.LAYOUT.idFromName(keyToName([key])));
  await runInDurableObject(stub, (_instance, ctx) => {
    for (const [name, value] of Object.entries(kv)) ctx.storage.kv.put(name, value instanceof ArrayBuffer ? new Uint8Array(value) : value);
    for (const table of fixture.tables) ctx.storage.sql.exec(table.sql);
    for (const [table, list] of Object.entries(rows)) {
      for (const row of list) {
        const columns = Object.keys(row);
        ctx.storage.sql.exec(
          `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
          ...(Object.values(row) as SqlStorageValue[]),
        );
      }
    }
  });
  return stub;
}

/** Every KV entry (bytes by their length) and every job row of the object. */
function storageSnapshot(stub: DurableObjectStub) {
  return runInDurableObject(stub, (_instance, ctx) => ({
    kv: Array.from(ctx.storage.kv.list(), ([entry, value]): [string, unknown] => [entry, value instanceof Uint8Array ? value.byteLength : value]),
    jobs: ctx.storage.sql.exec("SELECT * FROM actorflare_schedule ORDER BY at").toArray(),
  }));
}

/** A snapshot as it is after a wake migrated it: only the meta changed, to the current layout. */
function withMetaMigrated(planted: Awaited<ReturnType<typeof storageSnapshot>>, meta: object) {
  return { ...planted, kv: planted.kv.map(([entry, value]) => (entry === "actorflare:meta" ? [entry, { ...meta, v: STORAGE_LAYOUT }] : [entry, value])) };
}

/** What the `layout` actor's `read` answers after its `fill`, as every fixture was made. */
function filledLayout(key: string) {
  return {
    count: 7,
    list: [1, 2, 3],
    tags: [["made", "2023-11-14T22:13:20.000Z"]],
    bigLength: 1_400_000,
    bigStart: "layout-layout-",
    name: "layout",
    key: [key],
  };
}

describe("storage written by earlier versions", () => {
  it("layout 0 (no versions in the records): meta, state of every shape and scheduled jobs load", async () => {
    const key = uniqueKey();
    const stub = await plant(layout0 as Fixture, key);
    const handle = testClient().layout.get(key);
    expect(await handle.read()).toEqual(filledLayout("layout-v0"));
    // The jobs were found: the wake armed the alarm for the earliest.
    expect(await runInDurableObject(stub, (_instance, ctx) => ctx.storage.getAlarm())).toBe(4_102_444_800_000);
    // The first wake moved it to the current layout: versions on the meta and on new job rows.
    const stored = await runInDurableObject(stub, (_instance, ctx) => ({
      meta: ctx.storage.kv.get("actorflare:meta"),
      jobs: ctx.storage.sql.exec("SELECT action, v, cron FROM actorflare_schedule ORDER BY at").toArray(),
    }));
    expect(stored.meta).toMatchObject({ v: STORAGE_LAYOUT, name: "layout", key: ["layout-v0"] });
    // Its wake recorded it in the actor index (layout 2), so it is no longer marked unlisted.
    expect(stored.meta).not.toHaveProperty("unlisted");
    expect(stored.jobs).toEqual([
      { action: "tick", v: 0, cron: null },
      { action: "tick", v: 0, cron: null },
    ]);
    await handle.plan();
    expect(
      await runInDurableObject(stub, (_instance, ctx) =>
        ctx.storage.sql
          .exec("SELECT v FROM actorflare_schedule ORDER BY v")
          .toArray()
          .map((row) => row.v),
      ),
    ).toEqual([0, 0, 2, 2]);
    // And it goes on: a change is stored and read back after the object restarts.
    expect(await handle.bump()).toBe(8);
    await expect(runInDurableObject(stub, (_instance, ctx) => ctx.abort("restart"))).rejects.toThrow("restart");
    expect(await handle.read()).toMatchObject({ count: 8, bigLength: 1_400_000 });
  });

  it("layout 1 (jobs without cron): the jobs load as one-off jobs, and cron jobs can be added", async () => {
    const key = uniqueKey();
    const stub = await plant(layout1 as Fixture, key);
    const handle = testClient().layout.get(key);
    expect(await handle.read()).toMatchObject({ count: 7, list: [1, 2, 3], bigLength: 1_400_000, key: ["layout-v1"] });
    expect(await runInDurableObject(stub, (_instance, ctx) => ctx.storage.getAlarm())).toBe(4_102_444_800_000);
    expect(await runInDurableObject(stub, (_instance, ctx) => ctx.storage.kv.get("actorflare:meta"))).toMatchObject({ v: STORAGE_LAYOUT, key: ["layout-v1"] });
    const old = [
      { kind: "once", action: "tick", args: ["far"], at: 4_102_444_800_000, tries: 0 },
      { kind: "once", action: "tick", args: ["farther"], at: 4_102_444_800_001, tries: 0 },
    ];
    expect(await handle.jobs()).toMatchObject(old);
    const id = await handle.planCron();
    const jobs = await handle.jobs();
    expect(jobs).toHaveLength(3);
    expect(jobs.find((job) => job.id === id)).toMatchObject({ kind: "cron", cron: "0 0 1 1 *", action: "tick", args: ["yearly"] });
    expect(
      await runInDurableObject(stub, (_instance, ctx) => ctx.storage.sql.exec("SELECT v, cron FROM actorflare_schedule ORDER BY v, at").toArray()),
    ).toEqual([
      { v: 1, cron: null },
      { v: 1, cron: null },
      { v: 2, cron: "0 0 1 1 *" },
    ]);
  });

  it("layout 1 (before the actor index): the actor's first wake records it in the index, with its creation time", async () => {
    const key = uniqueKey();
    const stub = await plant(layout1 as Fixture, key);
    const meta = layout1.kv["actorflare:meta"];
    const indexRows = () =>
      runInDurableObject(env.LAYOUT.get(env.LAYOUT.idFromName(indexShardName(indexShardOf(keyToName(meta.key))))), (_instance, ctx) =>
        tableExists(ctx.storage.sql, "actorflare_index")
          ? ctx.storage.sql.exec("SELECT name, id, created_at, pending FROM actorflare_index WHERE id = ?", stub.id.toString()).toArray()
          : [],
      );
    expect(await indexRows()).toEqual([]);
    await testClient().layout.get(key).read();
    expect(await indexRows()).toEqual([{ name: keyToName(meta.key), id: stub.id.toString(), created_at: meta.createdAt, pending: null }]);
    const stored = await runInDurableObject(stub, (_instance, ctx) => ctx.storage.kv.get("actorflare:meta"));
    expect(stored).toEqual({ ...meta, v: STORAGE_LAYOUT });
  });

  it("storage of a newer layout is refused with storage_too_new, and left as it is", async () => {
    const key = uniqueKey();
    const fixture = layout0 as Fixture;
    const meta = { ...(fixture.kv["actorflare:meta"] as object), v: 99 };
    const stub = await plant({ ...fixture, kv: { "actorflare:meta": meta } }, key);
    await expect(testClient().layout.get(key).read()).rejects.toMatchObject({ code: "storage_too_new" });
    expect(await runInDurableObject(stub, (_instance, ctx) => ctx.storage.kv.get("actorflare:meta"))).toEqual(meta);
  });

  it("layout 2 (state in a table): the state moves to KV entries, the table goes, and changes are stored there", async () => {
    const key = uniqueKey();
    const stub = await plant(layout2 as Fixture, key);
    const handle = testClient().layout.get(key);
    expect(await handle.read()).toEqual(filledLayout("layout-v2"));
    const stored = () =>
      runInDurableObject(stub, (_instance, ctx) => ({
        meta: ctx.storage.kv.get("actorflare:meta"),
        stateTable: tableExists(ctx.storage.sql, "actorflare_state"),
        entries: Array.from(ctx.storage.kv.list({ prefix: "actorflare:state" }), ([entry]) => entry),
      }));
    // The big field (1.4 MB of CBOR) kept its two chunks.
    expect(await stored()).toEqual({
      meta: { ...layout2.kv["actorflare:meta"], v: STORAGE_LAYOUT },
      stateTable: false,
      entries: ["actorflare:state1:.big", "actorflare:state:.big", "actorflare:state:.count", "actorflare:state:.nested"],
    });
    expect(await handle.jobs()).toMatchObject([
      { kind: "cron", cron: "0 0 1 1 *" },
      { kind: "once", args: ["far"] },
      { kind: "once", args: ["farther"] },
    ]);
    expect(await handle.bump()).toBe(8);
    await expect(runInDurableObject(stub, (_instance, ctx) => ctx.abort("restart"))).rejects.toThrow("restart");
    expect(await handle.read()).toMatchObject({ count: 8, list: [1, 2, 3], bigLength: 1_400_000 });
  });

  it("layout 3 (state in field entries): loads with its entries as they are, and is packed once it is small", async () => {
    const key = uniqueKey();
    const stub = await plant(layout3 as Fixture, key);
    const snapshot = () => storageSnapshot(stub);
    const planted = await snapshot();
    const handle = testClient().layout.get(key);
    expect(await handle.read()).toEqual(filledLayout("layout-v3"));
    expect(await handle.jobs()).toHaveLength(3);
    // Only the meta moved to the current layout: a large state keeps this form.
    expect(await snapshot()).toEqual(withMetaMigrated(planted, layout3.kv["actorflare:meta"]));
    // Once small, the state is packed into one entry, and reads back after a restart.
    await handle.trim();
    expect((await snapshot()).kv.map(([entry]) => entry)).toEqual(["actorflare:meta", "actorflare:state:&"]);
    await expect(runInDurableObject(stub, (_instance, ctx) => ctx.abort("restart"))).rejects.toThrow("restart");
    expect(await handle.read()).toEqual({ ...filledLayout("layout-v3"), bigLength: 14 });
  });

  it("layout 4 (a small state packed as CBOR): loads as it is, and its next save stores the state itself", async () => {
    const key = uniqueKey();
    const stub = await plant(layout4 as Fixture, key);
    const planted = await storageSnapshot(stub);
    expect(planted.kv.map(([entry]) => entry)).toEqual(["actorflare:meta", "actorflare:state:&"]);
    const handle = testClient().layout.get(key);
    expect(await handle.read()).toEqual({ ...filledLayout("layout-v4"), bigLength: 14 });
    expect(await handle.jobs()).toHaveLength(3);
    // Only the meta moved to the current layout.
    expect(await storageSnapshot(stub)).toEqual(withMetaMigrated(planted, layout4.kv["actorflare:meta"]));
    expect(await handle.bump()).toBe(8);
    const [, state] = (await storageSnapshot(stub)).kv.find(([entry]) => entry === "actorflare:state:&")!;
    expect(state).toMatchObject({ count: 8, big: "layout-layout-", nested: { list: [1, 2, 3] } });
    await expect(runInDurableObject(stub, (_instance, ctx) => ctx.abort("restart"))).rejects.toThrow("restart");
    expect(await handle.read()).toEqual({ ...filledLayout("layout-v4"), count: 8, bigLength: 14 });
  });

  it("layout 5 (the current one, a small state as one entry holding the state itself): loads as it is, and nothing is rewritten", async () => {
    const key = uniqueKey();
    const stub = await plant(layout5 as Fixture, key);
    const planted = await storageSnapshot(stub);
    expect(planted.kv.map(([entry]) => entry)).toEqual(["actorflare:meta", "actorflare:state:&"]);
    const handle = testClient().layout.get(key);
    expect(await handle.read()).toEqual({ ...filledLayout("layout-v5"), bigLength: 14 });
    expect(await handle.jobs()).toHaveLength(3);
    expect(await storageSnapshot(stub)).toEqual(planted);
  });

  it("a new actor is written in the current layout: meta and its small state in KV entries, jobs in their table", async () => {
    const key = uniqueKey();
    await testClient().layout.getOrCreate(key).plan();
    const stub = env.LAYOUT.get(env.LAYOUT.idFromName(keyToName([key])));
    const stored = await runInDurableObject(stub, (_instance, ctx) => ({
      meta: ctx.storage.kv.get("actorflare:meta"),
      entries: Array.from(ctx.storage.kv.list({ prefix: "actorflare:state" }), ([entry]) => entry),
      tables: ctx.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'actorflare%'")
        .toArray()
        .map((row) => row.name),
      jobs: ctx.storage.sql.exec("SELECT v, cron FROM actorflare_schedule").toArray(),
    }));
    expect(stored).toEqual({
      meta: expect.objectContaining({ v: STORAGE_LAYOUT }),
      entries: ["actorflare:state:&"],
      tables: ["actorflare_schedule"],
      jobs: [
        { v: 2, cron: null },
        { v: 2, cron: null },
      ],
    });
  });
});
