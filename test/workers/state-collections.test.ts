import { describe, expect, it } from "vitest";
import { rawCopy, stateTarget } from "../../src/actor/state-raw";
import { StateTracker } from "../../src/actor/state-tracker";

// The state tracker's Maps and Sets, and what leaves the actor (rawCopy), on the tracker itself:
// what `c.state` hands out, what it reports changed, and what storage gets (`raw`).

type Item = { n: number };

/** Newer runtimes' Set and Map methods (workerd has them), which this project's TypeScript lib does not type yet. */
interface SetAlgebra<T> {
  union(other: Set<T>): Set<T>;
  intersection(other: Set<T>): Set<T>;
  difference(other: Set<T>): Set<T>;
  symmetricDifference(other: Set<T>): Set<T>;
  isSubsetOf(other: Set<T>): boolean;
  isSupersetOf(other: Set<T>): boolean;
  isDisjointFrom(other: Set<T>): boolean;
}
interface Upserts<K, V> {
  getOrInsert(key: K, value: V): V;
  getOrInsertComputed(key: K, compute: (key: K) => V): V;
}
const algebra = <T>(set: Set<T>) => set as Set<T> & SetAlgebra<T>;
const upserts = <K, V>(map: Map<K, V>) => map as Map<K, V> & Upserts<K, V>;

/** A tracker over `state`, with the changes of its construction taken. */
function track<S>(state: S): StateTracker<S> {
  const tracker = new StateTracker(state);
  tracker.takeChanges();
  return tracker;
}

describe("a Set's methods that take another set", () => {
  const x = { n: 1 };
  const y = { n: 2 };
  const z = { n: 3 };
  const setsOf = () => {
    const { value } = track({ a: new Set<Item>([x, y, z]), b: new Set<Item>([x]) });
    return { a: algebra(value.a), b: algebra(value.b) };
  };

  it("compare the state's objects whichever side hands them out, and a copy made from the state", () => {
    const { a, b } = setsOf();
    expect(a.union(b).size).toBe(3);
    expect(a.intersection(b).size).toBe(1);
    expect(a.difference(b).size).toBe(2);
    expect(a.symmetricDifference(a).size).toBe(0);
    expect(a.isSupersetOf(b)).toBe(true);
    expect(b.isSubsetOf(new Set(a))).toBe(true);
    expect(a.isDisjointFrom(b)).toBe(false);
    expect(a.intersection(new Set(b)).size).toBe(1);
  });

  it("hand out the members of the set they make tracked: a change through one is a change of the state", () => {
    const tracker = track({ a: new Set<Item>([{ n: 1 }]) });
    for (const member of algebra(tracker.value.a).union(new Set())) member.n = 5;
    expect(tracker.dirty).toBe(true);
    expect([...tracker.raw.a]).toEqual([{ n: 5 }]);
  });
});

describe("a Map's and Set's other changes", () => {
  it("getOrInsert and getOrInsertComputed (the runtime has them) are changes, and hand out what they stored tracked", () => {
    expect(typeof (Map.prototype as Partial<Upserts<unknown, unknown>>).getOrInsertComputed).toBe("function");
    const tracker = track({ lists: new Map<string, number[]>(), item: { n: 1 } });
    upserts(tracker.value.lists)
      .getOrInsertComputed("k", () => [])
      .push(1);
    expect(tracker.takeChanges().keys).toEqual(new Set(["lists"]));
    expect(tracker.raw.lists.get("k")).toEqual([1]);
    const byItem = track({ m: new Map<string, Item>(), item: { n: 1 } });
    expect(upserts(byItem.value.m).getOrInsert("k", byItem.value.item)).toBe(byItem.value.item);
    // Storage gets the object, never its proxy.
    expect(stateTarget(byItem.raw.m.get("k"))).toBe(byItem.raw.m.get("k"));
    expect(byItem.dirty).toBe(true);
  });

  it("a subclass's own method runs on the proxy, so what it changes through set/add is tracked", () => {
    class Counts extends Map<string, number> {
      bump(key: string): void {
        this.set(key, (this.get(key) ?? 0) + 1);
      }
    }
    const tracker = track({ counts: new Counts() });
    tracker.value.counts.bump("a");
    expect(tracker.dirty).toBe(true);
    expect(tracker.raw.counts.get("a")).toBe(1);
  });

  it("a Map or Set put in the state keeps its order when some keys or members were proxies", () => {
    const tracker = track({ me: { n: 1 }, m: new Map<unknown, string>(), s: new Set<unknown>() });
    const mine = new Map<unknown, string>([
      [tracker.value.me, "me"],
      ["str", "s"],
    ]);
    tracker.value.m = mine;
    tracker.value.s = new Set([tracker.value.me, "z"]);
    expect([...tracker.raw.m.keys()]).toEqual([{ n: 1 }, "str"]);
    expect([...tracker.raw.s]).toEqual([{ n: 1 }, "z"]);
    expect(tracker.value.m.get(tracker.value.me)).toBe("me");
  });
});

describe("frozen objects in the state", () => {
  it("read as they are, at any depth, where a proxy may not answer another value", () => {
    const tracker = track({ frozen: Object.freeze({ inner: { a: 1 }, list: Object.freeze([1, 2]) }), m: new Map([["k", Object.freeze({ inner: { a: 2 } })]]) });
    expect(tracker.value.frozen.inner.a).toBe(1);
    expect(tracker.value.frozen.list[1]).toBe(2);
    expect(tracker.value.m.get("k")?.inner.a).toBe(2);
  });
});

describe("rawCopy: what leaves the actor", () => {
  it("replaces the state's proxies with their objects in a copy, and leaves the caller's own objects alone", () => {
    const tracker = track({ me: { n: 1 }, list: [1, 2] });
    const cache = new Map<unknown, string>([[tracker.value.me, "hit"]]);
    const answer = { cache, list: tracker.value.list, again: tracker.value.list };
    const copied = rawCopy(answer);
    expect(copied).not.toBe(answer);
    expect(copied.list).toBe(tracker.raw.list);
    // Sharing inside the answer is kept.
    expect(copied.again).toBe(copied.list);
    expect([...copied.cache.keys()][0]).toBe(tracker.raw.me);
    // The caller's Map still finds its entry by the object the state hands out.
    expect(cache.get(tracker.value.me)).toBe("hit");
    expect(structuredClone(copied)).toEqual({ cache: new Map([[{ n: 1 }, "hit"]]), list: [1, 2], again: [1, 2] });
  });

  it("answers a value without proxies as it is, and keeps cycles", () => {
    const plain = { a: [1, { b: 2 }] };
    expect(rawCopy(plain)).toBe(plain);
    const tracker = track({ item: { n: 1 } });
    const loop: Record<string, unknown> = { item: tracker.value.item };
    loop.self = loop;
    const copied = rawCopy(loop);
    expect(copied.self).toBe(copied);
    expect(copied.item).toBe(tracker.raw.item);
  });
});
