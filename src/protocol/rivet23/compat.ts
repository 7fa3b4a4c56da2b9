/**
 * RivetKit 2.3's tagging of values JSON (and its CBOR payloads) cannot carry as they are
 * (docs/protocol.md §12.3): a two-element array whose first element is a `$` name stands for
 * another value. `["$BigInt", "12"]` is 12n, `["$Uint8Array", base64]` bytes,
 * `["$ArrayBuffer", base64]`, `["$Set", [...]]`, `["$Undefined", 0]`; an ordinary array that
 * looks like a tag gets one more `$` in front of its name.
 */

import { fromBase64, toBase64 } from "../base64";
import { Float16 } from "../cbor-format";
import { valueNotSerializable } from "../json-text";
import { isPlainObject } from "../plain-object";

/** A tagged value with an unknown name: the client refuses it too. */
export class CompatError extends Error {
  override name = "CompatError";
}

const TAG_BIGINT = "$BigInt";
const TAG_ARRAY_BUFFER = "$ArrayBuffer";
const TAG_UINT8_ARRAY = "$Uint8Array";
const TAG_UNDEFINED = "$Undefined";
const TAG_SET = "$Set";

function taggedBytes(text: unknown): Uint8Array<ArrayBuffer> {
  if (typeof text !== "string") throw new CompatError("tagged bytes must be a base64 string");
  try {
    return fromBase64(text);
  } catch {
    throw new CompatError("tagged bytes are not base64");
  }
}

/**
 * A value as RivetKit's client expects to revive it, for JSON (`json`) or for CBOR. A cycle is
 * `value_not_serializable`: the client revives a value by walking it, which a cycle never ends.
 * In JSON a BigInt64Array or BigUint64Array is an object of its elements, each bigint tagged:
 * what JSON.stringify makes of any typed array, and what RivetKit's own server writes. In CBOR a
 * Float16Array, which cbor-x (the client's CBOR) does not know, is a Float32Array of the same numbers.
 */
export function toCompat(value: unknown, json = false): unknown {
  return compatWithin(value, json, new Set());
}

/** toCompat of a value inside `ancestors`, the containers it was reached through. */
function compatWithin(value: unknown, json: boolean, ancestors: Set<object>): unknown {
  if (value === undefined) return [TAG_UNDEFINED, 0];
  if (typeof value === "bigint") return [TAG_BIGINT, value.toString()];
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof ArrayBuffer) return [TAG_ARRAY_BUFFER, toBase64(new Uint8Array(value))];
  if (value instanceof Uint8Array) return [TAG_UINT8_ARRAY, toBase64(value)];
  if (json && (value instanceof BigInt64Array || value instanceof BigUint64Array))
    return Object.fromEntries(Array.from(value, (n, i) => [i, [TAG_BIGINT, n.toString()]]));
  if (!json && Float16 && value instanceof Float16) return new Float32Array(value as unknown as ArrayLike<number>);
  if (!(value instanceof Set || value instanceof Map || Array.isArray(value) || isPlainObject(value))) return value;
  if (ancestors.has(value)) throw valueNotSerializable("cycle", "rivet23");
  ancestors.add(value);
  const compat = containerCompat(value, (item) => compatWithin(item, json, ancestors));
  ancestors.delete(value);
  return compat;
}

/** A Set, Map, array or plain object, with `inner` applied to every value in it. */
function containerCompat(value: object, inner: (item: unknown) => unknown): unknown {
  if (value instanceof Set) return [TAG_SET, [...value].map(inner)];
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [inner(k), inner(v)]));
  if (Array.isArray(value)) {
    const items = value.map(inner);
    const [first] = items;
    return items.length === 2 && typeof first === "string" && first.startsWith("$") ? [`$${first}`, items[1]] : items;
  }
  // fromEntries makes own properties: a key `__proto__` stays a key.
  return Object.fromEntries(Object.keys(value).map((key) => [key, inner((value as Record<string, unknown>)[key])]));
}

/** A value as RivetKit's client tagged it; an unknown tag throws `CompatError`. */
export function fromCompat(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [fromCompat(k), fromCompat(v)]));
  if (Array.isArray(value)) {
    const [tag, payload] = value;
    if (value.length !== 2 || typeof tag !== "string" || !tag.startsWith("$")) return value.map(fromCompat);
    switch (tag) {
      case TAG_BIGINT:
        if (typeof payload !== "string" || !/^-?\d+$/.test(payload)) throw new CompatError("a tagged bigint must be a decimal string");
        return BigInt(payload);
      case TAG_ARRAY_BUFFER:
        return taggedBytes(payload).buffer;
      case TAG_UINT8_ARRAY:
        return taggedBytes(payload);
      case TAG_UNDEFINED:
        return undefined;
      case TAG_SET:
        if (!Array.isArray(payload)) throw new CompatError("a tagged set must hold an array");
        return new Set(payload.map(fromCompat));
      default:
        if (tag.startsWith("$$")) return [tag.slice(1), fromCompat(payload)];
        throw new CompatError(`unknown tag '${tag.slice(0, 40)}'`);
    }
  }
  // fromEntries makes own properties: a key `__proto__` stays a key.
  return isPlainObject(value) ? Object.fromEntries(Object.keys(value).map((key) => [key, fromCompat(value[key])])) : value;
}
