import { TYPED_ARRAYS } from "../protocol/cbor-format";

/**
 * What one value of the state weighs when the runtime stores it itself, and whether it may.
 *
 * A small state is stored as one structured value: `storage.kv.put(key, state)`, which the
 * runtime serializes natively (structured clone), at a fraction of what encoding the state in
 * JavaScript would cost on every save. That is only done where the runtime and our CBOR
 * (protocol/cbor.ts) store a value alike, so that it reads back the same in every form of the
 * state: primitives, plain objects, arrays, Map, Set, Date, and typed arrays that span their
 * whole buffer. (One difference is left: an array's holes come back as holes from the
 * runtime and as `undefined` from CBOR.) Anything else gets `undefined`, and the state store
 * keeps to CBOR for it: class instances, RegExp, Error, boxed primitives, an ArrayBuffer or a
 * DataView (CBOR reads them back as a Uint8Array), and a typed array viewing part of a larger
 * buffer, whose whole buffer the runtime would store.
 *
 * The weight is about what CBOR takes for the value, without encoding it: the state store uses it
 * to pick a form (state-store.ts), where being near is enough.
 */
export function structuredWeight(value: unknown): number | undefined {
  switch (typeof value) {
    case "string":
      return value.length + 1;
    case "number":
    case "bigint":
      return 9;
    case "boolean":
    case "undefined":
      return 1;
    case "object":
      if (value === null) return 1;
      try {
        return objectWeight(value, new Set());
      } catch {
        // Nested past the call stack: CBOR's encoding says what is wrong.
        return undefined;
      }
    default:
      // Functions and symbols: CBOR refuses them with the error users should see.
      return undefined;
  }
}

const TYPED_ARRAY_PROTOTYPES = new Set<object>(TYPED_ARRAYS.map(([, type]) => type.prototype));

/** An object's weight; each object reached twice (shared, or a cycle) counts once, as both encodings store it. */
function objectWeight(value: object, seen: Set<object>): number | undefined {
  if (seen.has(value)) return 1;
  seen.add(value);
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    let weight = 1;
    for (const key in value) {
      const inner = innerWeight((value as Record<string, unknown>)[key], seen);
      if (inner === undefined) return undefined;
      weight += key.length + 1 + inner;
    }
    return weight;
  }
  if (proto === Array.prototype) return entriesWeight(value as unknown[], seen);
  if (proto === Map.prototype) {
    let weight = 1;
    for (const [key, entry] of value as Map<unknown, unknown>) {
      const keyWeight = innerWeight(key, seen);
      const entryWeight = innerWeight(entry, seen);
      if (keyWeight === undefined || entryWeight === undefined) return undefined;
      weight += keyWeight + entryWeight;
    }
    return weight;
  }
  if (proto === Set.prototype) return entriesWeight(value as Set<unknown>, seen);
  if (proto === Date.prototype) return 9;
  if (TYPED_ARRAY_PROTOTYPES.has(proto)) {
    const view = value as ArrayBufferView;
    return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? view.byteLength + 2 : undefined;
  }
  return undefined;
}

function entriesWeight(entries: Iterable<unknown>, seen: Set<object>): number | undefined {
  let weight = 1;
  for (const entry of entries) {
    const inner = innerWeight(entry, seen);
    if (inner === undefined) return undefined;
    weight += inner;
  }
  return weight;
}

function innerWeight(value: unknown, seen: Set<object>): number | undefined {
  return typeof value === "object" && value !== null ? objectWeight(value, seen) : structuredWeight(value);
}
