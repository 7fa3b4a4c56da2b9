import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { structuredWeight } from "../../src/actor/state-weight";
import { MAX_STATE_DEPTH } from "../../src/actor/state-entries";
import { decodeCbor, encodeCbor } from "../../src/protocol/cbor";
import { stateValue as value } from "./state-values";

// structuredWeight decides when the state store may let the runtime serialize the state itself
// (structured clone, the same V8 serializer as Node's structuredClone) instead of encoding it as
// CBOR. Its promise: where it gives a weight, both read back the same value, and the weight is
// near what CBOR takes.

describe("structuredWeight", () => {
  it("gives a weight to plain data, and then the runtime and CBOR read it back alike", () => {
    fc.assert(
      fc.property(value, (input) => {
        expect(structuredWeight(input)).toBeGreaterThan(0);
        expect(structuredClone(input)).toStrictEqual(decodeCbor(encodeCbor(input)));
      }),
      { numRuns: 500 },
    );
  });

  it("gives text of any UTF-16 units a weight only when CBOR reads it back the same", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 8 }), (text) => {
        const weight = structuredWeight(text);
        expect(weight !== undefined).toBe(decodeCbor(encodeCbor(text)) === text);
      }),
      { numRuns: 1_000 },
    );
  });

  it("weighs about what CBOR takes: within a factor of three, give or take a few bytes", () => {
    fc.assert(
      fc.property(value, (input) => {
        const weight = structuredWeight(input)!;
        const bytes = encodeCbor(input).byteLength;
        expect(weight).toBeLessThanOrEqual(3 * bytes + 16);
        expect(bytes).toBeLessThanOrEqual(3 * weight + 16);
      }),
      { numRuns: 500 },
    );
  });

  it("counts a container reached twice once, as both store it, and a typed array or Date every time, as CBOR writes it", () => {
    const shared = { text: "x".repeat(1000) };
    expect(structuredWeight({ a: shared, b: shared })).toBeLessThan(1100);
    const bytes = new Uint8Array(1000);
    const repeated = Array.from({ length: 50 }, () => bytes);
    expect(structuredWeight(repeated)).toBeGreaterThanOrEqual(encodeCbor(repeated).byteLength / 3);
    const cycle: Record<string, unknown> = { n: 1 };
    cycle.self = cycle;
    expect(structuredWeight(cycle)).toBeGreaterThan(0);
    expect(structuredClone(cycle)).toEqual(decodeCbor(encodeCbor(cycle)));
  });

  it("weighs a bigint past 64 bits by its length, as CBOR stores it", () => {
    for (const big of [2n ** 64n, -(3n ** 5_000n), 2n ** 100_000n]) {
      const weight = structuredWeight(big)!;
      expect(weight).toBeGreaterThanOrEqual(encodeCbor(big).byteLength / 3);
      expect(weight).toBeLessThanOrEqual(3 * encodeCbor(big).byteLength);
    }
  });

  it("gives none where the two would differ, or where CBOR must say what cannot be stored", () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const buffer = new ArrayBuffer(16);
    const nested = (inner: unknown) => ({ list: [1, { inner }] });
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let i = 0; i < 100_000; i++) cursor = cursor.next = {};
    for (const odd of [
      new Point(1),
      /re/g,
      new Error("no"),
      new String("boxed"),
      buffer,
      new DataView(buffer),
      new Uint8Array(buffer, 4, 4),
      () => 1,
      Symbol("s"),
      new (class extends Map {})(),
      deep,
      // A lone surrogate: CBOR's UTF-8 reads it back as U+FFFD, in a value or in a key.
      "\ud800",
      { "\udc00": 1 },
    ]) {
      expect(structuredWeight(odd)).toBeUndefined();
      expect(structuredWeight(nested(odd))).toBeUndefined();
      expect(structuredWeight(new Map([["k", odd]]))).toBeUndefined();
    }
  });

  it("gives none past MAX_STATE_DEPTH containers, where CBOR refuses the value naming the depth", () => {
    const nested = (containers: number) => {
      let value: unknown = 1;
      for (let i = 0; i < containers; i++) value = i % 3 === 0 ? [value] : i % 3 === 1 ? new Map([["k", value]]) : { inner: value };
      return value;
    };
    expect(MAX_STATE_DEPTH).toBe(1_000);
    expect(structuredWeight(nested(1_000))).toBeGreaterThan(0);
    expect(() => encodeCbor(nested(1_000), MAX_STATE_DEPTH)).not.toThrow();
    expect(structuredWeight(nested(1_001))).toBeUndefined();
    expect(() => encodeCbor(nested(1_001), MAX_STATE_DEPTH)).toThrow("data nested more than 1000 levels deep cannot be encoded");
    // The wire's encoding has no such limit.
    expect(() => encodeCbor(nested(1_001))).not.toThrow();
  });
});
