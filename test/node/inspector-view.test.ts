import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromJsonView, jsonView } from "../../src/protocol/inspector";
import { stateDigest } from "../../src/protocol/state-digest";

/** What the page does with a snapshot's state: JSON text, edited or not, sent back. */
const throughJson = (value: unknown): unknown => JSON.parse(JSON.stringify(jsonView(value)));

/** State values of every kind the inspector shows with a mark or takes from the state it replaces. */
const stateValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.string(),
    fc.integer(),
    // NaN, the infinities and -0 included: JSON has no form for them, a `$number` mark does.
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.bigInt(),
    fc.date({ noInvalidDate: true }),
    fc.uint8Array({ maxLength: 4 }),
    fc.int32Array({ maxLength: 4 }),
    fc.float64Array({ maxLength: 4 }),
    fc.array(tie("value"), { maxLength: 4 }),
    // Keys that are a mark's name included: such an object is shown inside a `$object` mark.
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("$map", "$set", "$bigint", "$number", "$object")), tie("value"), { maxKeys: 4 }),
    fc.uniqueArray(fc.tuple(fc.string(), tie("value")), { selector: ([key]) => key, maxLength: 4 }).map((entries) => new Map(entries)),
    fc.uniqueArray(fc.oneof(fc.string(), fc.integer()), { maxLength: 4 }).map((items) => new Set(items)),
    // Dates as a Set's members and a Map's keys: typed by their position in the state replaced.
    fc.array(fc.date({ noInvalidDate: true }), { maxLength: 3 }).map((dates) => new Set(dates)),
    fc.array(fc.tuple(fc.date({ noInvalidDate: true }), tie("value")), { maxLength: 3 }).map((entries) => new Map(entries)),
  ),
})).value;

describe("a state edited in the inspector keeps its types", () => {
  it("any state read back from its snapshot's JSON, with the state it replaces as the guide, is the same state", () => {
    fc.assert(
      fc.property(stateValue, (state) => {
        expect(fromJsonView(throughJson(state), state)).toEqual(state);
      }),
      { numRuns: 300 },
    );
  });

  it("marks become a Map, a Set and a bigint; an edit inside them is kept", () => {
    const before = { users: new Map([["ann", { since: new Date(0), visits: 1 }]]), tags: new Set(["a"]), total: 10n };
    const edited = throughJson(before) as { users: { $map: [string, { visits: number }][] }; tags: { $set: string[] }; total: { $bigint: string } };
    edited.users.$map[0]![1].visits = 2;
    edited.users.$map.push(["bob", { visits: 0 }]);
    edited.tags.$set.push("b");
    edited.total.$bigint = "-12345678901234567890";
    expect(fromJsonView(edited, before)).toEqual({
      users: new Map<string, unknown>([
        ["ann", { since: new Date(0), visits: 2 }],
        ["bob", { visits: 0 }],
      ]),
      tags: new Set(["a", "b"]),
      total: -12345678901234567890n,
    });
  });

  it("a date string or numbers become a Date or a typed array only where the replaced state had one", () => {
    const iso = new Date(5).toISOString();
    expect(fromJsonView({ at: iso, bytes: [1, 2] }, { at: new Date(0), bytes: new Uint8Array(1) })).toEqual({ at: new Date(5), bytes: new Uint8Array([1, 2]) });
    expect(fromJsonView({ at: iso, bytes: [1, 2] }, { at: "text", bytes: [0] })).toEqual({ at: iso, bytes: [1, 2] });
    expect(fromJsonView({ at: iso, bytes: [1, 2] })).toEqual({ at: iso, bytes: [1, 2] });
    // What does not fit stays as it was typed, for the store to keep or refuse: no silent wrap to 44.
    expect(fromJsonView([300], new Uint8Array(1))).toEqual([300]);
    expect(fromJsonView("not a date", new Date(0))).toBe("not a date");
    expect(fromJsonView([1, 2], new BigInt64Array(1))).toEqual(new BigInt64Array([1n, 2n]));
  });

  it("an object is a mark only in the mark's shape; other objects stay objects, `__proto__` included", () => {
    expect(fromJsonView({ $map: [[1]] })).toEqual({ $map: [[1]] });
    expect(fromJsonView({ $bigint: "1.5" })).toEqual({ $bigint: "1.5" });
    expect(fromJsonView({ $set: [], other: 1 })).toEqual({ $set: [], other: 1 });
    const revived = fromJsonView(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(revived)).toBe(Object.prototype);
    expect(Object.keys(revived)).toEqual(["__proto__"]);
    expect(Object.keys(jsonView(revived) as object)).toEqual(["__proto__"]);
  });
});

describe("stateDigest", () => {
  it("is the same for the same state whatever the order of its keys, and tells states apart", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), stateValue), (state) => {
        const view = jsonView(state) as Record<string, unknown>;
        const reversed = Object.fromEntries(Object.entries(view).reverse());
        expect(stateDigest(reversed)).toBe(stateDigest(view));
        // As the page gets it and sends it back.
        expect(stateDigest(JSON.parse(JSON.stringify(view)))).toBe(stateDigest(view));
        expect(stateDigest({ ...view, "\u0000extra": 1 })).not.toBe(stateDigest(view));
      }),
    );
    expect(stateDigest({ count: 1 })).toMatch(/^[0-9a-f]{16}$/);
    expect(stateDigest({ count: 1 })).not.toBe(stateDigest({ count: 10 }));
    expect(stateDigest({ nested: { a: 1, b: 2 } })).toBe(stateDigest({ nested: { b: 2, a: 1 } }));
  });
});
