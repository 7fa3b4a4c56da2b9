import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StateStore } from "../../src/actor/state-store";
import { StateTracker } from "../../src/actor/state-tracker";

// The tracker and the store together, in real Durable Object storage: random handler code
// (assignments, in-place changes, one field's object put under another, deletions, wakes) runs
// through `c.state`'s proxies, each change is saved with what the tracker reports, and a new
// store reading the storage must find exactly the state in memory: a change the tracker missed
// would leave a field's stored copy behind.

type State = Record<string, unknown>;
type Step = (state: State) => void;

const field = fc.constantFrom("a", "b", "c");
const leaf = fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null));
/** Small objects and arrays, and strings that push the state across the 16 KiB split and 8 KiB repack. */
const value = fc.oneof(
  leaf,
  fc.record({ n: fc.integer(), tags: fc.array(leaf, { maxLength: 3 }) }),
  fc.array(fc.record({ n: fc.integer() }), { maxLength: 3 }),
  fc.integer({ min: 6, max: 20 }).map((kib) => "x".repeat(kib * 1024)),
);

/** An object to set `n` on: not an array, whose non-index properties CBOR drops (README, "State"), nor a Map or Set. */
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Map) && !(value instanceof Set);

const step: fc.Arbitrary<{ name: string; run: Step } | "wake"> = fc.oneof(
  fc
    .record({ to: field, value })
    .map(({ to, value }) => ({ name: `${to} = ${JSON.stringify(value)?.slice(0, 40)}`, run: (s: State) => void (s[to] = structuredClone(value)) })),
  fc.record({ to: field, from: field }).map(({ to, from }) => ({ name: `${to} = ${from}`, run: (s: State) => void (s[to] = s[from]) })),
  fc.record({ to: field, from: field }).map(({ to, from }) => ({ name: `${to} = [${from}]`, run: (s: State) => void (s[to] = [s[from]]) })),
  fc.record({ to: field, from: field }).map(({ to, from }) => ({ name: `${to} = Map(${from})`, run: (s: State) => void (s[to] = new Map([[1, s[from]]])) })),
  fc.record({ to: field, from: field }).map(({ to, from }) => ({ name: `${to} = Set(${from})`, run: (s: State) => void (s[to] = new Set([s[from]])) })),
  fc.record({ at: field, from: field, key: fc.integer({ min: 1, max: 2 }) }).map(({ at, from, key }) => ({
    name: `${at}.set(${key}, ${from}) (or ${at}.add(${from}))`,
    run: (s: State) => {
      const target = s[at];
      if (target instanceof Map) target.set(key, s[from]);
      else if (target instanceof Set) target.add(s[from]);
    },
  })),
  fc.record({ at: field, key: fc.integer({ min: 1, max: 2 }) }).map(({ at, key }) => ({
    name: `${at}.delete(${key}) (or ${at}.clear())`,
    run: (s: State) => {
      const target = s[at];
      if (target instanceof Map) target.delete(key);
      else if (target instanceof Set) target.clear();
    },
  })),
  fc.record({ at: field, n: fc.integer() }).map(({ at, n }) => ({
    name: `${at}.n = ${n} (or ${at}[0].n, ${at}.get(1).n, the first member's n)`,
    run: (s: State) => {
      const target = s[at];
      const inner = target instanceof Map ? target.get(1) : target instanceof Set ? [...target][0] : Array.isArray(target) ? target[0] : target;
      if (isRecord(inner)) inner.n = n;
    },
  })),
  fc.record({ at: field, n: fc.integer() }).map(({ at, n }) => ({
    name: `${at}.push({ n: ${n} })`,
    run: (s: State) => {
      const target = s[at];
      if (Array.isArray(target)) target.push({ n });
    },
  })),
  field.map((at) => ({ name: `delete ${at}`, run: (s: State) => void delete s[at] })),
  fc.record({ at: field, n: fc.integer() }).map(({ at, n }) => ({
    name: `defineProperty ${at} = ${n}`,
    run: (s: State) => void Object.defineProperty(s, at, { value: n, enumerable: true, writable: true, configurable: true }),
  })),
  fc.constant("wake" as const),
);

describe("the state tracker with the store", () => {
  it("stores every change, however objects are shared between fields, in every form and across wakes", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
        const stub = env.BIG_STATE.get(env.BIG_STATE.idFromName(`state-tracking-property-${run++}`));
        await runInDurableObject(stub, (_instance, ctx) => {
          let store = new StateStore(ctx.storage);
          let tracker = new StateTracker<State>({ a: { n: 0, tags: [] }, b: [{ n: 1 }], c: 0 });
          store.create(tracker.raw);
          for (const next of steps) {
            if (next === "wake") {
              store = new StateStore(ctx.storage);
              const stored = store.read<State>() as State;
              tracker = new StateTracker(stored);
              continue;
            }
            next.run(tracker.value);
            if (tracker.dirty) store.write(tracker.raw, tracker.takeChanges());
            expect(new StateStore(ctx.storage).read(), next.name).toEqual(tracker.raw);
          }
        });
      }),
      { numRuns: 80 },
    );
  }, 120_000);
});

describe("onChange, as onStateChange sees it", () => {
  it("runs once for an array method that writes several elements, after the method, as for one assignment", () => {
    let calls = 0;
    let seen: number[] = [];
    const tracker = new StateTracker({ items: [3, 1, 2] as number[], n: 0 }, () => {
      calls++;
      seen = [...tracker.raw.items];
    });
    const { value } = tracker;
    const once = (write: () => unknown, after: number[]) => {
      calls = 0;
      write();
      expect(calls).toBe(1);
      // onChange saw the array as the method left it, not half-way.
      expect(seen).toEqual(after);
    };
    once(() => value.items.push(4, 5), [3, 1, 2, 4, 5]);
    once(() => value.items.splice(0, 1, 6, 7), [6, 7, 1, 2, 4, 5]);
    once(() => value.items.sort((a, b) => a - b), [1, 2, 4, 5, 6, 7]);
    once(() => value.items.reverse(), [7, 6, 5, 4, 2, 1]);
    once(() => value.items.unshift(0), [0, 7, 6, 5, 4, 2, 1]);
    once(() => value.items.shift(), [7, 6, 5, 4, 2, 1]);
    once(() => value.items.fill(9, 4), [7, 6, 5, 4, 9, 9]);
    once(() => value.items.copyWithin(0, 4), [9, 9, 5, 4, 9, 9]);
    once(() => value.items.pop(), [9, 9, 5, 4, 9]);
    once(() => {
      value.n++;
    }, [9, 9, 5, 4, 9]);
    // The same function each time: code comparing or keeping a method still works.
    expect(value.items.push).toBe(value.items.push);
    expect(tracker.takeChanges().keys).toEqual(new Set(["items", "n"]));
  });
});
