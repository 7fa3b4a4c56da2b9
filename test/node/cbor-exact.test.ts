import { describe, expect, it } from "vitest";
import { CborError, decodeCbor, encodeCbor, encodeCborNamedBytes, UnencodableError } from "../../src/protocol/cbor";

// The exact bytes and edge cases of actorflare's CBOR, beyond what the round trips against
// cbor-x in cbor.test.ts pin down: stored state and wire frames keep these bytes, and a client
// sees the messages (`cannot decode cbor: …`).

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/ /g, ""), "hex"));
const refusal = (text: string): CborError => {
  try {
    decodeCbor(bytes(text));
  } catch (error) {
    expect(error, text).toBeInstanceOf(CborError);
    return error as CborError;
  }
  throw new Error(`${text} was decoded`);
};

const shared = { n: 1 };
const buffer = new Uint8Array([1, 2]).buffer;
const date = new Date(1000);
const cyclic: Record<string, unknown> = {};
cyclic.self = cyclic;
class Point {
  x = 1;
  y = 2;
}

describe("CBOR, byte for byte", () => {
  it.each<[string, unknown, string]>([
    ["0", 0, "00"],
    ["23", 23, "17"],
    ["24", 24, "1818"],
    ["255", 255, "18ff"],
    ["256", 256, "190100"],
    ["65535", 65535, "19ffff"],
    ["65536", 65536, "1a00010000"],
    ["2 ** 32 - 1", 2 ** 32 - 1, "1affffffff"],
    ["2 ** 32", 2 ** 32, "fb41f0000000000000"],
    ["-1", -1, "20"],
    ["-24", -24, "37"],
    ["-25", -25, "3818"],
    ["-(2 ** 32)", -(2 ** 32), "3affffffff"],
    ["-(2 ** 32) - 1", -(2 ** 32) - 1, "fbc1f0000000100000"],
    ["-0", -0, "fb8000000000000000"],
    ["1.5", 1.5, "fb3ff8000000000000"],
    ["NaN", NaN, "fb7ff8000000000000"],
    ["-Infinity", -Infinity, "fbfff0000000000000"],
    ['""', "", "60"],
    ['"a"', "a", "6161"],
    ['"é€😀"', "é€😀", "69c3a9e282acf09f9880"],
    ['"x".repeat(24)', "x".repeat(24), "7818787878787878787878787878787878787878787878787878"],
    ['"\\ufeff"', "\ufeff", "63efbbbf"],
    ["true", true, "f5"],
    ["false", false, "f4"],
    ["null", null, "f6"],
    ["undefined", undefined, "f7"],
    ["0n", 0n, "1b0000000000000000"],
    ["5n", 5n, "1b0000000000000005"],
    ["-1n", -1n, "3b0000000000000000"],
    ["2n ** 64n - 1n", 2n ** 64n - 1n, "1bffffffffffffffff"],
    ["2n ** 64n", 2n ** 64n, "c249010000000000000000"],
    ["-(2n ** 64n)", -(2n ** 64n), "3bffffffffffffffff"],
    ["-(2n ** 64n) - 1n", -(2n ** 64n) - 1n, "c349010000000000000000"],
    ["2n ** 72n + 5n", 2n ** 72n + 5n, "c24a01000000000000000005"],
    ["new Date(0)", new Date(0), "c100"],
    ["new Date(1500)", new Date(1500), "c1fb3ff8000000000000"],
    ["new Date(-1000)", new Date(-1000), "c1fbbff0000000000000"],
    ["new Date(2 ** 32 * 1000)", new Date(2 ** 32 * 1000), "c1fb41f0000000000000"],
    ["new Date(NaN)", new Date(NaN), "c1fb7ff8000000000000"],
    ["new Uint8Array([1, 2])", new Uint8Array([1, 2]), "d840420102"],
    ["new Uint8ClampedArray([3])", new Uint8ClampedArray([3]), "d8444103"],
    ["new Uint16Array([1])", new Uint16Array([1]), "d845420100"],
    ["new Uint32Array([1])", new Uint32Array([1]), "d8464401000000"],
    ["new BigUint64Array([1n])", new BigUint64Array([1n]), "d847480100000000000000"],
    ["new Int8Array([-1])", new Int8Array([-1]), "d84841ff"],
    ["new Int16Array([-2])", new Int16Array([-2]), "d84d42feff"],
    ["new Int32Array([-3])", new Int32Array([-3]), "d84e44fdffffff"],
    ["new BigInt64Array([-1n])", new BigInt64Array([-1n]), "d84f48ffffffffffffffff"],
    ["new Float32Array([0.5])", new Float32Array([0.5]), "d855440000003f"],
    ["new Float64Array([0.5])", new Float64Array([0.5]), "d85648000000000000e03f"],
    ["new Uint8Array([9, 8, 7, 6]).subarray(1, 3)", new Uint8Array([9, 8, 7, 6]).subarray(1, 3), "d840420807"],
    ["new DataView(new Uint8Array([4, 5, 6]).buffer, 1)", new DataView(new Uint8Array([4, 5, 6]).buffer, 1), "420506"],
    ["new Uint8Array([1, 2]).buffer", new Uint8Array([1, 2]).buffer, "420102"],
    ["[]", [], "80"],
    ["[1, [2, 3]]", [1, [2, 3]], "8201820203"],
    ["Array.from({ length: 24 }, () => 0)", Array.from({ length: 24 }, () => 0), "9818000000000000000000000000000000000000000000000000"],
    ["{}", {}, "a0"],
    ['{ b: 1, a: "x" }', { b: 1, a: "x" }, "a261620161616178"],
    ['new Set([1, "a"])', new Set([1, "a"]), "d9010282016161"],
    [
      'new Map<unknown, unknown>([[1, "a"], [{}, []]])',
      new Map<unknown, unknown>([
        [1, "a"],
        [{}, []],
      ]),
      "d90103a2016161a080",
    ],
    ["new Point()", new Point(), "a2617801617902"],
    ["[shared, shared]", [shared, shared], "82d81ca1616e01d81d00"],
    ["cyclic", cyclic, "d81ca16473656c66d81d00"],
    ["[buffer, buffer]", [buffer, buffer], "82d81c420102d81d00"],
    ["[date, date]", [date, date], "82c101c101"],
  ])("encodes %s as its shortest form, as cbor-x writes it", (_, value, expected) => {
    expect(hex(encodeCbor(value))).toBe(expected);
  });

  it("reads what other encoders may write", () => {
    expect(decodeCbor(bytes("1b 0000000000000005"))).toBe(5n);
    expect(decodeCbor(bytes("3b 0000000000000005"))).toBe(-6n);
    expect(decodeCbor(bytes("c0 74 323032302d30312d30315430303a30303a30305a"))).toEqual(new Date("2020-01-01T00:00:00Z"));
    expect(decodeCbor(bytes("c1 f9 3e00"))).toEqual(new Date(1500));
    expect(decodeCbor(bytes("fa 3fc00000"))).toBe(1.5);
    expect(decodeCbor(bytes("f9 0001"))).toBe(2 ** -24);
    expect(decodeCbor(bytes("f9 7e00"))).toBeNaN();
    expect(decodeCbor(bytes("f9 8000"))).toBe(-0);
    expect(decodeCbor(bytes("5f 420102 4103 ff"))).toEqual(new Uint8Array([1, 2, 3]));
    expect(decodeCbor(bytes("5f ff"))).toEqual(new Uint8Array());
    expect(decodeCbor(bytes("7f 6161 63626364 ff"))).toBe("abcd");
    expect(decodeCbor(bytes("9f ff"))).toEqual([]);
    expect(decodeCbor(bytes("bf 6161 01 ff"))).toEqual({ a: 1 });
    expect(decodeCbor(bytes("a1 01 6161"))).toEqual({ 1: "a" });
    expect(decodeCbor(bytes("d90102 9f 01 ff"))).toEqual(new Set([1]));
    expect(decodeCbor(bytes("d90103 bf 01 02 ff"))).toEqual(new Map([[1, 2]]));
    expect(decodeCbor(bytes("d90103 a1 80 01"))).toEqual(new Map([[[], 1]]));
    expect(decodeCbor(bytes("d840 40"))).toEqual(new Uint8Array());
    expect(decodeCbor(bytes("63 efbbbf"))).toBe("\ufeff");
    // A typed array at an odd offset of the input still lines up.
    expect(decodeCbor(bytes("82 00 d845 420100"))).toEqual([0, new Uint16Array([1])]);
  });

  it("a value tagged shareable that is not a container is shared too", () => {
    expect(decodeCbor(bytes("82 d81c 6161 d81d 00"))).toEqual(["a", "a"]);
    const [first, second] = decodeCbor(bytes("82 d81c 420102 d81d 00")) as Uint8Array[];
    expect(first).toEqual(new Uint8Array([1, 2]));
    expect(second).toBe(first);
    const set = decodeCbor(bytes("d81c d90102 81 d81d 00")) as Set<unknown>;
    expect([...set]).toEqual([set]);
    // A later container does not take the index of an earlier shareable string.
    const [text, list, again] = decodeCbor(bytes("83 d81c 6161 81 d81d 00 d81d 00")) as unknown[];
    expect(text).toBe("a");
    expect(list).toEqual(["a"]);
    expect(again).toBe("a");
  });

  it("byte strings come back as plain Uint8Arrays of their own, whatever the input", () => {
    const input = Buffer.from("d840 42 0102".replace(/ /g, ""), "hex");
    const decoded = decodeCbor(input) as Uint8Array;
    expect(Object.getPrototypeOf(decoded)).toBe(Uint8Array.prototype);
    input[input.length - 1] = 9;
    expect(decoded).toEqual(new Uint8Array([1, 2]));
    expect(decodeCbor(bytes("42 0102"))).toEqual(new Uint8Array([1, 2]));
  });

  it.each([
    ["1f", "an integer of indefinite length"],
    ["3f", "an integer of indefinite length"],
    ["1c", "reserved additional information 28"],
    ["5c", "reserved additional information 28"],
    ["dc", "reserved additional information 28"],
    ["5b 0000000000000001 00", "a length past 2^53"],
    ["5f 6161 ff", "a chunk of an indefinite string of another type"],
    ["5f 5f ff ff", "a chunk of an indefinite string of another type"],
    ["c2 01", "a bignum that is not a byte string"],
    ["d845 41 01", "tag 69 needs a byte string of whole elements"],
    ["d845 01", "tag 69 needs a byte string of whole elements"],
    ["c1 f5", "a date that is neither a string nor a number"],
    ["c1 1b 0000000000000001", "a date that is neither a string nor a number"],
    ["d90102 a0", "a set that is not an array"],
    ["d90103 80", "a Map that is not a map"],
    ["db 0000000000000001 00", "tag 1 is not used here"],
    ["d863 01", "tag 99 is not used here"],
    ["f8 18", "the simple value 24 is not used here"],
    ["fc", "the simple value 28 is not used here"],
    ["e0", "the simple value 0 is not used here"],
    ["ff", "a break outside an indefinite length"],
    ["81 ff", "a break outside an indefinite length"],
    ["bf 6161 ff", "a break outside an indefinite length"],
    ["d81d 6161", "a reference to an object not seen yet"],
    ["d81d 1b 0000000000000000", "a reference to an object not seen yet"],
    ["82 d81c 80 d81d 20", "a reference to an object not seen yet"],
    ["82 d81c 80 d81d f9 3800", "a reference to an object not seen yet"],
    ["9f 01", "the data ends in the middle of a value"],
    ["19 01", "the data ends in the middle of a value"],
    ["d81c d8", "the data ends in the middle of a value"],
    ["62 c328", "a text string that is not UTF-8"],
    ["a1 f5 01", "a map key that is not a string or number; maps with other keys need tag 259"],
    ["01 02", "data after the end of the value"],
  ])("refuses %s: %s", (input, message) => {
    expect(refusal(input).message).toBe(message);
  });

  it("refuses other malformed input with CborError", () => {
    for (const input of ["df", "62 61", "d81c a1 80 01", "d81c d90103 80"]) refusal(input);
  });

  it("refuses to encode what CBOR cannot carry, wherever it is", () => {
    expect(() => encodeCbor(new Map([[() => 1, 1]]))).toThrow(new UnencodableError("a function"));
    expect(() => encodeCbor(new Set([Symbol("s")]))).toThrow(new UnencodableError("a symbol"));
    // Objects that hold no data: written as `{}` they would hide a missing `await`.
    expect(() => encodeCbor({ pending: Promise.resolve(1) })).toThrow(new UnencodableError("a Promise (await it first)"));
    expect(() => encodeCbor([new WeakMap()])).toThrow(new UnencodableError("a WeakMap"));
    expect(() => encodeCbor(new WeakRef({}))).toThrow(CborError);
    // Platform objects whose data is not in their fields: `{}` would lose it; the refusal says what to keep.
    expect(() => encodeCbor({ file: new File(["x"], "x.txt") })).toThrow(/^a File, whose data is not in its fields \(keep its bytes: /);
    expect(() => encodeCbor([new Blob(["x"])])).toThrow(/^a Blob, whose data/);
    expect(() => encodeCbor(new URL("https://a.example/"))).toThrow(/^a URL, whose data is not in its fields \(keep url\.href\)/);
    expect(() => encodeCbor(new SharedArrayBuffer(4))).toThrow(/^a SharedArrayBuffer, whose data/);
    expect(() => encodeCbor(new Intl.DateTimeFormat("en"))).toThrow(/^an Intl\.DateTimeFormat, whose data/);
    expect(() => encodeCbor(new Map([[1, 2]]).keys())).toThrow(/^an iterator/);
    expect(() => encodeCbor((function* () {})())).toThrow(/^an iterator/);
    expect(() => encodeCbor(Object(Symbol("s")))).toThrow(/^a boxed symbol/);
    expect(() => encodeCbor(new FinalizationRegistry(() => {}))).toThrow(/^a FinalizationRegistry/);
    expect(() => encodeCbor(new EventTarget())).toThrow(/^an EventTarget/);
    expect(() => encodeCbor(new AbortController().signal)).toThrow(/^an AbortSignal/);
    // A class instance of the actor's own keeps its fields.
    expect(
      decodeCbor(
        encodeCbor(
          new (class Point {
            x = 1;
          })(),
        ),
      ),
    ).toEqual({ x: 1 });
  });

  it("writes named byte strings as an array of [text, bytes] pairs, which decode as Uint8Arrays", () => {
    const entries = new Map([
      ["a", new Uint8Array([1])],
      ["é", new Uint8Array(0)],
    ]);
    expect(hex(encodeCborNamedBytes(entries))).toBe("82 82 61 61 41 01 82 62 c3a9 40".replace(/ /g, ""));
    expect(decodeCbor(encodeCborNamedBytes(entries))).toEqual([...entries]);
    expect(hex(encodeCborNamedBytes(new Map()))).toBe("80");
  });
});
