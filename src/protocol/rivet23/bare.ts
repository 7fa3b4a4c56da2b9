/**
 * The few BARE primitives RivetKit 2.3's messages use (docs/protocol.md §12.4): unsigned LEB128
 * integers, booleans, strings and byte arrays with a length prefix, optionals, and the u16
 * version that prefixes every versioned message. Written by hand rather than taken from a BARE
 * library: these six readers and writers are all the schemas need, and each kilobyte counts in
 * the Worker's bundle.
 */

/** A BARE value that does not decode: the caller turns it into its route's refusal. */
export class BareError extends Error {
  override name = "BareError";
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

export class BareReader {
  readonly #bytes: Uint8Array;
  #at = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  u8(): number {
    const byte = this.#bytes[this.#at];
    if (byte === undefined) throw new BareError("unexpected end of data");
    this.#at++;
    return byte;
  }

  u16(): number {
    return this.u8() | (this.u8() << 8);
  }

  /** A `uint` (LEB128). Values past 2^53 are refused: ids and lengths never come near. */
  uint(): number {
    let value = 0;
    for (let shift = 1, i = 0; i < 8; i++, shift *= 128) {
      const byte = this.u8();
      value += (byte & 0x7f) * shift;
      if (byte < 0x80) {
        if (i > 0 && byte === 0) throw new BareError("an integer is not in its shortest form");
        if (!Number.isSafeInteger(value)) break;
        return value;
      }
    }
    throw new BareError("an integer is too large");
  }

  bool(): boolean {
    const byte = this.u8();
    if (byte > 1) throw new BareError("a boolean is neither 0 nor 1");
    return byte === 1;
  }

  data(): Uint8Array {
    const length = this.uint();
    if (length > this.#bytes.length - this.#at) throw new BareError("a length runs past the end of data");
    const bytes = this.#bytes.subarray(this.#at, this.#at + length);
    this.#at += length;
    return bytes;
  }

  string(): string {
    try {
      return decoder.decode(this.data());
    } catch (error) {
      throw error instanceof BareError ? error : new BareError("a string is not UTF-8");
    }
  }

  optional<T>(read: (reader: BareReader) => T): T | null {
    return this.bool() ? read(this) : null;
  }

  /** Refuses bytes left over after the message. */
  end(): void {
    if (this.#at !== this.#bytes.length) throw new BareError("bytes left after the message");
  }
}

export class BareWriter {
  #bytes = new Uint8Array(64);
  #at = 0;

  #room(extra: number): void {
    if (this.#at + extra <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#at + extra));
    grown.set(this.#bytes);
    this.#bytes = grown;
  }

  u8(value: number): this {
    this.#room(1);
    this.#bytes[this.#at++] = value;
    return this;
  }

  u16(value: number): this {
    return this.u8(value & 0xff).u8(value >>> 8);
  }

  uint(value: number): this {
    let rest = value;
    while (rest >= 0x80) {
      this.u8((rest % 128) | 0x80);
      rest = Math.floor(rest / 128);
    }
    return this.u8(rest);
  }

  bool(value: boolean): this {
    return this.u8(value ? 1 : 0);
  }

  data(bytes: Uint8Array): this {
    this.uint(bytes.length);
    this.#room(bytes.length);
    this.#bytes.set(bytes, this.#at);
    this.#at += bytes.length;
    return this;
  }

  string(value: string): this {
    return this.data(encoder.encode(value));
  }

  optional<T>(value: T | null | undefined, write: (writer: this, value: T) => void): this {
    this.bool(value !== null && value !== undefined);
    if (value !== null && value !== undefined) write(this, value);
    return this;
  }

  /** The bytes written, in a buffer of their own. */
  bytes(): Uint8Array<ArrayBuffer> {
    return this.#bytes.slice(0, this.#at);
  }
}
