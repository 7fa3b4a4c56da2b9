import { CborError, FLOAT16_TAG, Major, Tag, TYPED_ARRAYS } from "./cbor-format";

// The CBOR decoder behind decodeCbor (cbor.ts).

// `ignoreBOM`: a leading U+FEFF is part of the text, not a marker to drop.
const textDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export class Decoder {
  #data: Uint8Array;
  #view: DataView;
  #offset = 0;
  /** Values tagged shareable (28), by index, for references (29) to them. */
  #shared: unknown[] = [];
  /** The index a tag 28 has just reserved: the container read next takes it as soon as it is created. */
  #sharing: number | undefined;
  /**
   * The size of what was read so far: one per value plus the bytes of each string, a reference
   * (29) counted as a copy of what it refers to.
   */
  #size = 0;
  /** The size of each shared value, by index; undefined while it is still being read (a cycle). */
  #sharedSizes: (number | undefined)[] = [];
  readonly #maxSize: number;

  /**
   * `maxSize` bounds what the document stands for with every reference counted as a copy: a few
   * bytes of references can stand for billions of values or gigabytes of text, which is what
   * anything that walks it (JSON, a copy, a check of its depth) meets.
   */
  constructor(input: Uint8Array, maxSize = Number.POSITIVE_INFINITY) {
    this.#maxSize = maxSize;
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
    this.#size++;
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
    if (major === Major.Bytes || major === Major.Text) {
      const bytes = this.#stringBytes(major, length);
      this.#size += bytes.length;
      if (major === Major.Bytes) return bytes.slice();
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
        // Through hex digits: shifting a bigint byte by byte would take time in the square of its length.
        let hex = "0";
        for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
        const magnitude = BigInt(`0x${hex}`);
        return tag === Tag.BignumPositive ? magnitude : -1n - magnitude;
      }
      case Tag.Shareable: {
        // The value gets its index before its contents are read: they may refer back to it.
        const index = this.#shared.push(undefined) - 1;
        this.#sharing = index;
        const before = this.#size;
        const value = this.#read();
        this.#sharedSizes[index] = this.#size - before;
        // A value that is no container (a byte string, say) takes its index only now.
        this.#sharing = undefined;
        this.#shared[index] = value;
        return value;
      }
      case Tag.SharedRef: {
        const index = this.#read();
        // Only an index given out already: not a negative or fractional one.
        if (typeof index !== "number" || !Object.hasOwn(this.#shared, index)) throw new CborError("a reference to an object not seen yet");
        this.#size += this.#sharedSizes[index] ?? 0;
        if (this.#size > this.#maxSize)
          throw new CborError(
            `its references (tag 29) repeat shared values (tag 28) past a size of ${this.#maxSize} (a value counts 1, a string its bytes); send such data without them`,
          );
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
    if (!type && tag !== FLOAT16_TAG) throw new CborError(`tag ${String(tag)} is not used here`);
    const bytes = this.#read();
    if (!(bytes instanceof Uint8Array) || bytes.length % (type?.BYTES_PER_ELEMENT ?? 2))
      throw new CborError(`tag ${tag} needs a byte string of whole elements`);
    // Half floats where the platform has no Float16Array (Node 20): a Float32Array, which holds each one exactly.
    return type ? new type(bytes.slice().buffer) : this.#float16s(bytes);
  }

  /** Little-endian half floats as a Float32Array. */
  #float16s(bytes: Uint8Array): Float32Array {
    const floats = new Float32Array(bytes.length / 2);
    for (let i = 0; i < floats.length; i++) floats[i] = this.#float16(bytes[2 * i]! | (bytes[2 * i + 1]! << 8));
    return floats;
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
