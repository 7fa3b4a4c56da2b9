/**
 * RivetKit 2.3's tagging of values JSON (and its CBOR payloads) cannot carry as they are
 * (docs/protocol.md §12.3): a two-element array whose first element is a `$` name stands for
 * another value. `["$BigInt", "12"]` is 12n, `["$Uint8Array", base64]` bytes,
 * `["$ArrayBuffer", base64]`, `["$Set", [...]]`, `["$Undefined", 0]`; an ordinary array that
 * looks like a tag gets one more `$` in front of its name.
 */

import { fromBase64, toBase64 } from "../base64";
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

/** A value as RivetKit's client expects to revive it. */
export function toCompat(value: unknown): unknown {
  if (value === undefined) return [TAG_UNDEFINED, 0];
  if (typeof value === "bigint") return [TAG_BIGINT, value.toString()];
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof ArrayBuffer) return [TAG_ARRAY_BUFFER, toBase64(new Uint8Array(value))];
  if (value instanceof Uint8Array) return [TAG_UINT8_ARRAY, toBase64(value)];
  if (value instanceof Set) return [TAG_SET, [...value].map(toCompat)];
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [toCompat(k), toCompat(v)]));
  if (Array.isArray(value)) {
    const items = value.map(toCompat);
    const [first] = items;
    return items.length === 2 && typeof first === "string" && first.startsWith("$") ? [`$${first}`, items[1]] : items;
  }
  // fromEntries makes own properties: a key `__proto__` stays a key.
  return isPlainObject(value) ? Object.fromEntries(Object.keys(value).map((key) => [key, toCompat(value[key])])) : value;
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
