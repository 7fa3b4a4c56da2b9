import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StateStore } from "../../src/actor/state-store";
import type { StateChanges } from "../../src/actor/state-tracker";
import { Float16 } from "./registry";

// The state store on its own, in real Durable Object storage: random sequences of changes take a
// state through every form (packed, as the state itself or as CBOR; by field; whole) and back,
// and a new store reading the storage after each write must find exactly the state that was
// written, in one form only.

type Change = { kind: "set"; field: string; value: unknown } | { kind: "delete"; field: string } | { kind: "replace"; state: unknown };

const field = fc.constantFrom("a", "b", "count", "note", "__proto__");

/** A class instance: CBOR stores it as a plain object, so the packed entry is CBOR while one is in the state. */
class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

/**
 * Values from a few bytes to 24 KiB, so that writes cross both form limits (16 KiB to split, 8 KiB
 * to pack again). Values past one chunk are state.test.ts's.
 */
const value = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.oneof(
      fc.integer(),
      fc.string({ maxLength: 20 }),
      fc.constant(null),
      fc.array(fc.integer(), { maxLength: 5 }),
      fc.uint8Array({ maxLength: 8 }),
      // CBOR keeps a date's milliseconds for years 1900 to 2200 (it stores seconds as a float).
      fc.date({ min: new Date(Date.UTC(1900, 0)), max: new Date(Date.UTC(2200, 0)), noInvalidDate: true }),
      fc.bigInt(),
      fc.array(fc.tuple(fc.string({ maxLength: 5 }), fc.integer()), { maxLength: 3 }).map((entries) => new Map(entries)),
      fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }).map((items) => new Set(items)),
    ),
  },
  { weight: 1, arbitrary: fc.tuple(fc.integer(), fc.integer()).map(([x, y]) => new Point(x, y)) },
  // A Proxy of the actor's own: the runtime cannot serialize it, so the store falls back to CBOR.
  { weight: 1, arbitrary: fc.integer().map((n) => new Proxy({ n }, {})) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 24 }).map((kib) => "x".repeat(kib * 1024)) },
);
const change: fc.Arbitrary<Change> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("set" as const), field, value }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), field }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("replace" as const),
      state: fc.oneof(fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(field, value, { maxKeys: 3 })),
    }),
  },
);

/** Applies a change to the state as a handler would, and says what the tracker would report. */
function applyChange(state: unknown, change: Change): { state: unknown; changes: StateChanges } {
  if (change.kind === "replace") return { state: change.state, changes: { all: true, keys: new Set() } };
  // A field can only be set on a plain object: a state stored whole becomes one first.
  const base = typeof state === "object" && state !== null && !Array.isArray(state) ? state : {};
  const next: Record<string, unknown> = Object.fromEntries(Object.entries(base));
  if (change.kind === "set") Object.defineProperty(next, change.field, { value: change.value, enumerable: true, writable: true, configurable: true });
  else delete next[change.field];
  return { state: next, changes: base === state ? { all: false, keys: new Set([change.field]) } : { all: true, keys: new Set() } };
}

/** The forms the stored entries are in: "&" packed (the state itself, or "&cbor"), "." by field, "=" whole. */
function formsOf(entries: [string, unknown][]): string[] {
  const forms = entries.map(([key, value]) => {
    const form = key.slice(key.indexOf(":", "actorflare:state".length) + 1, key.indexOf(":", "actorflare:state".length) + 2);
    return form === "&" && value instanceof Uint8Array ? "&cbor" : form;
  });
  return [...new Set(forms)];
}

describe("the state store", () => {
  it("reads back every state it wrote, in exactly one form, whatever the sequence of changes", async () => {
    let run = 0;
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 12 }), async (changes) => {
        // A fresh object for each run: no actor is ever created in it, only its storage is used.
        const stub = env.BIG_STATE.get(env.BIG_STATE.idFromName(`state-store-property-${run++}`));
        await runInDurableObject(stub, (_instance, ctx) => {
          const store = new StateStore(ctx.storage);
          let state: unknown = { count: 0 };
          store.create(state);
          for (const next of changes) {
            const applied = applyChange(state, next);
            state = applied.state;
            store.write(state, applied.changes);
            expect(new StateStore(ctx.storage).read()).toEqual(state);
            const forms = formsOf([...ctx.storage.kv.list({ prefix: "actorflare:state" })]);
            expect(forms).toHaveLength(1);
            seen.add(forms[0]!);
          }
        });
      }),
      { numRuns: 60 },
    );
    // The runs went through every form.
    expect([...seen].sort()).toEqual(["&", "&cbor", ".", "="]);
  }, 60_000);
});

describe("the packed entry", () => {
  /** A fresh object's storage, a store writing `states` one after the other, and after each: the entry's value, rows written, what a new store reads. */
  async function writeInTurn(name: string, states: Record<string, unknown>[]) {
    const stub = env.BIG_STATE.get(env.BIG_STATE.idFromName(`state-store-${name}-${crypto.randomUUID()}`));
    return runInDurableObject(stub, (_instance, ctx) => {
      const store = new StateStore(ctx.storage);
      store.create({});
      return states.map((state) => {
        const rows = store.written.rows;
        store.write(state, { all: true, keys: new Set() });
        return {
          entries: [...ctx.storage.kv.list({ prefix: "actorflare:state" })],
          rows: store.written.rows - rows,
          read: new StateStore(ctx.storage).read(),
        };
      });
    });
  }

  it("is the state itself for plain data, CBOR while a field holds a class instance, and the state again once it is gone", async () => {
    const plain = { count: 1, at: new Date(1_700_000_000_000), tags: new Map([["a", new Set([1n])]]), bytes: new Uint8Array([1, 2]) };
    const [first, withPoint, again] = await writeInTurn("forms", [plain, { ...plain, point: new Point(1, 2) }, { ...plain, count: 2 }]);
    expect(first!.entries).toEqual([["actorflare:state:&", plain]]);
    expect(first!.read).toEqual(plain);
    // As the fields form would keep it: the instance's own fields, in a plain object.
    expect(withPoint!.entries).toEqual([["actorflare:state:&", expect.any(Uint8Array)]]);
    expect(withPoint!.read).toStrictEqual({ ...plain, point: { x: 1, y: 2 } });
    expect(again!.entries).toEqual([["actorflare:state:&", { ...plain, count: 2 }]]);
    expect([first!.rows, withPoint!.rows, again!.rows]).toEqual([1, 1, 1]);
  });

  it("falls back to CBOR for what the runtime cannot serialize (a Proxy of the actor's own), and keeps a field named __proto__ as a field", async () => {
    const withProto = JSON.parse('{"__proto__": {"polluted": true}, "n": 1}') as Record<string, unknown>;
    const [proxied, proto] = await writeInTurn("fallback", [{ wrapped: new Proxy({ n: 1 }, {}) }, withProto]);
    expect(proxied!.entries).toEqual([["actorflare:state:&", expect.any(Uint8Array)]]);
    expect(proxied!.read).toEqual({ wrapped: { n: 1 } });
    expect(proto!.entries.map(([, value]) => value instanceof Uint8Array)).toEqual([false]);
    const read = proto!.read as Record<string, unknown>;
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.keys(read)).toEqual(["__proto__", "n"]);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("weighs an array met many times as CBOR writes it, each time: a state too large to pack is stored by field", async () => {
    // 130 references to one 8 KiB array: the runtime would store it once, CBOR 130 times (over 1 MiB).
    const bytes = new Uint8Array(8192);
    const arrays = Array.from({ length: 130 }, () => bytes);
    const [stored] = await writeInTurn("repeated", [{ point: new Point(1, 2), arrays }]);
    expect(stored!.entries.map(([key]) => key)).toEqual(["actorflare:state1:.arrays", "actorflare:state:.arrays", "actorflare:state:.point"]);
    expect(stored!.read).toEqual({ point: { x: 1, y: 2 }, arrays });
  });

  it("keeps a Float16Array as one: in the state itself, and tagged in CBOR while a field needs CBOR", async () => {
    const halves = new Float16([1.5, 2, -0.25]);
    const [packed, inCbor] = await writeInTurn("float16", [{ halves }, { halves, point: new Point(1, 2) }]);
    expect(packed!.entries).toEqual([["actorflare:state:&", { halves }]]);
    expect(inCbor!.entries).toEqual([["actorflare:state:&", expect.any(Uint8Array)]]);
    for (const { read } of [packed!, inCbor!]) {
      expect((read as { halves: unknown }).halves).toBeInstanceOf(Float16);
      expect((read as { halves: unknown }).halves).toEqual(halves);
    }
  });

  it("a first state the runtime cannot serialize is created in CBOR", async () => {
    const stub = env.BIG_STATE.get(env.BIG_STATE.idFromName(`state-store-create-${crypto.randomUUID()}`));
    await runInDurableObject(stub, (_instance, ctx) => {
      const store = new StateStore(ctx.storage);
      ctx.storage.transactionSync(() => store.create({ wrapped: new Proxy({ n: 1 }, {}) }));
      expect([...ctx.storage.kv.list({ prefix: "actorflare:state" })]).toEqual([["actorflare:state:&", expect.any(Uint8Array)]]);
      expect(new StateStore(ctx.storage).read()).toEqual({ wrapped: { n: 1 } });
    });
  });
});
