import { Major, Tag, TYPED_ARRAYS, UnencodableError } from "./cbor-format";
import { unencodableObject } from "./hidden-data";

// The CBOR encoder behind encodeCbor and encodeCborNamedBytes (cbor.ts).

const textEncoder = new TextEncoder();

export class Encoder {
  /** How many containers deep a value may nest; one deeper is refused (UnencodableError). */
  readonly #maxDepth: number;
  #depth = 0;
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

  constructor(maxDepth = Number.POSITIVE_INFINITY) {
    this.#maxDepth = maxDepth;
  }

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
        // Past 64 bits: a bignum, the big-endian bytes of the magnitude, read off its hex digits
        // (shifting a bigint byte by byte would take time in the square of its length).
        const hex = magnitude.toString(16);
        const bytes = new Uint8Array(Math.ceil(hex.length / 2));
        for (let i = bytes.length - 1, end = hex.length; i >= 0; i--, end -= 2) bytes[i] = Number.parseInt(hex.slice(Math.max(0, end - 2), end), 16);
        this.#head(Major.Tag, negative ? Tag.BignumNegative : Tag.BignumPositive);
        return this.#string(Major.Bytes, bytes);
      }
      case "object":
        if (item === null) return this.#head(Major.Simple, 22);
        return this.#object(item);
      default:
        throw new UnencodableError(`a ${typeof item}`);
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
    // No finally: a refusal ends the whole encoding.
    if (++this.#depth > this.#maxDepth) throw new UnencodableError(`data nested more than ${this.#maxDepth} levels deep`);
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
      // Objects that hold no data of their own (a Promise: a missing `await`), or whose data is not
      // in their fields (a Blob, a URL): stored as `{}`, each would lose it without a word. A plain object is none.
      const proto = Object.getPrototypeOf(item);
      const unencodable = proto === Object.prototype || proto === null ? undefined : unencodableObject(item);
      if (unencodable) throw new UnencodableError(unencodable);
      const keys = Object.keys(item);
      this.#head(Major.Map, keys.length);
      for (const key of keys) {
        this.#write(key);
        this.#write((item as Record<string, unknown>)[key]);
      }
    }
    this.#depth--;
  }
}
