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
 * Encoder and Decoder are classes, not closures: a bundle that keeps names (as wrangler's
 * does) wraps every named closure in a call to set its name, which costs bytes and time. The
 * enums below cost nothing: bundlers put their values in place.
 * test/node/cbor.test.ts checks values of every kind both ways against cbor-x, and
 * test/node/cbor-exact.test.ts the exact bytes.
 */

/** Major types: the high 3 bits of an item's first byte. */
enum Major {
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
enum Tag {
  DateText = 0,
  DateEpoch = 1,
  BignumPositive = 2,
  BignumNegative = 3,
  Shareable = 28,
  SharedRef = 29,
  Set = 258,
  Map = 259,
}

type TypedArrayConstructor = { new (buffer: ArrayBuffer): ArrayBufferView; BYTES_PER_ELEMENT: number };

/** RFC 8746 tags of the typed arrays, as cbor-x writes them (little-endian). */
const TYPED_ARRAYS: [tag: number, type: TypedArrayConstructor][] = [
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

const textEncoder = new TextEncoder();
// `ignoreBOM`: a leading U+FEFF is part of the text, not a marker to drop.
const textDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Encodes a value; throws `CborError` for what CBOR cannot carry (functions, symbols). */
export function encodeCbor(value: unknown): Uint8Array<ArrayBuffer> {
  return new Encoder().value(value).bytes();
}

/**
 * Named byte strings, as an array of `[text, bytes]` arrays: what `encodeCbor` writes for them
 * (bar the Uint8Array tag, which decoding does not need), without its walk over the value. The
 * state store writes its packed entry with it on every save.
 */
export function encodeCborNamedBytes(entries: Map<string, Uint8Array>): Uint8Array<ArrayBuffer> {
  return new Encoder().namedBytes(entries).bytes();
}

/** Decodes one value that takes all of `data`; throws `CborError` when it is not well formed. */
export function decodeCbor(data: Uint8Array): unknown {
  return new Decoder(data).document();
}

// --- encoding ----------------------------------------------------------------------------

class Encoder {
  // Small to start, and nothing else allocated until needed: a counter's new value is encoded
  // on every save, and allocation is most of what that costs.
  #bytes = new Uint8Array(64);
  #view: DataView | undefined;
  #length = 0;
  #sharedCount = 0;
  /**
   * Objects that occur more than once in the value (shared or cyclic), each with its index once
   * written: tag 28 at the first place, tag 29 with the index after. Made only when there are some.
   */
  #repeated: Map<object, number | undefined> | undefined;

  /** Writes one value; an encoder writes one value or one list of named bytes. */
  value(value: unknown): this {
    if (typeof value === "object" && value !== null) this.#findRepeated(value);
    this.#write(value);
    return this;
  }

  /** Writes `[[name, bytes], ...]`: no value inside can repeat, so there is nothing to walk first. */
  namedBytes(entries: Map<string, Uint8Array>): this {
    this.#head(Major.Array, entries.size);
    for (const [name, bytes] of entries) {
      this.#head(Major.Array, 2);
      this.#string(Major.Text, textEncoder.encode(name));
      this.#string(Major.Bytes, bytes);
    }
    return this;
  }

  /**
   * Objects met twice are found before writing, the first place of each gets tag 28. Dates and
   * typed arrays are written whole each time, as cbor-x writes them.
   */
  #findRepeated(value: object): void {
    const seen = new Set<object>();
    const pending = [value];
    while (pending.length) {
      const item = pending.pop();
      if (typeof item !== "object" || item === null || ArrayBuffer.isView(item) || item instanceof Date) continue;
      if (seen.has(item)) {
        this.#repeated ??= new Map();
        this.#repeated.set(item, undefined);
        continue;
      }
      seen.add(item);
      // One by one: spreading a large array into push() would overflow the call stack.
      if (item instanceof Map) {
        for (const [key, entry] of item) pending.push(key, entry);
      } else {
        for (const entry of item instanceof Set || Array.isArray(item) ? item : Object.values(item)) pending.push(entry);
      }
    }
  }

  #dataView(): DataView {
    this.#view ??= new DataView(this.#bytes.buffer);
    return this.#view;
  }

  bytes(): Uint8Array<ArrayBuffer> {
    return this.#bytes.slice(0, this.#length);
  }

  /** Makes room for `size` more bytes and returns where they start. */
  #take(size: number): number {
    const start = this.#length;
    this.#length += size;
    if (this.#length > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length));
      grown.set(this.#bytes);
      this.#bytes = grown;
      this.#view = undefined;
    }
    return start;
  }

  /** A major type with its argument: the shortest form for a number (below 2^32), 8 bytes for a bigint. */
  #head(major: Major, argument: number | bigint): void {
    // Additional information: the argument itself below 24, else 24, 25, 26 or 27 for 1, 2, 4 or 8 bytes of it.
    const info = typeof argument === "bigint" ? 27 : argument < 24 ? argument : argument < 0x100 ? 24 : argument < 0x10000 ? 25 : 26;
    const size = info < 24 ? 0 : 1 << (info - 24);
    const start = this.#take(1 + size);
    this.#bytes[start] = (major << 5) | info;
    if (typeof argument === "bigint") this.#dataView().setBigUint64(start + 1, argument);
    // Big-endian; a Uint8Array keeps the low 8 bits of what it is given.
    else for (let i = 1; i <= size; i++) this.#bytes[start + i] = argument >>> ((size - i) * 8);
  }

  #float64(value: number): void {
    const start = this.#take(9);
    this.#bytes[start] = 0xfb;
    this.#dataView().setFloat64(start + 1, value);
  }

  /** A byte or text string: its head, then its bytes. */
  #string(major: Major, bytes: Uint8Array): void {
    this.#head(major, bytes.length);
    const start = this.#take(bytes.length);
    this.#bytes.set(bytes, start);
  }

  #write(item: unknown): void {
    switch (typeof item) {
      case "number":
        if (Number.isInteger(item) && item < 0x100000000 && item >= -0x100000000 && !Object.is(item, -0)) {
          this.#head(item < 0 ? Major.Negative : Major.Unsigned, item < 0 ? -1 - item : item);
        } else {
          this.#float64(item);
        }
        return;
      case "string":
        return this.#string(Major.Text, textEncoder.encode(item));
      case "boolean":
        return this.#head(Major.Simple, item ? 21 : 20);
      case "undefined":
        return this.#head(Major.Simple, 23);
      case "bigint": {
        const negative = item < 0n;
        const magnitude = negative ? -1n - item : item;
        if (magnitude < 2n ** 64n) return this.#head(negative ? Major.Negative : Major.Unsigned, magnitude);
        // Past 64 bits: a bignum, the big-endian bytes of the magnitude.
        const bytes: number[] = [];
        for (let rest = magnitude; rest; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
        this.#head(Major.Tag, negative ? Tag.BignumNegative : Tag.BignumPositive);
        return this.#string(Major.Bytes, new Uint8Array(bytes));
      }
      case "object":
        if (item === null) return this.#head(Major.Simple, 22);
        return this.#object(item);
      default:
        throw new CborError(`a ${typeof item} cannot be encoded`);
    }
  }

  #object(item: object): void {
    if (this.#repeated?.has(item)) {
      const index = this.#repeated.get(item);
      if (index !== undefined) {
        this.#head(Major.Tag, Tag.SharedRef);
        return this.#head(Major.Unsigned, index);
      }
      this.#repeated.set(item, this.#sharedCount++);
      this.#head(Major.Tag, Tag.Shareable);
    }
    if (item instanceof Date) {
      this.#head(Major.Tag, Tag.DateEpoch);
      // As cbor-x writes dates: whole seconds since 1970 as an integer where it fits, any other as float64.
      const seconds = item.getTime() / 1000;
      return seconds >= 0 ? this.#write(seconds) : this.#float64(seconds);
    }
    if (ArrayBuffer.isView(item)) {
      // A DataView has no tag: its bytes go untagged.
      const tag = TYPED_ARRAYS.find(([, type]) => item instanceof type)?.[0];
      if (tag !== undefined) this.#head(Major.Tag, tag);
      return this.#string(Major.Bytes, new Uint8Array(item.buffer, item.byteOffset, item.byteLength));
    }
    if (item instanceof ArrayBuffer) return this.#string(Major.Bytes, new Uint8Array(item));
    if (item instanceof Map) {
      this.#head(Major.Tag, Tag.Map);
      this.#head(Major.Map, item.size);
      for (const [key, entry] of item) {
        this.#write(key);
        this.#write(entry);
      }
    } else if (item instanceof Set || Array.isArray(item)) {
      if (item instanceof Set) this.#head(Major.Tag, Tag.Set);
      this.#head(Major.Array, item instanceof Set ? item.size : item.length);
      for (const entry of item) this.#write(entry);
    } else {
      const keys = Object.keys(item);
      this.#head(Major.Map, keys.length);
      for (const key of keys) {
        this.#write(key);
        this.#write((item as Record<string, unknown>)[key]);
      }
    }
  }
}

// --- decoding ----------------------------------------------------------------------------

class Decoder {
  #data: Uint8Array;
  #view: DataView;
  #offset = 0;
  /** Values tagged shareable (28), by index, for references (29) to them. */
  #shared: unknown[] = [];
  /** The index a tag 28 has just reserved: the container read next takes it as soon as it is created. */
  #sharing: number | undefined;

  constructor(input: Uint8Array) {
    // A plain view: a subclass such as Node's Buffer slices without copying.
    this.#data = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    this.#view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  }

  document(): unknown {
    const value = this.#read();
    if (this.#offset !== this.#data.length) throw new CborError("data after the end of the value");
    return value;
  }

  /** Moves past `size` bytes and returns where they start. */
  #take(size: number): number {
    const start = this.#offset;
    if (start + size > this.#data.length) throw new CborError("the data ends in the middle of a value");
    this.#offset += size;
    return start;
  }

  #byte(): number {
    return this.#data[this.#take(1)]!;
  }

  /** The argument of a head whose low bits are `info`; undefined for an indefinite length. */
  #argument(info: number): number | bigint | undefined {
    if (info < 24) return info;
    if (info === 24) return this.#byte();
    if (info === 25) return this.#view.getUint16(this.#take(2));
    if (info === 26) return this.#view.getUint32(this.#take(4));
    if (info === 27) return this.#view.getBigUint64(this.#take(8));
    if (info === 31) return undefined;
    throw new CborError(`reserved additional information ${info}`);
  }

  /** A count of bytes or items; undefined for an indefinite length. */
  #length(info: number): number | undefined {
    const length = this.#argument(info);
    if (typeof length === "bigint") throw new CborError("a length past 2^53");
    return length;
  }

  /** `container`, after giving it the index a tag 28 reserved for the value being read, if any. */
  #share<T>(container: T): T {
    if (this.#sharing !== undefined) this.#shared[this.#sharing] = container;
    this.#sharing = undefined;
    return container;
  }

  /** Calls `each` for each item (or key and value) of an array or map of `count` items, or up to the break. */
  #items(count: number | undefined, each: () => void): void {
    if (count === undefined) {
      while (this.#data[this.#offset] !== 0xff) each();
      this.#offset++;
    } else {
      for (let i = 0; i < count; i++) each();
    }
  }

  /** The bytes of a byte or text string (major type 2 or 3), an indefinite one's chunks joined. */
  #stringBytes(major: Major, size: number | undefined): Uint8Array {
    if (size !== undefined) {
      const start = this.#take(size);
      return this.#data.subarray(start, start + size);
    }
    const chunks: Uint8Array[] = [];
    for (let head: number; (head = this.#byte()) !== 0xff; ) {
      // Each chunk is a string of the same type, of definite length.
      if (head >> 5 !== major || (head & 31) === 31) throw new CborError("a chunk of an indefinite string of another type");
      chunks.push(this.#stringBytes(major, this.#length(head & 31)));
    }
    return Uint8Array.from(chunks.flatMap((chunk) => [...chunk]));
  }

  #read(): unknown {
    const head = this.#byte();
    const major: Major = head >> 5;
    const info = head & 31;
    if (major === Major.Simple) {
      // Simple values 20–23, then half, single and double floats.
      if (info >= 20 && info <= 23) return [false, true, null, undefined][info - 20];
      if (info === 25) return this.#float16(this.#view.getUint16(this.#take(2)));
      if (info === 26) return this.#view.getFloat32(this.#take(4));
      if (info === 27) return this.#view.getFloat64(this.#take(8));
      // Indefinite lengths look for their break before reading an item: any other is misplaced.
      throw new CborError(info === 31 ? "a break outside an indefinite length" : `the simple value ${info} is not used here`);
    }
    if (major === Major.Tag) return this.#tagged(this.#argument(info));
    if (major <= Major.Negative) {
      const value = this.#argument(info);
      if (value === undefined) throw new CborError("an integer of indefinite length");
      if (major === Major.Unsigned) return value;
      return typeof value === "bigint" ? -1n - value : -1 - value;
    }
    const length = this.#length(info);
    if (major === Major.Bytes) return this.#stringBytes(major, length).slice();
    if (major === Major.Text) {
      const bytes = this.#stringBytes(major, length);
      try {
        return textDecoder.decode(bytes);
      } catch {
        throw new CborError("a text string that is not UTF-8");
      }
    }
    if (major === Major.Array) {
      const list = this.#share<unknown[]>([]);
      this.#items(length, () => list.push(this.#read()));
      return list;
    }
    const object = this.#share<Record<string, unknown>>({});
    this.#items(length, () => {
      const key = this.#read();
      if (typeof key !== "string" && typeof key !== "number")
        throw new CborError("a map key that is not a string or number; maps with other keys need tag 259");
      const value = this.#read();
      // A key `__proto__` is an own property, as JSON.parse makes it, not the object's prototype.
      if (key === "__proto__") Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      else object[key] = value;
    });
    return object;
  }

  #tagged(tag: number | bigint | undefined): unknown {
    switch (tag) {
      case Tag.DateText:
      case Tag.DateEpoch: {
        const value = this.#read();
        if (typeof value === "string") return new Date(value);
        if (typeof value === "number") return new Date(Math.round(value * 1000));
        throw new CborError("a date that is neither a string nor a number");
      }
      case Tag.BignumPositive:
      case Tag.BignumNegative: {
        const bytes = this.#read();
        if (!(bytes instanceof Uint8Array)) throw new CborError("a bignum that is not a byte string");
        let magnitude = 0n;
        for (const byte of bytes) magnitude = (magnitude << 8n) | BigInt(byte);
        return tag === Tag.BignumPositive ? magnitude : -1n - magnitude;
      }
      case Tag.Shareable: {
        // The value gets its index before its contents are read: they may refer back to it.
        const index = this.#shared.push(undefined) - 1;
        this.#sharing = index;
        const value = this.#read();
        // A value that is no container (a byte string, say) takes its index only now.
        this.#sharing = undefined;
        this.#shared[index] = value;
        return value;
      }
      case Tag.SharedRef: {
        const index = this.#read();
        // Only an index given out already: not a negative or fractional one.
        if (typeof index !== "number" || !Object.hasOwn(this.#shared, index)) throw new CborError("a reference to an object not seen yet");
        return this.#shared[index];
      }
      case Tag.Set: {
        const head = this.#byte();
        if (head >> 5 !== Major.Array) throw new CborError("a set that is not an array");
        const set = this.#share(new Set<unknown>());
        this.#items(this.#length(head & 31), () => set.add(this.#read()));
        return set;
      }
      case Tag.Map: {
        const head = this.#byte();
        if (head >> 5 !== Major.Map) throw new CborError("a Map that is not a map");
        const map = this.#share(new Map<unknown, unknown>());
        // Arguments are read in order: the key, then its value.
        this.#items(this.#length(head & 31), () => map.set(this.#read(), this.#read()));
        return map;
      }
    }
    const type = TYPED_ARRAYS.find(([typeTag]) => typeTag === tag)?.[1];
    if (!type) throw new CborError(`tag ${String(tag)} is not used here`);
    const bytes = this.#read();
    if (!(bytes instanceof Uint8Array) || bytes.length % type.BYTES_PER_ELEMENT) throw new CborError(`tag ${tag} needs a byte string of whole elements`);
    return new type(bytes.slice().buffer);
  }

  /** An IEEE 754 half-precision float from its 16 bits. */
  #float16(bits: number): number {
    const exponent = (bits >> 10) & 31;
    const fraction = bits & 0x3ff;
    if (exponent === 31 && fraction) return Number.NaN;
    // Exponent 31 is infinity; 0 a subnormal number, without the implicit leading 1.
    const magnitude = exponent === 31 ? Number.POSITIVE_INFINITY : exponent ? (1024 + fraction) * 2 ** (exponent - 25) : fraction * 2 ** -24;
    return bits & 0x8000 ? -magnitude : magnitude;
  }
}
