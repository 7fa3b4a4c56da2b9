import { Encoder, decode as cborxDecode, encode as cborxEncode } from "cbor-x";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CborError, decodeCbor, decodeCborFromClient, encodeCbor } from "../../src/protocol/cbor";
import { decodeToServer } from "../../src/protocol/messages";
import { key, leaf, stateValue as value } from "./state-values";

// actorflare's CBOR against cbor-x (what RivetKit's client encodes with, and what actorflare
// stored state with before): each decodes what the other encodes, to the same value.

const structuredClone = new Encoder({ structuredClone: true, useRecords: false });

/** Values as they travel on the wire: no Map or Set (RivetKit's client sends JSON-shaped values). */
const wireValue = fc.letrec((tie) => ({
  leaf: leaf(),
  node: fc.oneof({ depthSize: "small" }, tie("leaf"), fc.array(tie("node"), { maxLength: 5 }), fc.dictionary(key, tie("node"), { maxKeys: 5 })),
})).node;

describe("CBOR", () => {
  it("what it encodes, cbor-x decodes to the same value", () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(structuredClone.decode(encodeCbor(v))).toEqual(v);
      }),
      { numRuns: 2_000 },
    );
  });

  it("decodes what cbor-x encodes: by default (RivetKit's client) and in structured-clone mode (stored state)", () => {
    fc.assert(
      fc.property(wireValue, (v) => {
        // cbor-x itself writes -0 as 0; whatever it writes, ours reads the same.
        expect(decodeCbor(cborxEncode(v))).toEqual(cborxDecode(cborxEncode(v)));
      }),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(value, (v) => {
        expect(decodeCbor(structuredClone.encode(v))).toEqual(structuredClone.decode(structuredClone.encode(v)));
      }),
      { numRuns: 2_000 },
    );
  });

  it("shared and cyclic objects keep their identity both ways", () => {
    const shared = { n: 1 };
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const list: unknown[] = [];
    list.push(list);
    const map = new Map<string, unknown>();
    map.set("me", map);
    for (const encoded of [encodeCbor({ a: shared, b: shared, cyclic, list, map }), structuredClone.encode({ a: shared, b: shared, cyclic, list, map })]) {
      const back = decodeCbor(encoded) as { a: object; b: object; cyclic: Record<string, unknown>; list: unknown[]; map: Map<string, unknown> };
      expect(back.a).toBe(back.b);
      expect(back.cyclic.self).toBe(back.cyclic);
      expect(back.list[0]).toBe(back.list);
      expect(back.map.get("me")).toBe(back.map);
    }
    const ours = structuredClone.decode(encodeCbor({ cyclic })) as { cyclic: Record<string, unknown> };
    expect(ours.cyclic.self).toBe(ours.cyclic);
  });

  it("reads every header length, indefinite lengths and half floats; writes the shortest", () => {
    expect(decodeCbor(Uint8Array.from([0xb9, 0x00, 0x01, 0x61, 0x61, 0x01]))).toEqual({ a: 1 });
    expect(decodeCbor(Uint8Array.from([0xbf, 0x61, 0x61, 0x9f, 0x01, 0x02, 0xff, 0xff]))).toEqual({ a: [1, 2] });
    expect(decodeCbor(Uint8Array.from([0x7f, 0x61, 0x61, 0x61, 0x62, 0xff]))).toBe("ab");
    expect(decodeCbor(Uint8Array.from([0xf9, 0x3c, 0x00]))).toBe(1);
    expect(decodeCbor(Uint8Array.from([0xf9, 0xfc, 0x00]))).toBe(-Infinity);
    expect([...encodeCbor({ a: 1 })]).toEqual([0xa1, 0x61, 0x61, 0x01]);
  });

  it("reads tag 84 (RFC 8746's little-endian Float16Array) as one, or as a Float32Array of the same numbers where the platform has none", () => {
    // 1.5, 2, -0.25, 65504 (the largest half float), a subnormal, Infinity.
    const bytes = [0xd8, 0x54, 0x4c, 0x00, 0x3e, 0x00, 0x40, 0x00, 0xb4, 0xff, 0x7b, 0x01, 0x00, 0x00, 0x7c];
    const decoded = decodeCbor(Uint8Array.from(bytes));
    const type = (globalThis as { Float16Array?: Float32ArrayConstructor }).Float16Array ?? Float32Array;
    expect(decoded).toBeInstanceOf(type);
    expect(Array.from(decoded as ArrayLike<number>)).toEqual([1.5, 2, -0.25, 65504, 2 ** -24, Infinity]);
    // An odd number of bytes is no array of half floats.
    expect(() => decodeCbor(Uint8Array.from([0xd8, 0x54, 0x43, 0x00, 0x3e, 0x00]))).toThrow(CborError);
  });

  it("refuses what is not well formed, with CborError", () => {
    const bad = [
      [0x82, 0x01], // an array cut short
      [0x01, 0x02], // data after the value
      [0x1c], // reserved additional information
      [0xff], // a break outside an indefinite length
      [0xd8, 0x63, 0x01], // an unknown tag
      [0x62, 0xc3, 0x28], // text that is not UTF-8
      [0xd8, 0x1d, 0x05], // a reference to nothing
      [0xa1, 0x80, 0x01], // a map key that is an array
    ];
    for (const bytes of bad) expect(() => decodeCbor(Uint8Array.from(bytes)), bytes.join(",")).toThrow(CborError);
    expect(() => encodeCbor({ f: () => 1 })).toThrow(CborError);
    expect(() => encodeCbor(Symbol("s"))).toThrow(CborError);
  });

  it("what a client sends may not unfold, through references to shared values, past 8 times its length plus 65,536 (a value 1, a string its bytes)", () => {
    // 30 levels of 2 bytes each stand for over a billion values.
    const bomb = doublingArrays(30);
    expect(bomb.byteLength).toBeLessThan(200);
    // Stored state, which the actor wrote, is read as it is: the references stay references.
    const stored = decodeCbor(bomb) as unknown[];
    expect(stored[0]).toBe(stored[1]);
    expect(() => decodeCborFromClient(bomb)).toThrow(/references \(tag 29\) repeat shared values \(tag 28\) past a size of \d+/);
    const frame = Uint8Array.from([0xa1, 0x61, 0x62, 0xa1, 0x62, 0x61, 0x72, 0xa3, 0x61, 0x69, 0x00, 0x61, 0x6e, 0x61, 0x66, 0x61, 0x61, 0x81, ...bomb]);
    expect(() => decodeToServer("cbor", frame)).toThrow(expect.objectContaining({ code: "malformed_message", message: expect.stringContaining("tag 29") }));
    // Ordinary sharing passes: the same object of 30,000 values twice, and a cycle.
    const shared = Array.from({ length: 30_000 }, (_, i) => i);
    const twice = decodeCborFromClient(encodeCbor([shared, shared])) as number[][];
    expect(twice[1]).toBe(twice[0]);
    const cycle: unknown[] = [];
    cycle.push(cycle);
    const back = decodeCborFromClient(encodeCbor(cycle)) as unknown[];
    expect(back[0]).toBe(back);
    // A few levels of doubling are within the bound, so the refusal is about size, not the tags.
    expect(() => decodeCborFromClient(doublingArrays(10))).not.toThrow();
    // 32,000 characters shared, then referenced 1,000 times: alone, and inside an array.
    const text = [0x79, 0x7d, 0x00, ...new Array<number>(32_000).fill(0x78)];
    const references = Array.from({ length: 1_000 }, () => [0xd8, 29, 0x00]).flat();
    for (const shared of [
      [0xd8, 28, ...text],
      [0xd8, 28, 0x81, ...text],
    ]) {
      const message = Uint8Array.from([0x99, 0x03, 0xe9, ...shared, ...references]);
      expect(message.byteLength).toBeLessThan(40_000);
      expect(() => decodeCborFromClient(message)).toThrow(/past a size of/);
      expect(decodeCbor(message) as unknown[]).toHaveLength(1_001);
    }
    // The same bytes twice, as actorflare's client shares an ArrayBuffer passed twice.
    const buffer = new Uint8Array(1_000).fill(7).buffer;
    const pair = decodeCborFromClient(encodeCbor([buffer, buffer])) as unknown[];
    expect(pair).toHaveLength(2);
  });

  it("a key `__proto__` stays an own property", () => {
    const decoded = decodeCbor(cborxEncode(JSON.parse('{"__proto__":{"polluted":true}}'))) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("a bigint past 64 bits is a bignum of its magnitude's bytes, as cbor-x writes it, however long", () => {
    for (const big of [2n ** 64n, -(2n ** 64n) - 1n, 3n ** 1_000n, -(5n ** 3_000n)]) {
      expect(encodeCbor(big)).toEqual(new Uint8Array(cborxEncode(big)));
      expect(decodeCbor(encodeCbor(big))).toBe(big);
    }
    // A million bytes (cbor-x itself takes too long to compare with): time linear in its length.
    const huge = -(7n ** 2_850_000n);
    const encoded = encodeCbor(huge);
    expect(encoded.byteLength).toBeGreaterThan(1_000_000);
    expect(decodeCbor(encoded)).toBe(huge);
  });
});

/** CBOR of `levels` nested arrays, each holding its child twice: shared (tag 28), then by reference (tag 29). */
function doublingArrays(levels: number): Uint8Array {
  const bytes: number[] = [];
  const level = (depth: number, index: number) => {
    bytes.push(0xd8, 28);
    if (depth === 0) return bytes.push(0x80);
    bytes.push(0x82);
    level(depth - 1, index + 1);
    bytes.push(0xd8, 29, ...(index + 1 < 24 ? [index + 1] : [0x18, index + 1]));
  };
  level(levels, 0);
  return Uint8Array.from(bytes);
}
