/**
 * CBOR (RFC 8949) for connection messages and stored state, written here rather than taken
 * from a library for two reasons: size (every Worker bundles it; cbor-x costs 11 KiB gzipped,
 * this a few) and the exact conventions both sides need, which are cbor-x's (RivetKit's client
 * encodes with it, and earlier actorflare stored state with it):
 *
 * - objects as maps with string keys; any map header length is read, the shortest is written;
 * - `undefined` as simple value 23; non-integers, and integers past 32 bits, as float64
 *   (float16/32 are read too); a `bigint` as a 64-bit integer, and a 64-bit integer read back
 *   as a `bigint`, so numbers and bigints keep their type;
 * - `Date` tag 1 (epoch seconds), `bigint` tags 2/3 past 64 bits, typed arrays tags 64–86
 *   (RFC 8746, little-endian as written), `Set` tag 258, `Map` tag 259;
 * - objects reached twice (shared or cyclic) as tag 28 at their first place and tag 29 with
 *   its index after (cbor-x's structured-clone mode), so state can hold cycles.
 *
 * Indefinite lengths are read; unknown tags are refused, like anything else not well formed.
 * test/node/cbor.test.ts checks values of every kind both ways against cbor-x.
 */

const TAG_DATE_STRING = 0;
const TAG_DATE_EPOCH = 1;
const TAG_BIGINT_POSITIVE = 2;
const TAG_BIGINT_NEGATIVE = 3;
const TAG_SHAREABLE = 28;
const TAG_SHARED_REF = 29;
const TAG_SET = 258;
const TAG_MAP = 259;

type TypedArray =
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array;
type TypedArrayConstructor = { new (buffer: ArrayBuffer): TypedArray; BYTES_PER_ELEMENT: number };

/** RFC 8746 tags of the typed arrays, as cbor-x writes them (little-endian). */
const TYPED_ARRAY_TAGS: [number, TypedArrayConstructor][] = [
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
const TYPED_ARRAY_BY_TAG = new Map(TYPED_ARRAY_TAGS);

export class CborError extends Error {
  override name = "CborError";
}

// --- encoding ----------------------------------------------------------------------------

class Writer {
  #bytes = new Uint8Array(256);
  #view = new DataView(this.#bytes.buffer);
  length = 0;

  #reserve(n: number): void {
    if (this.length + n <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.length + n));
    grown.set(this.#bytes.subarray(0, this.length));
    this.#bytes = grown;
    this.#view = new DataView(grown.buffer);
  }

  byte(value: number): void {
    this.#reserve(1);
    this.#bytes[this.length++] = value;
  }

  /** A major type with its argument: the shortest form for a number, always 8 bytes for a bigint. */
  head(major: number, argument: number | bigint): void {
    const type = major << 5;
    if (typeof argument === "bigint") {
      this.#reserve(9);
      this.#bytes[this.length] = type | 27;
      this.#view.setBigUint64(this.length + 1, argument);
      this.length += 9;
    } else if (argument < 24) {
      this.byte(type | argument);
    } else if (argument < 0x100) {
      this.#reserve(2);
      this.#bytes[this.length] = type | 24;
      this.#bytes[this.length + 1] = argument;
      this.length += 2;
    } else if (argument < 0x10000) {
      this.#reserve(3);
      this.#bytes[this.length] = type | 25;
      this.#view.setUint16(this.length + 1, argument);
      this.length += 3;
    } else if (argument < 0x100000000) {
      this.#reserve(5);
      this.#bytes[this.length] = type | 26;
      this.#view.setUint32(this.length + 1, argument);
      this.length += 5;
    } else {
      throw new RangeError("a head argument past 32 bits must be a bigint");
    }
  }

  float64(value: number): void {
    this.#reserve(9);
    this.#bytes[this.length] = 0xfb;
    this.#view.setFloat64(this.length + 1, value);
    this.length += 9;
  }

  raw(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  result(): Uint8Array<ArrayBuffer> {
    return this.#bytes.slice(0, this.length);
  }
}

const textEncoder = new TextEncoder();
const MAX_UINT64 = 2n ** 64n - 1n;

/** Objects that occur more than once in `value` (shared or cyclic), which get tags 28/29. */
function repeatedObjects(value: unknown): Set<object> {
  const seen = new Set<object>();
  const repeated = new Set<object>();
  const visit = (item: unknown): void => {
    if (typeof item !== "object" || item === null || ArrayBuffer.isView(item) || item instanceof Date) return;
    if (seen.has(item)) {
      repeated.add(item);
      return;
    }
    seen.add(item);
    if (item instanceof Map) {
      for (const [key, entry] of item) {
        visit(key);
        visit(entry);
      }
    } else if (item instanceof Set || Array.isArray(item)) {
      for (const entry of item) visit(entry);
    } else {
      for (const key of Object.keys(item)) visit((item as Record<string, unknown>)[key]);
    }
  };
  visit(value);
  return repeated;
}

/** Encodes a value; throws `CborError` for what CBOR cannot carry (functions, symbols). */
export function encodeCbor(value: unknown): Uint8Array<ArrayBuffer> {
  const writer = new Writer();
  // Only objects can be reached twice; a primitive (a counter's new value) needs no walk.
  const repeated = typeof value === "object" && value !== null ? repeatedObjects(value) : new Set<object>();
  const written = new Map<object, number>();

  const write = (item: unknown): void => {
    switch (typeof item) {
      case "number":
        if (Number.isInteger(item) && item < 0x100000000 && item >= -0x100000000 && !Object.is(item, -0)) {
          if (item >= 0) writer.head(0, item);
          else writer.head(1, -1 - item);
        } else {
          writer.float64(item);
        }
        return;
      case "string": {
        const bytes = textEncoder.encode(item);
        writer.head(3, bytes.length);
        writer.raw(bytes);
        return;
      }
      case "boolean":
        writer.byte(item ? 0xf5 : 0xf4);
        return;
      case "undefined":
        writer.byte(0xf7);
        return;
      case "bigint":
        return writeBigInt(item);
      case "object":
        if (item === null) return writer.byte(0xf6);
        return writeObject(item);
      default:
        throw new CborError(`a ${typeof item} cannot be encoded`);
    }
  };

  const writeBigInt = (item: bigint): void => {
    if (item >= 0n && item <= MAX_UINT64) return writer.head(0, item);
    if (item < 0n && -1n - item <= MAX_UINT64) return writer.head(1, -1n - item);
    const magnitude = item < 0n ? -1n - item : item;
    let hex = magnitude.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    const bytes = new Uint8Array(hex.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    writer.head(6, item < 0n ? TAG_BIGINT_NEGATIVE : TAG_BIGINT_POSITIVE);
    writer.head(2, bytes.length);
    writer.raw(bytes);
  };

  const writeObject = (item: object): void => {
    const index = written.get(item);
    if (index !== undefined) {
      writer.head(6, TAG_SHARED_REF);
      return writer.head(0, index);
    }
    if (repeated.has(item)) {
      written.set(item, written.size);
      writer.head(6, TAG_SHAREABLE);
    }
    if (item instanceof Date) {
      writer.head(6, TAG_DATE_EPOCH);
      const seconds = item.getTime() / 1000;
      // Whole seconds as an integer where it fits, anything else as float64 (as cbor-x writes dates).
      if (Number.isInteger(seconds) && seconds >= 0 && seconds < 0x100000000) return writer.head(0, seconds);
      return writer.float64(seconds);
    }
    if (ArrayBuffer.isView(item)) return writeTypedArray(item);
    if (item instanceof ArrayBuffer) {
      writer.head(2, item.byteLength);
      return writer.raw(new Uint8Array(item));
    }
    if (Array.isArray(item)) {
      writer.head(4, item.length);
      for (const entry of item) write(entry);
      return;
    }
    if (item instanceof Map) {
      writer.head(6, TAG_MAP);
      writer.head(5, item.size);
      for (const [key, entry] of item) {
        write(key);
        write(entry);
      }
      return;
    }
    if (item instanceof Set) {
      writer.head(6, TAG_SET);
      writer.head(4, item.size);
      for (const entry of item) write(entry);
      return;
    }
    const keys = Object.keys(item);
    writer.head(5, keys.length);
    for (const key of keys) {
      write(key);
      write((item as Record<string, unknown>)[key]);
    }
  };

  const writeTypedArray = (item: ArrayBufferView): void => {
    const bytes = new Uint8Array(item.buffer, item.byteOffset, item.byteLength);
    const tag = TYPED_ARRAY_TAGS.find(([, type]) => item instanceof type)?.[0];
    if (tag === undefined) {
      // A DataView: its bytes, untagged.
      writer.head(2, bytes.length);
      return writer.raw(bytes);
    }
    writer.head(6, tag);
    writer.head(2, bytes.length);
    writer.raw(bytes);
  };

  write(value);
  return writer.result();
}

// --- decoding ----------------------------------------------------------------------------

const BREAK = Symbol("break");
// `ignoreBOM`: a leading U+FEFF is part of the text, not a marker to drop.
const textDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes one value that takes all of `data`; throws `CborError` when it is not well formed. */
export function decodeCbor(input: Uint8Array): unknown {
  // A plain view: a subclass such as Node's Buffer slices without copying.
  const data = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  const shared: unknown[] = [];

  const need = (n: number): void => {
    if (offset + n > data.length) throw new CborError("the data ends in the middle of a value");
  };
  const uint8 = (): number => {
    need(1);
    return data[offset++]!;
  };

  /** The argument of a head whose low bits are `info`; undefined for an indefinite length. */
  const argument = (info: number): number | bigint | undefined => {
    if (info < 24) return info;
    switch (info) {
      case 24:
        return uint8();
      case 25:
        need(2);
        offset += 2;
        return view.getUint16(offset - 2);
      case 26:
        need(4);
        offset += 4;
        return view.getUint32(offset - 4);
      case 27:
        need(8);
        offset += 8;
        return view.getBigUint64(offset - 8);
      case 31:
        return undefined;
      default:
        throw new CborError(`reserved additional information ${info}`);
    }
  };

  const length = (info: number): number | undefined => {
    const value = argument(info);
    if (typeof value === "bigint") throw new CborError("a length past 2^53");
    return value;
  };

  const bytesOf = (info: number, major: number): Uint8Array => {
    const size = length(info);
    if (size !== undefined) {
      need(size);
      offset += size;
      return data.subarray(offset - size, offset);
    }
    const parts: Uint8Array[] = [];
    for (;;) {
      const head = uint8();
      if (head === 0xff) break;
      if (head >> 5 !== major || (head & 31) === 31) throw new CborError("a chunk of an indefinite string of another type");
      parts.push(bytesOf(head & 31, major));
    }
    const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of parts) {
      joined.set(part, at);
      at += part.length;
    }
    return joined;
  };

  /** Items of an array or map, definite or indefinite; `each` gets one item (or key/value) at a time. */
  const items = (info: number, each: () => void): void => {
    const count = length(info);
    if (count !== undefined) {
      for (let i = 0; i < count; i++) each();
      return;
    }
    while (data[offset] !== 0xff) {
      need(1);
      each();
    }
    offset++;
  };

  const read = (): unknown => {
    const head = uint8();
    const major = head >> 5;
    const info = head & 31;
    switch (major) {
      case 0: {
        const value = argument(info);
        if (value === undefined) throw new CborError("an integer of indefinite length");
        return value;
      }
      case 1: {
        const value = argument(info);
        if (value === undefined) throw new CborError("an integer of indefinite length");
        return typeof value === "bigint" ? -1n - value : -1 - value;
      }
      case 2:
        return bytesOf(info, 2).slice();
      case 3:
        try {
          return textDecoder.decode(bytesOf(info, 3));
        } catch {
          throw new CborError("a text string that is not UTF-8");
        }
      case 4: {
        const list: unknown[] = [];
        items(info, () => list.push(readItem()));
        return list;
      }
      case 5: {
        const object: Record<string, unknown> = {};
        items(info, () => {
          const key = readItem();
          if (typeof key !== "string" && typeof key !== "number")
            throw new CborError("a map key that is not a string or number; maps with other keys need tag 259");
          setProperty(object, key, readItem());
        });
        return object;
      }
      case 6:
        return readTag(argument(info));
      default:
        return simple(info);
    }
  };

  const readItem = (): unknown => {
    const value = read();
    if (value === BREAK) throw new CborError("a break outside an indefinite length");
    return value;
  };

  const simple = (info: number): unknown => {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 25: {
        need(2);
        offset += 2;
        return float16(view.getUint16(offset - 2));
      }
      case 26:
        need(4);
        offset += 4;
        return view.getFloat32(offset - 4);
      case 27:
        need(8);
        offset += 8;
        return view.getFloat64(offset - 8);
      case 31:
        return BREAK;
      default:
        throw new CborError(`the simple value ${info} is not used here`);
    }
  };

  const readTag = (tag: number | bigint | undefined): unknown => {
    switch (tag) {
      case TAG_DATE_STRING:
      case TAG_DATE_EPOCH: {
        const value = readItem();
        const date = typeof value === "string" ? new Date(value) : typeof value === "number" ? new Date(Math.round(value * 1000)) : undefined;
        if (!date) throw new CborError("a date that is neither a string nor a number");
        return date;
      }
      case TAG_BIGINT_POSITIVE:
      case TAG_BIGINT_NEGATIVE: {
        const bytes = readItem();
        if (!(bytes instanceof Uint8Array)) throw new CborError("a bignum that is not a byte string");
        let magnitude = 0n;
        for (const byte of bytes) magnitude = (magnitude << 8n) | BigInt(byte);
        return tag === TAG_BIGINT_POSITIVE ? magnitude : -1n - magnitude;
      }
      case TAG_SHAREABLE: {
        // The object gets its index before its contents are read: they may refer back to it.
        const index = shared.length;
        shared.push(undefined);
        const head = data[offset];
        if (head !== undefined && (head >> 5 === 4 || head >> 5 === 5 || head === 0xd9)) return readContainerInto(index);
        const value = readItem();
        shared[index] = value;
        return value;
      }
      case TAG_SHARED_REF: {
        const index = readItem();
        if (typeof index !== "number" || index >= shared.length) throw new CborError("a reference to an object not seen yet");
        return shared[index];
      }
      case TAG_SET:
      case TAG_MAP:
        return readCollection(tag, undefined);
      default: {
        const type = typeof tag === "number" ? TYPED_ARRAY_BY_TAG.get(tag) : undefined;
        if (!type) throw new CborError(`tag ${String(tag)} is not used here`);
        const bytes = readItem();
        if (!(bytes instanceof Uint8Array) || bytes.length % type.BYTES_PER_ELEMENT) throw new CborError(`tag ${tag} needs a byte string of whole elements`);
        return new type(bytes.slice().buffer);
      }
    }
  };

  /** A Set or Map (tag 258 / 259), created before its entries so that they can refer to it. */
  const readCollection = (tag: number, index: number | undefined): unknown => {
    const head = uint8();
    if (tag === TAG_SET) {
      if (head >> 5 !== 4) throw new CborError("a set that is not an array");
      const set = new Set<unknown>();
      if (index !== undefined) shared[index] = set;
      items(head & 31, () => set.add(readItem()));
      return set;
    }
    if (head >> 5 !== 5) throw new CborError("a Map that is not a map");
    const map = new Map<unknown, unknown>();
    if (index !== undefined) shared[index] = map;
    items(head & 31, () => {
      const key = readItem();
      map.set(key, readItem());
    });
    return map;
  };

  /** An array, an object or a tagged Set/Map that is shareable: registered before its contents. */
  const readContainerInto = (index: number): unknown => {
    const head = data[offset]!;
    if (head === 0xd9) {
      offset++;
      const tag = length(25);
      if (tag !== TAG_SET && tag !== TAG_MAP) {
        offset -= 3;
        const value = readItem();
        shared[index] = value;
        return value;
      }
      return readCollection(tag, index);
    }
    offset++;
    if (head >> 5 === 4) {
      const list: unknown[] = [];
      shared[index] = list;
      items(head & 31, () => list.push(readItem()));
      return list;
    }
    const object: Record<string, unknown> = {};
    shared[index] = object;
    items(head & 31, () => {
      const key = readItem();
      if (typeof key !== "string" && typeof key !== "number") throw new CborError("a map key that is not a string or number");
      setProperty(object, key, readItem());
    });
    return object;
  };

  const value = readItem();
  if (offset !== data.length) throw new CborError("data after the end of the value");
  return value;
}

/** Like `object[key] = value`, but a key `__proto__` is an own property, as JSON.parse makes it. */
function setProperty(object: Record<string, unknown>, key: string | number, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

function float16(half: number): number {
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
