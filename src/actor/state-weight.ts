import { TYPED_ARRAYS } from "../protocol/cbor-format";
import { MAX_STATE_DEPTH } from "./state-entries";

/**
 * What one value of the state weighs when the runtime stores it itself, and whether it may.
 *
 * A small state is stored as one structured value: `storage.kv.put(key, state)`, which the
 * runtime serializes natively (structured clone), at a fraction of what encoding the state in
 * JavaScript would cost on every save. That is only done where the runtime and our CBOR
 * (protocol/cbor.ts) read a value back equal, so that it does not change when the state moves
 * between forms: primitives, plain objects, arrays, Map, Set, Date, and typed arrays that span
 * their whole buffer (a Float16Array too, where the platform has it, as workerd does: both keep
 * its type, CBOR with tag 84). Anything else gets `undefined`, and the state store keeps to CBOR for it:
 * class instances, RegExp, Error, boxed primitives, an ArrayBuffer or a DataView (CBOR reads
 * them back as a Uint8Array), a typed array viewing part of a larger buffer (the runtime would
 * store the whole buffer), and a string with a lone surrogate (CBOR's UTF-8 replaces it).
 *
 * Left as they are, because checking would cost every save a walk of every array: the runtime
 * keeps an array's holes and its non-index properties, which CBOR reads as `undefined` and
 * drops. The runtime also keeps the identity of an object shared between top-level fields, and
 * of a Date or typed array met twice, where CBOR reads equal copies.
 *
 * The weight is about what CBOR takes for the value, without encoding it: the state store uses it
 * to pick a form (state-store.ts), where being near is enough. It is never below a third of
 * CBOR's size (text outside ASCII takes up to three bytes a character; a Date or typed array
 * counts each time it is met, as CBOR writes it each time), so a state weighed small also
 * encodes small when a field sends it to CBOR.
 */
export function structuredWeight(value: unknown): number | undefined {
  switch (typeof value) {
    case "string":
      return isWellFormed(value) ? value.length + 1 : undefined;
    case "number":
      return 9;
    case "bigint":
      // Past 64 bits CBOR writes the magnitude's bytes.
      return value >= -LONG && value < LONG ? 9 : value.toString(16).length / 2 + 3;
    case "boolean":
    case "undefined":
      return 1;
    case "object":
      if (value === null) return 1;
      try {
        return objectWeight(value, new Set(), 1);
      } catch {
        // Nested past the call stack: CBOR's encoding says what is wrong.
        return undefined;
      }
    default:
      // Functions and symbols: CBOR refuses them with the error users should see.
      return undefined;
  }
}

const LONG = 2n ** 64n;

const TYPED_ARRAY_PROTOTYPES = new Set<object>(TYPED_ARRAYS.map(([, type]) => type.prototype));

/** ES2024's `isWellFormed`, which the runtime has (this project's types stop at ES2023). */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

/**
 * An object's weight. A container reached twice (shared, or a cycle) counts once, as both
 * encodings store it once; a Date or typed array counts every time, as CBOR writes it. None
 * for a container `depth` deep past MAX_STATE_DEPTH: CBOR's encoding refuses it, saying why.
 */
function objectWeight(value: object, seen: Set<object>, depth: number): number | undefined {
  const proto = Object.getPrototypeOf(value);
  if (proto === Date.prototype) return 9;
  if (TYPED_ARRAY_PROTOTYPES.has(proto)) {
    const view = value as ArrayBufferView;
    return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? view.byteLength + 2 : undefined;
  }
  if (seen.has(value)) return 1;
  if (depth > MAX_STATE_DEPTH) return undefined;
  seen.add(value);
  if (proto === Object.prototype || proto === null) {
    let weight = 1;
    for (const key in value) {
      if (!isWellFormed(key)) return undefined;
      const inner = innerWeight((value as Record<string, unknown>)[key], seen, depth);
      if (inner === undefined) return undefined;
      weight += key.length + 1 + inner;
    }
    return weight;
  }
  if (proto === Array.prototype) return entriesWeight(value as unknown[], seen, depth);
  if (proto === Map.prototype) {
    let weight = 1;
    for (const [key, entry] of value as Map<unknown, unknown>) {
      const keyWeight = innerWeight(key, seen, depth);
      const entryWeight = innerWeight(entry, seen, depth);
      if (keyWeight === undefined || entryWeight === undefined) return undefined;
      weight += keyWeight + entryWeight;
    }
    return weight;
  }
  if (proto === Set.prototype) return entriesWeight(value as Set<unknown>, seen, depth);
  return undefined;
}

function entriesWeight(entries: Iterable<unknown>, seen: Set<object>, depth: number): number | undefined {
  let weight = 1;
  for (const entry of entries) {
    const inner = innerWeight(entry, seen, depth);
    if (inner === undefined) return undefined;
    weight += inner;
  }
  return weight;
}

/** The weight of a value inside a container `depth` deep. */
function innerWeight(value: unknown, seen: Set<object>, depth: number): number | undefined {
  return typeof value === "object" && value !== null ? objectWeight(value, seen, depth + 1) : structuredWeight(value);
}
