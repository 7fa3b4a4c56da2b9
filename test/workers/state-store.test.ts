import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StateStore } from "../../src/actor/state-store";
import type { StateChanges } from "../../src/actor/state-tracker";

// The state store on its own, in real Durable Object storage: random sequences of changes take a
// state through every form (packed, by field, whole) and back, and a new store reading the
// storage after each write must find exactly the state that was written, in one form only.

type Change = { kind: "set"; field: string; value: unknown } | { kind: "delete"; field: string } | { kind: "replace"; state: unknown };

const field = fc.constantFrom("a", "b", "count", "note", "__proto__");
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
    ),
  },
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

/** The forms the stored entries are in: "&" packed, "." by field, "=" whole. */
function formsOf(keys: string[]): string[] {
  return [...new Set(keys.map((key) => key.slice(key.indexOf(":", "actorflare:state".length) + 1, key.indexOf(":", "actorflare:state".length) + 2)))];
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
            const keys = Array.from(ctx.storage.kv.list({ prefix: "actorflare:state" }), ([key]) => key);
            expect(formsOf(keys)).toHaveLength(1);
            seen.add(formsOf(keys)[0]!);
          }
        });
      }),
      { numRuns: 40 },
    );
    // The runs went through every form.
    expect([...seen].sort()).toEqual(["&", ".", "="]);
  }, 60_000);
});
