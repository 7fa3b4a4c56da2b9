import fc from "fast-check";

// Values actor state holds, for the property tests of CBOR (cbor.test.ts) and of the state's
// weights (state-weight.test.ts).

/** Object keys; cbor-x renames a key `__proto__` when it decodes (ours keeps it: see cbor.test.ts). */
export const key = fc.string().filter((k) => k !== "__proto__");

/** JSON-like values plus what the wire and stored state carry beyond JSON. */
export const leaf = () =>
  fc.oneof(
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.bigInt({ min: -(2n ** 100n), max: 2n ** 100n }),
    // Dates are epoch seconds as float64 (as cbor-x writes them): milliseconds survive for about ±95,000 years.
    fc.date({ noInvalidDate: true, min: new Date(-3e15), max: new Date(3e15) }),
    fc.uint8Array({ maxLength: 20 }).map((bytes) => new Uint8Array(bytes)),
    fc.float64Array({ maxLength: 5, noNaN: true }),
    fc.int32Array({ maxLength: 5 }),
  );

/** Values as state holds them: nested, with Maps (keyed by any leaf) and Sets too. */
export const stateValue = fc.letrec((tie) => ({
  leaf: leaf(),
  node: fc.oneof(
    { depthSize: "small" },
    tie("leaf"),
    fc.array(tie("node"), { maxLength: 5 }),
    fc.dictionary(key, tie("node"), { maxKeys: 5 }),
    fc.array(tie("leaf"), { maxLength: 4 }).map((items) => new Set(items)),
    fc.array(fc.tuple(tie("leaf"), tie("node")), { maxLength: 4 }).map((entries) => new Map(entries)),
  ),
})).node;
