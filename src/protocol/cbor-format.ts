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

/** RFC 8746 tags of the typed arrays, as cbor-x writes them (little-endian). */
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
];

export class CborError extends Error {
  override name = "CborError";
}
