// What the CBOR encoder and decoder share: major types, the tags used, typed arrays' tags (cbor.ts says why).

/** Major types: the high 3 bits of an item's first byte. */
export enum Major {
  Unsigned,
  Negative,
  Bytes,
  Text,
  Array,
  Map,
  Tag,
  Simple,
}

/** The tags used here besides the typed arrays' (TYPED_ARRAYS). */
export enum Tag {
  DateText = 0,
  DateEpoch = 1,
  BignumPositive = 2,
  BignumNegative = 3,
  Shareable = 28,
  SharedRef = 29,
  Set = 258,
  Map = 259,
}

export type TypedArrayConstructor = { new (buffer: ArrayBuffer): ArrayBufferView; BYTES_PER_ELEMENT: number };

/** RFC 8746's tag of a little-endian Float16Array. */
export const FLOAT16_TAG = 84;

/** Float16Array (ES2025), where the platform has it: workerd and current browsers do, Node 20 does not. */
export const Float16 = (globalThis as { Float16Array?: TypedArrayConstructor }).Float16Array;

/**
 * RFC 8746 tags of the typed arrays, little-endian, as cbor-x writes them; cbor-x has no
 * Float16Array, which takes RFC 8746's tag too.
 */
export const TYPED_ARRAYS: [tag: number, type: TypedArrayConstructor][] = [
  [64, Uint8Array],
  [68, Uint8ClampedArray],
  [69, Uint16Array],
  [70, Uint32Array],
  [71, BigUint64Array],
  [72, Int8Array],
  [77, Int16Array],
  [78, Int32Array],
  [79, BigInt64Array],
  [85, Float32Array],
  [86, Float64Array],
  ...(Float16 ? [[FLOAT16_TAG, Float16] as [number, TypedArrayConstructor]] : []),
];

export class CborError extends Error {
  override name = "CborError";
}

/** A value CBOR has no form for; `what` names it for messages ("a function", "a Promise"). */
export class UnencodableError extends CborError {
  constructor(readonly what: string) {
    super(`${what} cannot be encoded`);
  }
}
