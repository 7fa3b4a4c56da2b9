// Built by examples/demo/frontend/build.mjs from examples/demo/frontend/*.ts: do not edit.
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __commonJS = (cb, mod) => function __require() {
  return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// node_modules/ws/browser.js
var require_browser = __commonJS({
  "node_modules/ws/browser.js"(exports, module) {
    "use strict";
    module.exports = function() {
      throw new Error(
        "ws does not work in the browser. Browser clients must use the native WebSocket object"
      );
    };
  }
});

// src/protocol/query-facts.ts
function queryActorName(query) {
  if ("getForId" in query) return query.getForId.name;
  if ("getForKey" in query) return query.getForKey.name;
  if ("getOrCreateForKey" in query) return query.getOrCreateForKey.name;
  return query.create.name;
}
function existingActorQuery(query) {
  if ("getOrCreateForKey" in query) return { getForKey: { name: query.getOrCreateForKey.name, key: query.getOrCreateForKey.key } };
  if ("create" in query) return { getForKey: { name: query.create.name, key: query.create.key } };
  return query;
}

// src/protocol/cbor-format.ts
var FLOAT16_TAG = 84;
var Float16 = globalThis.Float16Array;
var TYPED_ARRAYS = [
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
  ...Float16 ? [[FLOAT16_TAG, Float16]] : []
];
var CborError = class extends Error {
  name = "CborError";
};
var UnencodableError = class extends CborError {
  constructor(what) {
    super(`${what} cannot be encoded`);
    this.what = what;
  }
};

// src/protocol/cbor-decoder.ts
var textDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
var Decoder = class {
  #data;
  #view;
  #offset = 0;
  /** Values tagged shareable (28), by index, for references (29) to them. */
  #shared = [];
  /** The index a tag 28 has just reserved: the container read next takes it as soon as it is created. */
  #sharing;
  /**
   * The size of what was read so far: one per value plus the bytes of each string, a reference
   * (29) counted as a copy of what it refers to.
   */
  #size = 0;
  /** The size of each shared value, by index; undefined while it is still being read (a cycle). */
  #sharedSizes = [];
  #maxSize;
  /**
   * `maxSize` bounds what the document stands for with every reference counted as a copy: a few
   * bytes of references can stand for billions of values or gigabytes of text, which is what
   * anything that walks it (JSON, a copy, a check of its depth) meets.
   */
  constructor(input, maxSize = Number.POSITIVE_INFINITY) {
    this.#maxSize = maxSize;
    this.#data = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    this.#view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  }
  document() {
    const value = this.#read();
    if (this.#offset !== this.#data.length) throw new CborError("data after the end of the value");
    return value;
  }
  /** Moves past `size` bytes and returns where they start. */
  #take(size) {
    const start = this.#offset;
    if (start + size > this.#data.length) throw new CborError("the data ends in the middle of a value");
    this.#offset += size;
    return start;
  }
  #byte() {
    return this.#data[this.#take(1)];
  }
  /** The argument of a head whose low bits are `info`; undefined for an indefinite length. */
  #argument(info) {
    if (info < 24) return info;
    if (info === 24) return this.#byte();
    if (info === 25) return this.#view.getUint16(this.#take(2));
    if (info === 26) return this.#view.getUint32(this.#take(4));
    if (info === 27) return this.#view.getBigUint64(this.#take(8));
    if (info === 31) return void 0;
    throw new CborError(`reserved additional information ${info}`);
  }
  /** A count of bytes or items; undefined for an indefinite length. */
  #length(info) {
    const length = this.#argument(info);
    if (typeof length === "bigint") throw new CborError("a length past 2^53");
    return length;
  }
  /** `container`, after giving it the index a tag 28 reserved for the value being read, if any. */
  #share(container) {
    if (this.#sharing !== void 0) this.#shared[this.#sharing] = container;
    this.#sharing = void 0;
    return container;
  }
  /** Calls `each` for each item (or key and value) of an array or map of `count` items, or up to the break. */
  #items(count, each) {
    if (count === void 0) {
      while (this.#data[this.#offset] !== 255) each();
      this.#offset++;
    } else {
      for (let i = 0; i < count; i++) each();
    }
  }
  /** The bytes of a byte or text string (major type 2 or 3), an indefinite one's chunks joined. */
  #stringBytes(major, size) {
    if (size !== void 0) {
      const start = this.#take(size);
      return this.#data.subarray(start, start + size);
    }
    const chunks = [];
    for (let head; (head = this.#byte()) !== 255; ) {
      if (head >> 5 !== major || (head & 31) === 31) throw new CborError("a chunk of an indefinite string of another type");
      chunks.push(this.#stringBytes(major, this.#length(head & 31)));
    }
    return Uint8Array.from(chunks.flatMap((chunk) => [...chunk]));
  }
  #read() {
    this.#size++;
    const head = this.#byte();
    const major = head >> 5;
    const info = head & 31;
    if (major === 7 /* Simple */) {
      if (info >= 20 && info <= 23) return [false, true, null, void 0][info - 20];
      if (info === 25) return this.#float16(this.#view.getUint16(this.#take(2)));
      if (info === 26) return this.#view.getFloat32(this.#take(4));
      if (info === 27) return this.#view.getFloat64(this.#take(8));
      throw new CborError(info === 31 ? "a break outside an indefinite length" : `the simple value ${info} is not used here`);
    }
    if (major === 6 /* Tag */) return this.#tagged(this.#argument(info));
    if (major <= 1 /* Negative */) {
      const value = this.#argument(info);
      if (value === void 0) throw new CborError("an integer of indefinite length");
      if (major === 0 /* Unsigned */) return value;
      return typeof value === "bigint" ? -1n - value : -1 - value;
    }
    const length = this.#length(info);
    if (major === 2 /* Bytes */ || major === 3 /* Text */) {
      const bytes = this.#stringBytes(major, length);
      this.#size += bytes.length;
      if (major === 2 /* Bytes */) return bytes.slice();
      try {
        return textDecoder.decode(bytes);
      } catch {
        throw new CborError("a text string that is not UTF-8");
      }
    }
    if (major === 4 /* Array */) {
      const list = this.#share([]);
      this.#items(length, () => list.push(this.#read()));
      return list;
    }
    const object = this.#share({});
    this.#items(length, () => {
      const key = this.#read();
      if (typeof key !== "string" && typeof key !== "number")
        throw new CborError("a map key that is not a string or number; maps with other keys need tag 259");
      const value = this.#read();
      if (key === "__proto__") Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      else object[key] = value;
    });
    return object;
  }
  #tagged(tag) {
    switch (tag) {
      case 0 /* DateText */:
      case 1 /* DateEpoch */: {
        const value = this.#read();
        if (typeof value === "string") return new Date(value);
        if (typeof value === "number") return new Date(Math.round(value * 1e3));
        throw new CborError("a date that is neither a string nor a number");
      }
      case 2 /* BignumPositive */:
      case 3 /* BignumNegative */: {
        const bytes2 = this.#read();
        if (!(bytes2 instanceof Uint8Array)) throw new CborError("a bignum that is not a byte string");
        let hex = "0";
        for (const byte of bytes2) hex += byte.toString(16).padStart(2, "0");
        const magnitude = BigInt(`0x${hex}`);
        return tag === 2 /* BignumPositive */ ? magnitude : -1n - magnitude;
      }
      case 28 /* Shareable */: {
        const index = this.#shared.push(void 0) - 1;
        this.#sharing = index;
        const before = this.#size;
        const value = this.#read();
        this.#sharedSizes[index] = this.#size - before;
        this.#sharing = void 0;
        this.#shared[index] = value;
        return value;
      }
      case 29 /* SharedRef */: {
        const index = this.#read();
        if (typeof index !== "number" || !Object.hasOwn(this.#shared, index)) throw new CborError("a reference to an object not seen yet");
        this.#size += this.#sharedSizes[index] ?? 0;
        if (this.#size > this.#maxSize)
          throw new CborError(
            `its references (tag 29) repeat shared values (tag 28) past a size of ${this.#maxSize} (a value counts 1, a string its bytes); send such data without them`
          );
        return this.#shared[index];
      }
      case 258 /* Set */: {
        const head = this.#byte();
        if (head >> 5 !== 4 /* Array */) throw new CborError("a set that is not an array");
        const set = this.#share(/* @__PURE__ */ new Set());
        this.#items(this.#length(head & 31), () => set.add(this.#read()));
        return set;
      }
      case 259 /* Map */: {
        const head = this.#byte();
        if (head >> 5 !== 5 /* Map */) throw new CborError("a Map that is not a map");
        const map = this.#share(/* @__PURE__ */ new Map());
        this.#items(this.#length(head & 31), () => map.set(this.#read(), this.#read()));
        return map;
      }
    }
    const type = TYPED_ARRAYS.find(([typeTag]) => typeTag === tag)?.[1];
    if (!type && tag !== FLOAT16_TAG) throw new CborError(`tag ${String(tag)} is not used here`);
    const bytes = this.#read();
    if (!(bytes instanceof Uint8Array) || bytes.length % (type?.BYTES_PER_ELEMENT ?? 2))
      throw new CborError(`tag ${tag} needs a byte string of whole elements`);
    return type ? new type(bytes.slice().buffer) : this.#float16s(bytes);
  }
  /** Little-endian half floats as a Float32Array. */
  #float16s(bytes) {
    const floats = new Float32Array(bytes.length / 2);
    for (let i = 0; i < floats.length; i++) floats[i] = this.#float16(bytes[2 * i] | bytes[2 * i + 1] << 8);
    return floats;
  }
  /** An IEEE 754 half-precision float from its 16 bits. */
  #float16(bits) {
    const exponent = bits >> 10 & 31;
    const fraction = bits & 1023;
    if (exponent === 31 && fraction) return Number.NaN;
    const magnitude = exponent === 31 ? Number.POSITIVE_INFINITY : exponent ? (1024 + fraction) * 2 ** (exponent - 25) : fraction * 2 ** -24;
    return bits & 32768 ? -magnitude : magnitude;
  }
};

// src/protocol/hidden-data.ts
var HIDDEN_DATA = [
  ["Blob", "its bytes: new Uint8Array(await blob.arrayBuffer())"],
  ["File", "its bytes: new Uint8Array(await file.arrayBuffer())"],
  ["URL", "url.href"],
  ["URLSearchParams", "params.toString()"],
  ["Headers", "Object.fromEntries(headers)"],
  ["FormData", "Object.fromEntries(formData)"],
  ["Request", "what you need of it: its url, method and headers"],
  ["Response", "what you need of it: its status and body"],
  ["ReadableStream", "what it gives, read to the end"],
  ["SharedArrayBuffer", "a copy of its bytes: new Uint8Array(buffer).slice()"],
  ["WebAssembly.Memory", "a copy of its bytes: new Uint8Array(memory.buffer).slice()"],
  ["CryptoKey", "its exported form: await crypto.subtle.exportKey(...)"],
  ["Intl.Collator", "its options: resolvedOptions()"],
  ["Intl.DateTimeFormat", "its options: resolvedOptions()"],
  ["Intl.NumberFormat", "its options: resolvedOptions()"],
  ["Intl.PluralRules", "its options: resolvedOptions()"],
  ["Intl.RelativeTimeFormat", "its options: resolvedOptions()"],
  ["Intl.ListFormat", "its options: resolvedOptions()"],
  ["Intl.Segmenter", "its options: resolvedOptions()"],
  ["Intl.Locale", "locale.toString()"]
];
var NO_DATA = [
  "EventTarget",
  "Event",
  "AbortSignal",
  "WritableStream",
  "TransformStream",
  "WebSocket",
  "MessageChannel",
  "MessagePort",
  "AbortController",
  "WeakMap",
  "WeakSet",
  "WeakRef",
  "FinalizationRegistry"
];
var known;
var ITERATOR_PROTOTYPE = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
function lookUp(name) {
  return name.split(".").reduce((scope, part) => scope?.[part], globalThis);
}
function knownTypes() {
  const article = (name) => /^[AEIO]/.test(name) ? "an" : "a";
  const entries = [
    ...NO_DATA.map((name) => [name, `${article(name)} ${name}`]),
    ...HIDDEN_DATA.map(([name, keep]) => [name, `${article(name)} ${name}, whose data is not in its fields (keep ${keep})`])
  ];
  return entries.flatMap(([name, what]) => {
    const type = lookUp(name);
    return typeof type === "function" ? [[type, what]] : [];
  });
}
function unencodableObject(value) {
  if (value instanceof Promise) return "a Promise (await it first)";
  if (value instanceof Symbol) return "a boxed symbol";
  if (Object.prototype.isPrototypeOf.call(ITERATOR_PROTOTYPE, value)) return "an iterator, whose items are not in its fields (keep them: [...iterator])";
  known ??= knownTypes();
  let found;
  for (const [type, what] of known) if (value instanceof type) found = what;
  return found;
}

// src/protocol/cbor-encoder.ts
var textEncoder = new TextEncoder();
var Encoder = class {
  /** How many containers deep a value may nest; one deeper is refused (UnencodableError). */
  #maxDepth;
  #depth = 0;
  // Small to start, and nothing else allocated until needed: a counter's new value is encoded
  // on every save, and allocation is most of what that costs.
  #bytes = new Uint8Array(64);
  #view;
  #length = 0;
  #sharedCount = 0;
  /**
   * Objects that occur more than once in the value (shared or cyclic), each with its index once
   * written: tag 28 at the first place, tag 29 with the index after. Made only when there are some.
   */
  #repeated;
  constructor(maxDepth = Number.POSITIVE_INFINITY) {
    this.#maxDepth = maxDepth;
  }
  /** Writes one value; an encoder writes one value or one list of named bytes. */
  value(value) {
    if (typeof value === "object" && value !== null) this.#findRepeated(value);
    this.#write(value);
    return this;
  }
  /** Writes `[[name, bytes], ...]`: no value inside can repeat, so there is nothing to walk first. */
  namedBytes(entries) {
    this.#head(4 /* Array */, entries.size);
    for (const [name, bytes] of entries) {
      this.#head(4 /* Array */, 2);
      this.#string(3 /* Text */, textEncoder.encode(name));
      this.#string(2 /* Bytes */, bytes);
    }
    return this;
  }
  /**
   * Objects met twice are found before writing, the first place of each gets tag 28. Dates and
   * typed arrays are written whole each time, as cbor-x writes them.
   */
  #findRepeated(value) {
    const seen = /* @__PURE__ */ new Set();
    const pending = [value];
    while (pending.length) {
      const item = pending.pop();
      if (typeof item !== "object" || item === null || ArrayBuffer.isView(item) || item instanceof Date) continue;
      if (seen.has(item)) {
        this.#repeated ??= /* @__PURE__ */ new Map();
        this.#repeated.set(item, void 0);
        continue;
      }
      seen.add(item);
      if (item instanceof Map) {
        for (const [key, entry] of item) pending.push(key, entry);
      } else {
        for (const entry of item instanceof Set || Array.isArray(item) ? item : Object.values(item)) pending.push(entry);
      }
    }
  }
  #dataView() {
    this.#view ??= new DataView(this.#bytes.buffer);
    return this.#view;
  }
  bytes() {
    return this.#bytes.slice(0, this.#length);
  }
  /** Makes room for `size` more bytes and returns where they start. */
  #take(size) {
    const start = this.#length;
    this.#length += size;
    if (this.#length > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length));
      grown.set(this.#bytes);
      this.#bytes = grown;
      this.#view = void 0;
    }
    return start;
  }
  /** A major type with its argument: the shortest form for a number (below 2^32), 8 bytes for a bigint. */
  #head(major, argument) {
    const info = typeof argument === "bigint" ? 27 : argument < 24 ? argument : argument < 256 ? 24 : argument < 65536 ? 25 : 26;
    const size = info < 24 ? 0 : 1 << info - 24;
    const start = this.#take(1 + size);
    this.#bytes[start] = major << 5 | info;
    if (typeof argument === "bigint") this.#dataView().setBigUint64(start + 1, argument);
    else for (let i = 1; i <= size; i++) this.#bytes[start + i] = argument >>> (size - i) * 8;
  }
  #float64(value) {
    const start = this.#take(9);
    this.#bytes[start] = 251;
    this.#dataView().setFloat64(start + 1, value);
  }
  /** A byte or text string: its head, then its bytes. */
  #string(major, bytes) {
    this.#head(major, bytes.length);
    const start = this.#take(bytes.length);
    this.#bytes.set(bytes, start);
  }
  #write(item) {
    switch (typeof item) {
      case "number":
        if (Number.isInteger(item) && item < 4294967296 && item >= -4294967296 && !Object.is(item, -0)) {
          this.#head(item < 0 ? 1 /* Negative */ : 0 /* Unsigned */, item < 0 ? -1 - item : item);
        } else {
          this.#float64(item);
        }
        return;
      case "string":
        return this.#string(3 /* Text */, textEncoder.encode(item));
      case "boolean":
        return this.#head(7 /* Simple */, item ? 21 : 20);
      case "undefined":
        return this.#head(7 /* Simple */, 23);
      case "bigint": {
        const negative = item < 0n;
        const magnitude = negative ? -1n - item : item;
        if (magnitude < 2n ** 64n) return this.#head(negative ? 1 /* Negative */ : 0 /* Unsigned */, magnitude);
        const hex = magnitude.toString(16);
        const bytes = new Uint8Array(Math.ceil(hex.length / 2));
        for (let i = bytes.length - 1, end = hex.length; i >= 0; i--, end -= 2) bytes[i] = Number.parseInt(hex.slice(Math.max(0, end - 2), end), 16);
        this.#head(6 /* Tag */, negative ? 3 /* BignumNegative */ : 2 /* BignumPositive */);
        return this.#string(2 /* Bytes */, bytes);
      }
      case "object":
        if (item === null) return this.#head(7 /* Simple */, 22);
        return this.#object(item);
      default:
        throw new UnencodableError(`a ${typeof item}`);
    }
  }
  #object(item) {
    if (this.#repeated?.has(item)) {
      const index = this.#repeated.get(item);
      if (index !== void 0) {
        this.#head(6 /* Tag */, 29 /* SharedRef */);
        return this.#head(0 /* Unsigned */, index);
      }
      this.#repeated.set(item, this.#sharedCount++);
      this.#head(6 /* Tag */, 28 /* Shareable */);
    }
    if (item instanceof Date) {
      this.#head(6 /* Tag */, 1 /* DateEpoch */);
      const seconds = item.getTime() / 1e3;
      return seconds >= 0 ? this.#write(seconds) : this.#float64(seconds);
    }
    if (ArrayBuffer.isView(item)) {
      const tag = TYPED_ARRAYS.find(([, type]) => item instanceof type)?.[0];
      if (tag !== void 0) this.#head(6 /* Tag */, tag);
      return this.#string(2 /* Bytes */, new Uint8Array(item.buffer, item.byteOffset, item.byteLength));
    }
    if (item instanceof ArrayBuffer) return this.#string(2 /* Bytes */, new Uint8Array(item));
    if (++this.#depth > this.#maxDepth) throw new UnencodableError(`data nested more than ${this.#maxDepth} levels deep`);
    if (item instanceof Map) {
      this.#head(6 /* Tag */, 259 /* Map */);
      this.#head(5 /* Map */, item.size);
      for (const [key, entry] of item) {
        this.#write(key);
        this.#write(entry);
      }
    } else if (item instanceof Set || Array.isArray(item)) {
      if (item instanceof Set) this.#head(6 /* Tag */, 258 /* Set */);
      this.#head(4 /* Array */, item instanceof Set ? item.size : item.length);
      for (const entry of item) this.#write(entry);
    } else {
      const proto = Object.getPrototypeOf(item);
      const unencodable = proto === Object.prototype || proto === null ? void 0 : unencodableObject(item);
      if (unencodable) throw new UnencodableError(unencodable);
      const keys = Object.keys(item);
      this.#head(5 /* Map */, keys.length);
      for (const key of keys) {
        this.#write(key);
        this.#write(item[key]);
      }
    }
    this.#depth--;
  }
};

// src/protocol/cbor.ts
function encodeCbor(value, maxDepth) {
  return new Encoder(maxDepth).value(value).bytes();
}
function decodeCbor(data) {
  return new Decoder(data).document();
}
function decodeCborFromClient(data) {
  return new Decoder(data, 8 * data.byteLength + 65536).document();
}

// src/protocol/errors.ts
var ERROR_BRAND = /* @__PURE__ */ Symbol.for("actorflare.error");
var ActorflareError = class _ActorflareError extends Error {
  code;
  status;
  metadata;
  public;
  [ERROR_BRAND] = true;
  /**
   * `instanceof ActorflareError` holds for the errors of any copy of actorflare (a library that
   * bundles its own, say), by the brand; the subclasses keep the ordinary check.
   */
  static [Symbol.hasInstance](value) {
    if (this !== _ActorflareError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === "object" && value !== null && value[ERROR_BRAND] === true;
  }
  constructor(code, message, options = {}) {
    super(message, { cause: options.cause });
    this.name = "ActorflareError";
    this.code = code;
    this.public = options.public ?? true;
    this.status = options.status ?? (this.public ? 400 : 500);
    this.metadata = options.metadata;
  }
  toBody() {
    return this.metadata === void 0 ? { c: this.code, m: this.message } : { c: this.code, m: this.message, md: this.metadata };
  }
};

// src/protocol/json-text.ts
function jsonText(value) {
  try {
    return JSON.stringify(value);
  } catch (error) {
    let obstacle;
    try {
      obstacle = jsonObstacle(value, "", /* @__PURE__ */ new Set());
    } catch {
    }
    if (obstacle) throw valueNotSerializable(obstacle, "json", error);
    throw error;
  }
}
function jsonObstacle(value, key, ancestors) {
  const current = hasToJson(value) ? value.toJSON(key) : value;
  if (typeof current === "bigint") return "bigint";
  if (typeof current !== "object" || current === null) return void 0;
  if (ancestors.has(current)) return "cycle";
  ancestors.add(current);
  for (const [entryKey, entry] of Object.entries(current)) {
    const found = jsonObstacle(entry, entryKey, ancestors);
    if (found) return found;
  }
  ancestors.delete(current);
  return void 0;
}
function hasToJson(value) {
  return (typeof value === "object" || typeof value === "bigint") && value !== null && typeof value.toJSON === "function";
}
function valueNotSerializable(obstacle, wire, cause) {
  const useCbor = 'Use the CBOR encoding (`encoding: "cbor"` in the client\'s options)';
  const message = wire === "rivet23" ? "A value could not be encoded: it has a cycle (an object that contains itself), which RivetKit's wire cannot carry in any encoding. Return or send a value without the cycle (actorflare's own client carries cycles in CBOR)." : obstacle === "bigint" ? `A value could not be encoded as JSON: it holds a bigint, which JSON has no form for. ${useCbor}, or convert the bigint before returning or sending it (String(n), or Number(n) where it is safe).` : `A value could not be encoded as JSON: it has a cycle (an object that contains itself), which JSON has no form for. ${useCbor}, which carries cycles, or return or send a value without the cycle.`;
  return new ActorflareError("value_not_serializable", message, { status: 500, cause });
}
function valueNotEncodable(what, cause) {
  return new ActorflareError(
    "value_not_serializable",
    `A value could not be encoded: it holds ${what}, which no encoding carries. Return or send plain data.`,
    {
      status: 500,
      cause
    }
  );
}

// src/protocol/encoding.ts
function encode(encoding, value) {
  if (encoding === "json") return jsonText(value);
  try {
    return encodeCbor(value);
  } catch (error) {
    throw error instanceof UnencodableError ? valueNotEncodable(error.what, error) : error;
  }
}
function decode(encoding, data) {
  return decodeWith(encoding, data, decodeCbor);
}
function decodeWith(encoding, data, cbor) {
  if (encoding === "json") {
    const text = typeof data === "string" ? data : new TextDecoder().decode(data);
    return JSON.parse(text);
  }
  if (typeof data === "string") throw new TypeError("CBOR data must be binary");
  return cbor(data instanceof Uint8Array ? data : new Uint8Array(data));
}
function contentType(encoding) {
  return encoding === "json" ? "application/json" : "application/octet-stream";
}

// src/client/errors.ts
var CLIENT_ERROR_BRAND = /* @__PURE__ */ Symbol.for("actorflare.client-error");
var ActorError = class _ActorError extends Error {
  // `string & {}` keeps the known codes as suggestions while any UserError code fits.
  code;
  metadata;
  [CLIENT_ERROR_BRAND] = true;
  /** `instanceof ActorError` holds for the errors of any copy of the client (one bundled by a library, say), by the brand. */
  static [Symbol.hasInstance](value) {
    return typeof value === "object" && value !== null && value[CLIENT_ERROR_BRAND] === true;
  }
  constructor(code, message, metadata) {
    super(message);
    this.name = "ActorError";
    this.code = code;
    this.metadata = metadata;
  }
  static fromBody(body) {
    return new _ActorError(body.c, body.m, body.md);
  }
};
async function errorFromResponse(response) {
  if (isRedirect(response)) {
    await response.body?.cancel();
    return redirectRefused(response);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const encoding = response.headers.get("content-type") === contentType("cbor") ? "cbor" : "json";
  try {
    const body = decode(encoding, bytes);
    if (typeof body?.c === "string" && typeof body.m === "string") return ActorError.fromBody(body);
  } catch {
  }
  if (response.status === 431) {
    return new ActorError(
      "headers_too_large",
      "The runtime refused the request's headers as too large (431). The actor's key, conn params and query travel in headers: keep them to a few KB, and pass larger data as action arguments or input."
    );
  }
  if (response.status === 404) {
    return new ActorError(
      "http_error",
      `HTTP 404 from ${response.url || "the endpoint"}, not an answer of actorflare's: nothing serves the actors' routes there. Give the client the Worker's origin (plus a path prefix your own app adds, if any, without /registry), and have the Worker send /registry/... to the registry: export default registry.handler, serve(app), or a route of your app that calls registry.handler.fetch.`,
      { status: 404 }
    );
  }
  return new ActorError("http_error", `HTTP ${response.status}: ${new TextDecoder().decode(bytes.subarray(0, 200))}`, { status: response.status });
}
function isForeignNotFound(error) {
  return error.code === "http_error" && error.metadata?.status === 404;
}
function argumentsNotEncodable(action, encoding, cause) {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const fix = encoding === "json" ? `JSON carries no bigint and no cycles: create the client with encoding "cbor", which carries both, or pass a bigint as a string.` : cause instanceof CborError && !(cause instanceof UnencodableError) ? "The server takes an object the arguments hold many times only up to a size: pass it once, or fewer times." : "CBOR carries no functions or symbols: pass plain data.";
  return new ActorError("arguments_not_encodable", `The arguments of action '${action}' cannot be encoded as ${encoding} (${reason}). ${fix}`);
}
function actionTimedOut(action, timeoutMs, attempt) {
  const within = `within ${timeoutMs} ms`;
  if ("sent" in attempt) {
    return new ActorError("action_timed_out", `Action '${action}' got no answer ${within}; it was sent, so it may or may not have run.`, { sent: true });
  }
  if ("queued" in attempt) {
    return new ActorError(
      "action_timed_out",
      `Action '${action}' was not sent ${within}: it waited behind the connection's earlier messages (over SSE they go out one at a time), and it will not be sent now, so it did not run.`,
      { sent: false }
    );
  }
  const why = attempt.lastFailure ? ` The last attempt to connect failed: ${attempt.lastFailure.message}` : "";
  return new ActorError("action_timed_out", `Action '${action}' was not sent: the connection did not open ${within}, so it did not run.${why}`, {
    sent: false
  });
}
var REDIRECT_STATUSES = /* @__PURE__ */ new Set([301, 302, 303, 307, 308]);
function isRedirect(response) {
  const type = response.type;
  return type === "opaqueredirect" || REDIRECT_STATUSES.has(response.status) || response.redirected;
}
function redirectRefused(response) {
  const target = response.headers.get("location")?.slice(0, 300);
  const answer = response.redirected ? `was redirected to ${response.url} (the fetch given to createClient followed the redirect although the client asked it not to)` : `was answered with a redirect (${response.status === 0 ? "the browser hides its target" : `HTTP ${response.status}${target ? ` to ${target}` : ""}`})`;
  return new ActorError(
    "endpoint_redirected",
    `A request to ${response.redirected ? "the endpoint" : response.url || "the endpoint"} ${answer}. The client follows no redirect on its own requests, which carry the actor query and the conn params: the endpoint likely points at a proxy or an old address that redirects. Pass the address the redirect leads to as createClient's endpoint.`
  );
}

// src/client/arguments.ts
function wireArguments(encoding, args) {
  if (encoding !== "json") return args;
  let end = args.length;
  while (end > 0 && args[end - 1] === void 0) end--;
  return end === args.length ? args : args.slice(0, end);
}
function actionCall(nameOrCall, args) {
  const call = typeof nameOrCall === "object" && nameOrCall !== null ? nameOrCall : { name: nameOrCall, args };
  if (typeof call.name !== "string") {
    throw new ActorError(
      "invalid_request",
      `action() takes the action's name and its arguments: action("increment", [1]) or action({ name: "increment", args: [1] }).`
    );
  }
  const list = call.args ?? [];
  if (!Array.isArray(list)) {
    throw new ActorError("invalid_request", `The arguments of action '${call.name}' must be a list: action(${JSON.stringify(call.name)}, [first, second]).`);
  }
  return { name: call.name, args: list };
}

// src/protocol/backoff.ts
function backoffDelay(attempt, { base, max, jitter = 0 }) {
  return Math.min(max, base * 2 ** attempt) * (1 - jitter * Math.random());
}

// src/protocol/messages.ts
var DESTROYED_CLOSE = { code: 1001, reason: "actor_destroyed" };
var SUBSCRIPTIONS_PARAM = "subscriptions";

// src/client/driver.ts
var ATTEMPT_TIMED_OUT = /* @__PURE__ */ Symbol("actorflare.attemptTimedOut");

// src/client/callbacks.ts
function runCallbacks(callbacks, args, what) {
  for (const callback of [...callbacks]) {
    try {
      callback(...args);
    } catch (error) {
      reportCallbackError(error, what);
    }
  }
}
function reportCallbackError(error, what) {
  const report = globalThis.reportError;
  if (typeof report === "function") report(error);
  else console.error(`actorflare: a ${what} callback threw (the connection is unaffected):`, error);
}
function register(callbacks, callback) {
  const registration = (...args) => callback(...args);
  callbacks.add(registration);
  return () => {
    callbacks.delete(registration);
  };
}

// src/client/connection-faults.ts
var TRANSIENT_REFUSALS = /* @__PURE__ */ new Set(["actor_overloaded", "proxy_error", "index_unavailable"]);
var PASSING_FAULTS = /* @__PURE__ */ new Set(["internal_error", "actor_start_failed", "migration_failed"]);
function refused(code, { open, everOpened }) {
  if (open || TRANSIENT_REFUSALS.has(code)) return false;
  if (code === "http_error") return !everOpened;
  return !(everOpened && PASSING_FAULTS.has(code));
}
function refusedAtOpen(failure, standing) {
  const { code } = failure;
  if (code === "websocket_unavailable") return true;
  if (code === "connection_failed" || code === "connection_lost" || code === "http_error" && !isForeignNotFound(failure)) return false;
  return refused(code, standing);
}
function actorGone(code, { actorKnown }) {
  return code === DESTROYED_CLOSE.reason || code === "actor_not_found" && actorKnown;
}
var MESSAGE_FAULTS = /* @__PURE__ */ new Set(["message_too_long", "malformed_message", "conn_not_found"]);
var START_FAULTS = /* @__PURE__ */ new Set(["actor_start_failed", "migration_failed"]);
function refusedMessage(close) {
  return close && MESSAGE_FAULTS.has(close.reason) ? close.reason : void 0;
}
function droppedCallError(close) {
  if (close && START_FAULTS.has(close.reason)) {
    return new ActorError(close.reason, "The actor could not start, so the action did not run; the connection tries again.");
  }
  const refused2 = refusedMessage(close);
  return new ActorError("connection_lost", `The connection dropped${refused2 ? ` (${refused2})` : ""} before the action answered; it may or may not have run.`);
}
function largestSent(pending) {
  let largest;
  for (const entry of pending) if (entry[1].sent && (!largest || entry[1].bytes > largest[1].bytes)) largest = entry;
  return largest?.[0];
}
function messageTooLong(action, bytes) {
  return new ActorError(
    "message_too_long",
    `Action '${action}' was not run: its message (${bytes} bytes) is over what the actor accepts (options.maxIncomingMessageSize, 64 KiB by default), so the server closed the connection; it reconnects. Send less.`
  );
}
function closedBeforeOpen(reason) {
  const how = reason ? ` (${reason.code}${reason.reason ? ` ${reason.reason}` : ""})` : "";
  return `The connection ended before it opened${how}: the Worker is unreachable, the network is down, or (in a browser) the page's origin or a header given to createClient({ headers }) is not one setup({ cors }) allows.`;
}

// src/client/network-back.ts
function onNetworkBack(callback) {
  const target = globalThis.window;
  if (typeof target?.addEventListener !== "function" || typeof target.removeEventListener !== "function") return () => {
  };
  target.addEventListener("online", callback);
  return () => target.removeEventListener?.("online", callback);
}

// src/client/pending-calls.ts
var PendingCalls = class {
  #calls = /* @__PURE__ */ new Map();
  #nextId = 0;
  /** The id for the next call. */
  nextId() {
    return this.#nextId++;
  }
  add(id, call) {
    this.#calls.set(id, call);
  }
  get(id) {
    return this.#calls.get(id);
  }
  /** Forgets a call whose timeout fired. */
  delete(id) {
    this.#calls.delete(id);
  }
  /** The calls not sent yet, in the order made. */
  *unsent() {
    for (const entry of this.#calls) if (!entry[1].sent) yield entry;
  }
  /** Ends a call: its timeout stops and `settle` resolves or rejects it. An unknown id (timed out already) does nothing. */
  settle(id, settle) {
    const call = this.#calls.get(id);
    if (!call) return;
    this.#calls.delete(id);
    clearTimeout(call.timer);
    settle(call);
  }
  /** After a close over a frame too large: the largest call sent fails, certainly not run (connection-faults.ts). */
  failLargest() {
    const largest = largestSent(this.#calls);
    if (largest !== void 0) this.settle(largest, (call) => call.reject(messageTooLong(call.name, call.bytes)));
  }
  /** Fails the calls already sent (or, when `all`, every waiting call too). */
  fail(error, all) {
    for (const [id, call] of this.#calls) {
      if (all || call.sent) this.settle(id, (c) => c.reject(error()));
    }
  }
};

// src/client/subscriptions.ts
var CARRIED_CHARACTERS = 4096;
function eventsToCarry(events) {
  const carried = [];
  let length = 6;
  for (const event of events) {
    length += encodeURIComponent(JSON.stringify(event)).length + 3;
    if (length > CARRIED_CHARACTERS) break;
    carried.push(event);
  }
  return carried;
}
var SubscriptionSync = class {
  /** What the server holds, as far as this client has told it. */
  #server = /* @__PURE__ */ new Set();
  /** Events whose listening changed since the last `take`. */
  #changed = /* @__PURE__ */ new Set();
  /** The connection opened holding `carried` (its request named them): every event is to be checked. */
  opened(listened, carried) {
    this.#server = new Set(carried);
    for (const event of listened.keys()) this.#changed.add(event);
    for (const event of carried) this.#changed.add(event);
    return this.take(listened);
  }
  /** Notes that listening to `event` started or stopped; true when it is the first change since the last `take`. */
  note(event) {
    const first = this.#changed.size === 0;
    this.#changed.add(event);
    return first;
  }
  /** The messages that bring the server in line with `listened`, for the changes noted; the server is then taken to hold it. */
  take(listened) {
    const messages = [];
    for (const event of this.#changed) {
      const wanted = listened.has(event);
      if (wanted === this.#server.has(event)) continue;
      messages.push({ b: { sr: { e: event, s: wanted } } });
      if (wanted) this.#server.add(event);
      else this.#server.delete(event);
    }
    this.#changed.clear();
    return messages;
  }
};

// src/client/connection.ts
var RECONNECT_BACKOFF = { base: 250, max: 3e4, jitter: 0.5 };
var CONNECTION_QUERY = /* @__PURE__ */ Symbol("actorflare.connectionQuery");
var ActorConnectionBase = class {
  #driver;
  #query;
  #params;
  #options;
  #listeners = /* @__PURE__ */ new Map();
  #errorListeners = /* @__PURE__ */ new Set();
  #statusListeners = /* @__PURE__ */ new Set();
  #status = "connecting";
  #pending = new PendingCalls();
  #transport;
  #open = false;
  #disposed = false;
  /** Why the connection ended by itself (its actor is gone); later calls fail with it. */
  #ended;
  #attempt = 0;
  /** Counts connection attempts; events of an attempt that is no longer the latest are ignored. */
  #generation = 0;
  /** Set while the next attempt waits out its backoff. */
  #reconnectTimer;
  #stopNetworkWatch;
  /** Ends an attempt that has not opened in time (`connectionTimeout`). */
  #openDeadline;
  /** Abandons the latest attempt while it opens (driver.ts, `ConnectRequest.signal`). */
  #opening;
  /** Why the latest attempt to open failed, until one opens: a call that times out unsent says it. */
  #lastFailure;
  /** The events the latest attempt's request carried: the server subscribed it to them before init. */
  #carried = /* @__PURE__ */ new Set();
  #subscriptions = new SubscriptionSync();
  #actorId;
  #connectionId;
  /** @internal Connections come from a handle: `handle.connect()`. */
  constructor(driver, query, params, options) {
    this.#driver = driver;
    this.#query = query;
    this.#params = params;
    this.#options = options;
    queueMicrotask(() => void this.#connect());
    this.#stopNetworkWatch = onNetworkBack(() => this.#networkBack());
  }
  /** The query this connection addresses its actor by (a symbol, so that no action name is taken: `actorflare/testing` reads it). */
  get [CONNECTION_QUERY]() {
    return this.#query;
  }
  /** The actor's id, once the first connection is open. */
  get actorId() {
    return this.#actorId;
  }
  /** This connection's id on the server (a new one after each reconnect). */
  get connectionId() {
    return this.#connectionId;
  }
  get isOpen() {
    return this.#open;
  }
  get status() {
    return this.#status;
  }
  /**
   * Called on every status change; returns a function that stops listening. A change to
   * `reconnecting` after the server closed the socket also gets the close's code and reason
   * (`conn.disconnect(reason)` on the actor closes with 1000 and that reason).
   */
  onStatusChange(callback) {
    return register(this.#statusListeners, callback);
  }
  /** Calls an action over the connection (`conn.name(...args)` does the same, typed); RivetKit's `action({ name, args })` too. */
  async action(nameOrCall, args) {
    if (this.#disposed) throw this.#ended ?? new ActorError("connection_disposed", "The connection was disposed.");
    const { name, args: list } = actionCall(nameOrCall, args);
    const id = this.#pending.nextId();
    return new Promise((resolve, reject) => {
      const pending = { name, args: wireArguments(this.#options.encoding, list), sent: false, bytes: 0, resolve, reject };
      pending.timer = setTimeout(() => {
        this.#pending.delete(id);
        if (pending.sent) this.#transport?.probe?.();
        const attempt = pending.sent ? { sent: true } : this.#open ? { queued: true } : { lastFailure: this.#lastFailure };
        reject(actionTimedOut(name, this.#options.actionTimeout, attempt));
      }, this.#options.actionTimeout);
      this.#pending.add(id, pending);
      if (this.#open) this.#sendAction(id, pending);
    });
  }
  /** Listens to an event; returns a function that stops listening. Each call is a listener of its own, as in RivetKit, even for the same function. */
  on(event, listener) {
    const callback = listener;
    let callbacks = this.#listeners.get(event);
    if (!callbacks) {
      callbacks = /* @__PURE__ */ new Set();
      this.#listeners.set(event, callbacks);
      this.#subscriptionChanged(event);
    }
    const unregister = register(callbacks, callback);
    return () => {
      unregister();
      if (callbacks.size > 0 || this.#listeners.get(event) !== callbacks) return;
      this.#listeners.delete(event);
      this.#subscriptionChanged(event);
    };
  }
  /** Listens to the next occurrence of an event only. */
  once(event, listener) {
    const stop = this.on(event, (...args) => {
      stop();
      listener(...args);
    });
    return stop;
  }
  /** Connection-level errors (refused connection, malformed message, …). */
  onError(callback) {
    return register(this.#errorListeners, callback);
  }
  /** Closes the connection for good; waiting calls fail with `connection_disposed`. */
  async dispose() {
    if (this.#disposed) return;
    this.#close(() => new ActorError("connection_disposed", "The connection was disposed."));
  }
  async #connect() {
    if (this.#disposed) return;
    const generation = ++this.#generation;
    const current = () => generation === this.#generation && !this.#disposed;
    const attempt = new AbortController();
    this.#opening = attempt;
    clearTimeout(this.#openDeadline);
    this.#openDeadline = setTimeout(() => {
      if (!current() || this.#open) return;
      attempt.abort(ATTEMPT_TIMED_OUT);
      this.#generation++;
      this.#transport?.close();
      this.#transport = void 0;
      this.#lastFailure = new ActorError(
        "connection_failed",
        `The connection did not open within ${this.#options.connectionTimeout} ms (the client's connectionTimeout): the network or the Worker did not answer.`
      );
      this.#dropped();
    }, this.#options.connectionTimeout);
    let transport;
    let closed = false;
    const early = [];
    this.#carried = /* @__PURE__ */ new Set();
    const subscriptions = () => {
      const events = eventsToCarry(this.#listeners.keys());
      if (current()) this.#carried = new Set(events);
      return events;
    };
    try {
      transport = await this.#driver.connect(
        {
          query: this.#query,
          params: this.#params,
          encoding: this.#options.encoding,
          transport: this.#options.transport,
          subscriptions,
          signal: attempt.signal
        },
        {
          onMessage: (message) => {
            if (!current()) return;
            if (transport) this.#receive(message);
            else early.push(message);
          },
          onClose: (reason) => {
            closed = true;
            if (current()) this.#dropped(reason);
          },
          onSending: (message) => {
            if (!("ar" in message.b)) return true;
            const pending = current() ? this.#pending.get(message.b.ar.i) : void 0;
            if (pending) pending.sent = true;
            return pending !== void 0;
          },
          onUnsent: (message) => {
            const pending = current() && "ar" in message.b ? this.#pending.get(message.b.ar.i) : void 0;
            if (pending) pending.sent = false;
          }
        }
      );
    } catch (error) {
      if (!current()) return;
      const failure = error instanceof ActorError ? error : new ActorError("connection_failed", String(error));
      this.#lastFailure = failure;
      if (failure.code !== "connection_failed") this.#emitError(failure);
      if (actorGone(failure.code, this.#standing) || refusedAtOpen(failure, this.#standing)) return this.#end(failure);
      this.#dropped();
      return;
    }
    if (this.#opening === attempt) this.#opening = void 0;
    if (!current()) return transport.close();
    if (closed) return;
    this.#transport = transport;
    for (const message of early.splice(0)) this.#receive(message);
  }
  #receive(message) {
    const body = message.b;
    if ("i" in body) {
      clearTimeout(this.#openDeadline);
      this.#open = true;
      this.#attempt = 0;
      this.#lastFailure = void 0;
      this.#actorId = body.i.ai;
      this.#connectionId = body.i.ci;
      const transport = this.#transport;
      const changes = this.#subscriptions.opened(this.#listeners, this.#carried);
      for (const change of changes) transport?.send(change);
      const subscribed = changes.length > 0 ? transport?.flushed?.() : void 0;
      for (const [id, pending] of this.#pending.unsent()) this.#sendAction(id, pending);
      const announce = () => {
        if (this.#transport === transport && this.#open) this.#setStatus("open");
      };
      if (subscribed) void subscribed.then(announce);
      else announce();
    } else if ("ar" in body) {
      this.#pending.settle(body.ar.i, (pending) => pending.resolve(body.ar.o));
    } else if ("ev" in body) {
      const listeners = this.#listeners.get(body.ev.n);
      if (listeners) runCallbacks(listeners, body.ev.a, `conn.on(${JSON.stringify(body.ev.n)})`);
    } else if ("e" in body) {
      const error = new ActorError(body.e.c, body.e.m, body.e.md);
      if (body.e.ai !== void 0) return this.#pending.settle(body.e.ai, (pending) => pending.reject(error));
      if (!this.#open) this.#lastFailure = error;
      this.#emitError(error);
      if (actorGone(error.code, this.#standing) || refused(error.code, this.#standing)) this.#end(error);
    }
  }
  /** What the codes of connection-faults.ts are read against. */
  get #standing() {
    return { open: this.#open, everOpened: this.#connectionId !== void 0, actorKnown: this.#actorId !== void 0 };
  }
  /** The actor is gone or refused the connection: no reconnect; waiting calls fail with `error`, and so do later ones. */
  #end(error) {
    if (this.#disposed) return;
    this.#ended = error;
    this.#close(() => error);
  }
  /** Ends the connection for good (dispose or #end): no reconnect; waiting calls fail with what `failure` makes. */
  #close(failure) {
    this.#disposed = true;
    this.#stopTimers();
    this.#opening?.abort();
    this.#open = false;
    this.#transport?.close();
    this.#transport = void 0;
    this.#setStatus("disposed");
    this.#pending.fail(failure, true);
  }
  #dropped(reason) {
    if (reason && actorGone(reason.reason, this.#standing)) {
      const message = reason.reason === DESTROYED_CLOSE.reason ? "The actor was destroyed." : "The actor is gone: a reconnect found none.";
      const error = new ActorError(reason.reason, message);
      this.#emitError(error);
      return this.#end(error);
    }
    if (!this.#open) this.#lastFailure ??= new ActorError("connection_failed", closedBeforeOpen(reason));
    this.#open = false;
    this.#transport = void 0;
    const refusedCode = refusedMessage(reason);
    if (refusedCode) this.#emitError(new ActorError(refusedCode, `The server closed the connection over a message it refused (${refusedCode}).`));
    if (refusedCode === "message_too_long") this.#pending.failLargest();
    this.#pending.fail(() => droppedCallError(reason), false);
    if (this.#disposed) return;
    if (this.#status === "open") this.#setStatus("reconnecting", reason);
    this.#reconnectTimer = setTimeout(
      () => {
        this.#reconnectTimer = void 0;
        void this.#connect();
      },
      backoffDelay(this.#attempt++, RECONNECT_BACKOFF)
    );
  }
  /** The browser says the network is back: a reconnect waiting out its backoff goes now, from the shortest wait again. */
  #networkBack() {
    if (this.#reconnectTimer === void 0 || this.#disposed) return;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = void 0;
    this.#attempt = 0;
    void this.#connect();
  }
  #stopTimers() {
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = void 0;
    clearTimeout(this.#openDeadline);
    this.#stopNetworkWatch();
  }
  /** While open, a change of listening goes out once the caller's synchronous code is done, netted with the others (SubscriptionSync). */
  #subscriptionChanged(event) {
    if (this.#open && this.#subscriptions.note(event)) queueMicrotask(() => this.#sendSubscriptions());
  }
  #sendSubscriptions() {
    if (!this.#open) return;
    for (const change of this.#subscriptions.take(this.#listeners)) this.#transport?.send(change);
  }
  #sendAction(id, pending) {
    this.#sendSubscriptions();
    try {
      pending.bytes = this.#transport?.send({ b: { ar: { i: id, n: pending.name, a: pending.args } } }) ?? 0;
    } catch (error) {
      this.#pending.settle(id, (p) => p.reject(argumentsNotEncodable(p.name, this.#options.encoding, error)));
    }
  }
  #setStatus(status, closed) {
    if (this.#status === status) return;
    this.#status = status;
    runCallbacks(this.#statusListeners, closed ? [status, closed] : [status], "conn.onStatusChange");
  }
  #emitError(error) {
    runCallbacks(this.#errorListeners, [error], "conn.onError");
  }
};

// src/client/handle.ts
function normalizeKey(key) {
  return key === void 0 ? [] : typeof key === "string" ? [key] : key;
}
var ActorHandleBase = class {
  #driver;
  #query;
  #params;
  #settings;
  #resources;
  /** @internal Handles come from a client: `client.<name>.getOrCreate(key)`. */
  constructor(driver, query, params, settings, resources) {
    this.#driver = driver;
    this.#query = query;
    this.#params = params;
    this.#settings = settings;
    this.#resources = resources;
  }
  /** The query this handle sends. */
  get query() {
    return this.#query;
  }
  /** The actor's id (creating it if the query allows). Afterwards the handle addresses it by id. */
  async resolve() {
    const actorId = await this.#driver.resolve(this.#query, this.#params);
    this.#query = { getForId: { name: queryActorName(this.#query), actorId } };
    return actorId;
  }
  /**
   * Raw HTTP to the actor's onFetch. `input` is a path (leading slash optional, query string
   * kept), a URL whose path is used, or a Request; `init` may also be a Request.
   */
  fetch(input, init) {
    const base = input instanceof Request ? input : void 0;
    const request = requestInit(base, init);
    if (new Headers(request.headers).get("upgrade")?.toLowerCase() === "websocket") {
      return Promise.reject(
        new ActorError("invalid_request", "handle.fetch() sends plain HTTP to onFetch; open a WebSocket to onWebSocket with handle.websocket(path) instead.")
      );
    }
    return this.#driver.rawFetch(this.#query, actorPath(input), request, this.#params);
  }
  /**
   * A raw WebSocket to the actor's onWebSocket, resolved once open: a W3C-compatible
   * {@link ActorWebSocket} that holds the messages arriving before the first listener.
   */
  async websocket(path = "", protocols) {
    const userProtocols = protocols === void 0 ? [] : typeof protocols === "string" ? [protocols] : protocols;
    const socket = await this.#driver.rawWebSocket(this.#query, actorPath(path), userProtocols, this.#params);
    return this.#resources.addSocket(socket);
  }
  /** Calls an action by name over HTTP (`handle.name(...args)` does the same, typed); RivetKit's `action({ name, args })` too. */
  async action(nameOrCall, args) {
    const call = actionCall(nameOrCall, args);
    return this.#driver.action(this.#query, call.name, call.args, this.#params, this.#settings.encoding);
  }
  /**
   * Destroys the actor: its `onDestroy` runs, its connections close with `actor_destroyed`, and
   * all of its state is deleted. Resolves once it is gone; rejects with `actor_not_found` if there
   * is none (nothing is created). The handle stays usable: a `getOrCreate` handle then makes a new
   * actor with the same key. Public clients need `onAuth` to allow the intent `destroy`.
   */
  destroy() {
    return this.#driver.destroy(existingActorQuery(this.#query), this.#params);
  }
  /** Opens a connection: actions plus events, reconnecting by itself. */
  connect() {
    const connection = new ActorConnectionBase(this.#driver, this.#query, this.#params, this.#settings);
    this.#resources.addConnection(connection);
    return withActionMethods(connection, (name, args) => connection.action(name, args));
  }
};
var NOT_ACTION_NAMES = ["then", "toJSON", "asymmetricMatch", "$$typeof"];
var NOT_ACTIONS = new Set(NOT_ACTION_NAMES);
function isNotAction(target, name) {
  return name in target || NOT_ACTIONS.has(name);
}
function withActionMethods(target, call) {
  return new Proxy(target, {
    get(object, property) {
      if (typeof property !== "string" || isNotAction(object, property)) {
        const value = Reflect.get(object, property, object);
        return typeof value === "function" ? value.bind(object) : value;
      }
      return (...args) => call(property, args);
    }
  });
}
function actorPath(input) {
  const url = typeof input === "string" && !/^https?:\/\//i.test(input) ? (
    // Resolved inside the actor: dot segments (`..`, `%2e%2e`) may not climb out of its raw routes to the registry's others.
    new URL(`/${input.replace(/^\/+/, "")}`, "http://actor")
  ) : input instanceof Request ? new URL(input.url) : new URL(input);
  return `/${url.pathname.replace(/^\/+/, "")}${url.search}`;
}
function requestInit(base, init) {
  const over = init ?? {};
  const from = init instanceof Request ? void 0 : base;
  const method = over.method ?? from?.method ?? "GET";
  const ownBody = "body" in over && over.body !== void 0;
  const body = ownBody ? over.body : from?.body ?? null;
  const bodyOf = init instanceof Request ? init : ownBody ? void 0 : from;
  const result = {
    method,
    headers: over.headers ?? from?.headers,
    body: /^(GET|HEAD)$/i.test(method) ? null : body,
    signal: over.signal ?? from?.signal,
    // Only a `redirect` asked for in so many words: a Request's is "follow" by default.
    redirect: init instanceof Request ? void 0 : init?.redirect
  };
  const asked = init instanceof Request ? init : over;
  const credentials = asked.credentials ?? from?.credentials;
  if (credentials === "include" || credentials === "omit") result.credentials = credentials;
  const cache = asked.cache ?? from?.cache;
  if (cache !== void 0 && cache !== "default") result.cache = cache;
  if (result.body instanceof ReadableStream) {
    result.duplex = "half";
    if (bodyOf) result.bodyOf = bodyOf;
  }
  return result;
}

// src/protocol/headers.ts
var HEADER_QUERY = "x-rivetkit-query";
var HEADER_ENCODING = "x-rivetkit-encoding";
var HEADER_CONN_PARAMS = "x-rivetkit-conn-params";
var HEADER_ACTOR = "x-rivetkit-actor";
var HEADER_CONN = "x-rivetkit-conn";
var HEADER_CONN_TOKEN = "x-rivetkit-conn-token";

// src/protocol/subprotocols.ts
var PROTOCOL_RIVETKIT = "rivetkit";
var PROTOCOL_QUERY_PREFIX = "query.";
var PROTOCOL_ENCODING_PREFIX = "encoding.";
var PROTOCOL_CONN_PARAMS_PREFIX = "conn_params.";
function buildProtocols(payload, userProtocols = []) {
  const entries = [PROTOCOL_QUERY_PREFIX + entryPayload(payload.queryJson), PROTOCOL_ENCODING_PREFIX + payload.encoding];
  if (payload.connParamsJson !== void 0) entries.push(PROTOCOL_CONN_PARAMS_PREFIX + entryPayload(payload.connParamsJson));
  entries.push(PROTOCOL_RIVETKIT, ...userProtocols);
  return entries;
}
function entryPayload(text) {
  return encodeURIComponent(text).replace(/[()]/g, (char) => char === "(" ? "%28" : "%29");
}

// src/protocol/plain-object.ts
function isPlainObject(value) {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// src/client/answers.ts
var RESOLVE_ANSWER = {
  text: "{ i: actorId }",
  is: (body) => isPlainObject(body) && Object.keys(body).length === 1 && typeof body.i === "string" && /^[\w-]{1,256}$/.test(body.i)
};
var ACTION_ANSWER = {
  text: "{ o: output } or {}",
  is: (body) => isPlainObject(body) && Object.keys(body).every((key) => key === "o")
};
var DESTROY_ANSWER = { text: "{}", is: isPlainObject };
var LIST_ANSWER = {
  text: "{ actors: [{ id, name, key, createdAt }], cursor? }",
  is: (body) => isPlainObject(body) && Array.isArray(body.actors) && body.actors.every(isListing) && (body.cursor === void 0 || typeof body.cursor === "string")
};
function isListing(entry) {
  return isPlainObject(entry) && typeof entry.id === "string" && typeof entry.name === "string" && Array.isArray(entry.key) && entry.key.every((part) => typeof part === "string") && Number.isFinite(entry.createdAt);
}
async function readAnswer(response, encoding, url, shape) {
  const bytes = new Uint8Array(await response.arrayBuffer());
  let body;
  try {
    body = decode(encoding, bytes);
  } catch {
    throw malformedAnswer(url, shape, encoding, `it does not decode as ${encoding}`);
  }
  if (!shape.is(body)) throw malformedAnswer(url, shape, encoding, "it is not of that shape");
  return body;
}
function malformedAnswer(url, shape, encoding, reason) {
  return new ActorError(
    "malformed_message",
    `The answer to ${url} is not what an actorflare Worker answers there (${shape.text}, in ${encoding}): ${reason}. The endpoint likely points at a server other than the actors' Worker, or something in between changed the answer; check createClient's endpoint.`
  );
}

// src/protocol/base64.ts
function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// src/client/frames.ts
function encodeForServer(encoding, value) {
  const data = encode(encoding, value);
  if (typeof data !== "string" && holdsReference(data)) decodeCborFromClient(data);
  return data;
}
function holdsReference(data) {
  for (let i = data.indexOf(216); i >= 0; i = data.indexOf(216, i + 1)) if (data[i + 1] === 29) return true;
  return false;
}
function byteLength(data) {
  if (typeof data !== "string") return data.byteLength;
  let bytes = data.length;
  for (let i = 0; i < data.length; i++) {
    const unit = data.charCodeAt(i);
    if (unit < 128) continue;
    bytes += unit < 2048 || unit >= 55296 && unit <= 57343 ? 1 : 2;
  }
  return bytes;
}
function decodeToClient(encoding, data) {
  const message = decode(encoding, data);
  if (typeof message !== "object" || message === null || typeof message.b !== "object" || message.b === null) {
    throw new TypeError("not a protocol message");
  }
  return message;
}
function decodeSseData(encoding, data) {
  if (encoding === "json") return decodeToClient("json", data);
  return decodeToClient("cbor", fromBase64(data));
}

// src/client/protocol-request.ts
async function protocolRequest(fetchFn, request) {
  const abort = new AbortController();
  const attempt = async () => {
    const response = await fetchFn(request.url, { ...request.init, redirect: "manual", signal: abort.signal }).catch((error) => {
      throw unreachable(request, error);
    });
    try {
      if (!response.ok || response.redirected) throw await errorFromResponse(response);
      return await request.read(response);
    } catch (error) {
      throw brokenOff(request, error);
    }
  };
  if (request.timeout === void 0) return attempt();
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => {
      reject(timedOut(request));
      abort.abort();
    }, request.timeout);
  });
  try {
    return await Promise.race([attempt(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
function withoutRedirects(fetchFn) {
  return (input, init) => fetchFn(input, { ...init, redirect: "manual" });
}
function timedOut(request) {
  return new ActorError(
    "action_timed_out",
    `${request.what} got no answer from ${request.url} within ${request.timeout} ms (the client's actionTimeout): the server is unreachable, slow, or stopped partway through its answer.${request.afterTimeout ? ` ${request.afterTimeout}` : ""}`
  );
}
function brokenOff(request, error) {
  if (alreadyExplained(error)) return error;
  return new ActorError(
    "connection_lost",
    `${request.what}: the answer from ${request.url} broke off partway (${describeCause(error)}): the server stopped or the connection dropped. The request had reached the server, so the call may or may not have run.`
  );
}
function alreadyExplained(error) {
  return error instanceof ActorError || error instanceof Error && error.name === "AbortError";
}
function describeCause(error) {
  return error instanceof Error ? error.cause?.message ?? error.message : String(error);
}
var CLOSED_UNANSWERED = /* @__PURE__ */ new Set(["UND_ERR_SOCKET", "UND_ERR_CLOSED", "ECONNRESET", "EPIPE"]);
function closedUnanswered(error) {
  const code = error instanceof Error ? error.cause?.code : void 0;
  return typeof code === "string" && CLOSED_UNANSWERED.has(code);
}
function unreachable(request, error) {
  if (alreadyExplained(error)) return error;
  if (closedUnanswered(error)) {
    return new ActorError(
      "connection_lost",
      `${request.what}: the connection to ${request.url} closed before any answer came (${describeCause(error)}): the server stopped or restarted mid-request, or the connection had been kept open from before it restarted (the first call after a restart can meet one). The call may or may not have run: retry it if running it twice is safe.`
    );
  }
  return new ActorError(
    "connection_failed",
    `${request.what} could not reach ${request.url} (${describeCause(error)}): the Worker is not running there, or the network is down${inBrowser() ? ", or the page's origin (or a header given to createClient({ headers })) is not one setup({ cors }) allows (the browser then hides the answer)" : ""}. Check the client's endpoint.`
  );
}
function inBrowser() {
  return typeof globalThis.document === "object";
}

// node_modules/eventsource-parser/dist/index.js
var ParseError = class extends Error {
  constructor(message, options) {
    super(message), this.name = "ParseError", this.type = options.type, this.field = options.field, this.value = options.value, this.line = options.line;
  }
};
var LF = 10;
var CR = 13;
var SPACE = 32;
function noop(_arg) {
}
function createParser(config) {
  if (typeof config == "function")
    throw new TypeError(
      "`config` must be an object, got a function instead. Did you mean `createParser({onEvent: fn})`?"
    );
  const { onEvent = noop, onError = noop, onRetry = noop, onComment, maxBufferSize } = config, pendingFragments = [];
  let pendingFragmentsLength = 0, isFirstChunk = true, id, data = "", dataLines = 0, eventType, terminated = false;
  function feed(chunk) {
    if (terminated)
      throw new Error(
        "Cannot feed parser: it was terminated after exceeding the configured max buffer size. Call `reset()` to resume parsing."
      );
    if (isFirstChunk && (isFirstChunk = false, chunk.charCodeAt(0) === 239 && chunk.charCodeAt(1) === 187 && chunk.charCodeAt(2) === 191 && (chunk = chunk.slice(3))), pendingFragments.length === 0) {
      const trailing2 = processLines(chunk);
      trailing2 !== "" && (pendingFragments.push(trailing2), pendingFragmentsLength = trailing2.length), checkBufferSize();
      return;
    }
    if (chunk.indexOf(`
`) === -1 && chunk.indexOf("\r") === -1) {
      pendingFragments.push(chunk), pendingFragmentsLength += chunk.length, checkBufferSize();
      return;
    }
    pendingFragments.push(chunk);
    const input = pendingFragments.join("");
    pendingFragments.length = 0, pendingFragmentsLength = 0;
    const trailing = processLines(input);
    trailing !== "" && (pendingFragments.push(trailing), pendingFragmentsLength = trailing.length), checkBufferSize();
  }
  function checkBufferSize() {
    maxBufferSize !== void 0 && (pendingFragmentsLength + data.length <= maxBufferSize || (terminated = true, pendingFragments.length = 0, pendingFragmentsLength = 0, id = void 0, data = "", dataLines = 0, eventType = void 0, onError(
      new ParseError(`Buffered data exceeded max buffer size of ${maxBufferSize} characters`, {
        type: "max-buffer-size-exceeded"
      })
    )));
  }
  function processLines(chunk) {
    let searchIndex = 0;
    if (chunk.indexOf("\r") === -1) {
      let lfIndex = chunk.indexOf(`
`, searchIndex);
      for (; lfIndex !== -1; ) {
        if (searchIndex === lfIndex) {
          dataLines > 0 && onEvent({ id, event: eventType, data }), id = void 0, data = "", dataLines = 0, eventType = void 0, searchIndex = lfIndex + 1, lfIndex = chunk.indexOf(`
`, searchIndex);
          continue;
        }
        const firstCharCode = chunk.charCodeAt(searchIndex);
        if (isDataPrefix(chunk, searchIndex, firstCharCode)) {
          const valueStart = chunk.charCodeAt(searchIndex + 5) === SPACE ? searchIndex + 6 : searchIndex + 5, value = chunk.slice(valueStart, lfIndex);
          if (dataLines === 0 && chunk.charCodeAt(lfIndex + 1) === LF) {
            onEvent({ id, event: eventType, data: value }), id = void 0, data = "", eventType = void 0, searchIndex = lfIndex + 2, lfIndex = chunk.indexOf(`
`, searchIndex);
            continue;
          }
          data = dataLines === 0 ? value : `${data}
${value}`, dataLines++;
        } else isEventPrefix(chunk, searchIndex, firstCharCode) ? eventType = chunk.slice(
          chunk.charCodeAt(searchIndex + 6) === SPACE ? searchIndex + 7 : searchIndex + 6,
          lfIndex
        ) || void 0 : parseLine(chunk, searchIndex, lfIndex);
        searchIndex = lfIndex + 1, lfIndex = chunk.indexOf(`
`, searchIndex);
      }
      return chunk.slice(searchIndex);
    }
    for (; searchIndex < chunk.length; ) {
      const crIndex = chunk.indexOf("\r", searchIndex), lfIndex = chunk.indexOf(`
`, searchIndex);
      let lineEnd = -1;
      if (crIndex !== -1 && lfIndex !== -1 ? lineEnd = crIndex < lfIndex ? crIndex : lfIndex : crIndex !== -1 ? crIndex === chunk.length - 1 ? lineEnd = -1 : lineEnd = crIndex : lfIndex !== -1 && (lineEnd = lfIndex), lineEnd === -1)
        break;
      parseLine(chunk, searchIndex, lineEnd), searchIndex = lineEnd + 1, chunk.charCodeAt(searchIndex - 1) === CR && chunk.charCodeAt(searchIndex) === LF && searchIndex++;
    }
    return chunk.slice(searchIndex);
  }
  function parseLine(chunk, start, end) {
    if (start === end) {
      dispatchEvent();
      return;
    }
    const firstCharCode = chunk.charCodeAt(start);
    if (isDataPrefix(chunk, start, firstCharCode)) {
      const valueStart = chunk.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5, value2 = chunk.slice(valueStart, end);
      data = dataLines === 0 ? value2 : `${data}
${value2}`, dataLines++;
      return;
    }
    if (isEventPrefix(chunk, start, firstCharCode)) {
      eventType = chunk.slice(chunk.charCodeAt(start + 6) === SPACE ? start + 7 : start + 6, end) || void 0;
      return;
    }
    if (firstCharCode === 105 && chunk.charCodeAt(start + 1) === 100 && chunk.charCodeAt(start + 2) === 58) {
      const value2 = chunk.slice(chunk.charCodeAt(start + 3) === SPACE ? start + 4 : start + 3, end);
      value2.includes("\0") || (id = value2);
      return;
    }
    if (firstCharCode === 58) {
      if (onComment) {
        const line2 = chunk.slice(start, end);
        onComment(line2.slice(chunk.charCodeAt(start + 1) === SPACE ? 2 : 1));
      }
      return;
    }
    const line = chunk.slice(start, end), fieldSeparatorIndex = line.indexOf(":");
    if (fieldSeparatorIndex === -1) {
      processField(line, "", line);
      return;
    }
    const field = line.slice(0, fieldSeparatorIndex), offset = line.charCodeAt(fieldSeparatorIndex + 1) === SPACE ? 2 : 1, value = line.slice(fieldSeparatorIndex + offset);
    processField(field, value, line);
  }
  function processField(field, value, line) {
    switch (field) {
      case "event":
        eventType = value || void 0;
        break;
      case "data":
        data = dataLines === 0 ? value : `${data}
${value}`, dataLines++;
        break;
      case "id":
        value.includes("\0") || (id = value);
        break;
      case "retry":
        /^\d+$/.test(value) ? onRetry(parseInt(value, 10)) : onError(
          new ParseError(`Invalid \`retry\` value: "${value}"`, {
            type: "invalid-retry",
            value,
            line
          })
        );
        break;
      default:
        onError(
          new ParseError(
            `Unknown field "${field.length > 20 ? `${field.slice(0, 20)}\u2026` : field}"`,
            { type: "unknown-field", field, value, line }
          )
        );
        break;
    }
  }
  function dispatchEvent() {
    dataLines > 0 && onEvent({
      id,
      event: eventType,
      data
    }), id = void 0, data = "", dataLines = 0, eventType = void 0;
  }
  function reset(options = {}) {
    if (options.consume && pendingFragments.length > 0) {
      const incompleteLine = pendingFragments.join("");
      parseLine(incompleteLine, 0, incompleteLine.length);
    }
    isFirstChunk = true, id = void 0, data = "", dataLines = 0, eventType = void 0, pendingFragments.length = 0, pendingFragmentsLength = 0, terminated = false;
  }
  return { feed, reset };
}
function isDataPrefix(chunk, i, firstCharCode) {
  return firstCharCode === 100 && chunk.charCodeAt(i + 1) === 97 && chunk.charCodeAt(i + 2) === 116 && chunk.charCodeAt(i + 3) === 97 && chunk.charCodeAt(i + 4) === 58;
}
function isEventPrefix(chunk, i, firstCharCode) {
  return firstCharCode === 101 && chunk.charCodeAt(i + 1) === 118 && chunk.charCodeAt(i + 2) === 101 && chunk.charCodeAt(i + 3) === 110 && chunk.charCodeAt(i + 4) === 116 && chunk.charCodeAt(i + 5) === 58;
}

// src/client/liveness.ts
var DEFAULT_HEARTBEAT = { interval: 15e3, timeout: 1e4 };
var STALL_MS = 1e3;
function watchLiveness(options, ask, dead) {
  const interval = options.interval ?? DEFAULT_HEARTBEAT.interval;
  const timeout = options.timeout ?? DEFAULT_HEARTBEAT.timeout;
  let timer;
  let stopped = false;
  let lastHeard = Date.now();
  let askedAt;
  let heardSinceAsk = false;
  let dueAt = 0;
  const schedule = (ms) => {
    clearTimeout(timer);
    dueAt = Date.now() + ms;
    timer = setTimeout(tick, Math.max(ms, 1));
  };
  const askNow = () => {
    askedAt = Date.now();
    heardSinceAsk = false;
    ask();
    schedule(timeout);
  };
  const tick = () => {
    if (stopped) return;
    const now = Date.now();
    if (now - dueAt > STALL_MS) return schedule(0);
    if (askedAt !== void 0 && !heardSinceAsk) {
      if (now - askedAt < timeout) return schedule(askedAt + timeout - now);
      stopped = true;
      return dead();
    }
    askedAt = void 0;
    const silent = now - lastHeard;
    if (silent < interval) return schedule(interval - silent);
    askNow();
  };
  schedule(interval);
  return {
    heard: (answers) => {
      lastHeard = Date.now();
      if (answers) heardSinceAsk = true;
    },
    probe: () => {
      if (!stopped && (askedAt === void 0 || heardSinceAsk)) askNow();
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    }
  };
}

// src/client/actor-websocket.ts
var ActorWebSocket = class extends EventTarget {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  CONNECTING = 0;
  OPEN = 1;
  CLOSING = 2;
  CLOSED = 3;
  url;
  protocol;
  #socket;
  /** Messages waiting for the first listener; undefined once they were handed over. */
  #held = [];
  #releasing = false;
  #handlers = {};
  /** @internal Made by `handle.websocket()`. */
  constructor(socket, facts) {
    super();
    this.#socket = socket;
    this.url = facts.url;
    this.protocol = facts.protocol;
    socket.addEventListener("message", (event) => this.#receive(new MessageEvent("message", { data: event.data })));
    socket.addEventListener("close", (event) => this.dispatchEvent(closeEvent(event)));
    socket.addEventListener("error", () => this.dispatchEvent(new Event("error")));
    socket.addEventListener("open", () => this.dispatchEvent(new Event("open")));
  }
  get readyState() {
    return this.#socket.readyState;
  }
  get binaryType() {
    return this.#socket.binaryType;
  }
  set binaryType(type) {
    this.#socket.binaryType = type;
  }
  /** Bytes queued but not sent yet (0 where the platform does not tell, as in Workers). */
  get bufferedAmount() {
    return this.#socket.bufferedAmount ?? 0;
  }
  get extensions() {
    return this.#socket.extensions ?? "";
  }
  send(data) {
    this.#socket.send(data);
  }
  close(code, reason) {
    this.#socket.close(code, reason);
  }
  addEventListener(type, listener, options) {
    super.addEventListener(type, listener, options);
    if (type === "message" && listener) this.#release();
  }
  removeEventListener(type, listener, options) {
    super.removeEventListener(type, listener, options);
  }
  get onopen() {
    return this.#handlers.open ?? null;
  }
  set onopen(handler) {
    this.#setHandler("open", handler);
  }
  get onmessage() {
    return this.#handlers.message ?? null;
  }
  set onmessage(handler) {
    this.#setHandler("message", handler);
  }
  get onclose() {
    return this.#handlers.close ?? null;
  }
  set onclose(handler) {
    this.#setHandler("close", handler);
  }
  get onerror() {
    return this.#handlers.error ?? null;
  }
  set onerror(handler) {
    this.#setHandler("error", handler);
  }
  /** As in browsers, a handler keeps the place among listeners where it was first set. */
  #setHandler(type, handler) {
    const registered = type in this.#handlers;
    this.#handlers[type] = typeof handler === "function" ? handler : null;
    if (!registered && !eventTargetCallsHandlers()) {
      super.addEventListener(type, (event) => this.#handlers[type]?.call(this, event));
    }
    if (type === "message" && typeof handler === "function") this.#release();
  }
  #receive(event) {
    if (this.#held) this.#held.push(event);
    else this.dispatchEvent(event);
  }
  /**
   * Hands the held messages over in a microtask, so that a caller setting `onmessage` and a
   * listener together gets them in both. Messages arrive as tasks, so none can come in between.
   */
  #release() {
    if (!this.#held || this.#releasing) return;
    this.#releasing = true;
    queueMicrotask(() => {
      const held = this.#held ?? [];
      this.#held = void 0;
      for (const event of held) this.dispatchEvent(event);
    });
  }
};
var callsHandlers;
function eventTargetCallsHandlers() {
  if (callsHandlers === void 0) {
    const probe = new class extends EventTarget {
      onprobe = () => {
        callsHandlers = true;
      };
    }();
    callsHandlers = false;
    probe.dispatchEvent(new Event("probe"));
  }
  return callsHandlers;
}
function closeEvent({ code, reason, wasClean }) {
  if (typeof CloseEvent === "function") return new CloseEvent("close", { code, reason, wasClean });
  return Object.assign(new Event("close"), { code, reason, wasClean });
}

// src/client/node-websocket.ts
async function fallbackWebSocket() {
  try {
    const { WebSocket } = await Promise.resolve().then(() => __toESM(require_browser(), 1));
    return WebSocket;
  } catch (error) {
    if (error.code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new ActorError(
      "websocket_unavailable",
      "This Node.js has no global WebSocket (Node 20) and the `ws` package is not installed. Install it (`npm install ws`), use Node 22 or later, or pass a constructor: createClient({ endpoint, WebSocket })."
    );
  }
}

// src/client/websocket.ts
function isWorkersRuntime() {
  const nav = globalThis.navigator;
  return nav?.userAgent === "Cloudflare-Workers";
}
async function webSocketConstructor(supplied) {
  if (supplied) return supplied;
  if (typeof globalThis.WebSocket === "function") return globalThis.WebSocket;
  return fallbackWebSocket();
}
function newWebSocket(Ctor, url, protocols, headers) {
  if (!headers || Object.keys(headers).length === 0) return new Ctor(url, protocols);
  if (isNode() && Ctor === globalThis.WebSocket) {
    const NodeWebSocket = Ctor;
    return new NodeWebSocket(url, { protocols, headers });
  }
  const WithOptions = Ctor;
  return new WithOptions(url, protocols, { headers });
}
function isNode() {
  return globalThis.process?.versions?.node !== void 0;
}
function openWebSocket(Ctor, url, protocols, headers) {
  const socket = newWebSocket(Ctor, url, protocols, headers);
  socket.binaryType = "arraybuffer";
  socket.addEventListener("error", () => {
  });
  return settleOpening(socket, () => ({ url, protocol: socket.protocol ?? "" }));
}
async function acceptUpgradeResponse(response, url) {
  const socket = response.webSocket;
  if (response.status !== 101 || !socket) throw await errorFromResponse(response);
  socket.accept();
  socket.binaryType = "arraybuffer";
  const protocol = response.headers.get("sec-websocket-protocol") ?? "";
  return settleOpening(socket, () => ({ url, protocol }), true);
}
function settleOpening(socket, factsOf, alreadyOpen = false) {
  return new Promise((resolve, reject) => {
    let refused2 = false;
    const onOpen = () => {
      const facts = factsOf();
      if (facts.protocol !== "" && facts.protocol !== PROTOCOL_RIVETKIT) {
        refused2 = true;
        return;
      }
      cleanup();
      resolve(new ActorWebSocket(socket, facts));
    };
    const onClose = (event) => {
      cleanup();
      const code = event.reason || (refused2 ? "internal_error" : "websocket_closed");
      reject(
        new ActorError(code, `The WebSocket was closed before it was usable (close ${event.code}${event.reason ? `: ${event.reason}` : ""}).`, {
          closeCode: event.code
        })
      );
    };
    const cleanup = () => {
      socket.removeEventListener("open", onOpen);
      socket.removeEventListener("close", onClose);
    };
    socket.addEventListener("open", onOpen);
    socket.addEventListener("close", onClose);
    if (alreadyOpen) onOpen();
  });
}

// src/client/transports.ts
var HEARTBEAT_DROP = { code: 1006, reason: "heartbeat_timeout" };
function webSocketTransport(socket, encoding, handlers, heartbeat = {}) {
  socket.binaryType = "arraybuffer";
  let liveness;
  let reported = false;
  let pingsSent = 0;
  let pongsHeard = 0;
  const awaitingPong = [];
  const ping = () => {
    if (sendPing(socket)) pingsSent++;
  };
  const pongCame = () => {
    pongsHeard++;
    while (awaitingPong[0] && awaitingPong[0].pongs <= pongsHeard) awaitingPong.shift()?.resolve();
  };
  const report = (reason) => {
    if (reported) return;
    reported = true;
    liveness?.stop();
    for (const { resolve } of awaitingPong.splice(0)) resolve();
    handlers.onClose(reason);
  };
  const opened = () => {
    ping();
    liveness = watchLiveness(heartbeat, ping, () => {
      report(HEARTBEAT_DROP);
      closeDead(socket);
    });
  };
  if (socket.readyState === OPEN) opened();
  else socket.addEventListener("open", opened);
  socket.addEventListener("message", (event) => {
    liveness?.heard(event.data === PONG);
    if (event.data === PONG) return pongCame();
    let message;
    try {
      message = decodeToClient(encoding, event.data);
    } catch {
      return socket.close(1011, "malformed_message");
    }
    handlers.onMessage(message);
  });
  socket.addEventListener("close", (event) => report({ code: event.code, reason: event.reason }));
  socket.addEventListener("error", () => {
  });
  return {
    send: (message) => {
      const data = encodeForServer(encoding, message);
      handlers.onSending?.(message);
      try {
        socket.send(data);
      } catch {
      }
      return byteLength(data);
    },
    close: () => {
      liveness?.stop();
      socket.close(1e3, "client disposed");
      const terminate = terminateOf(socket);
      if (terminate) setTimeout(terminate, CLOSE_HANDSHAKE_MS).unref?.();
    },
    probe: () => liveness?.probe(),
    // The runtime reads a socket's frames in order, hands each to the actor before reading the
    // next, and answers `ping` when it reads it: once this ping's pong is back, a request another
    // client makes reaches the actor after every frame sent here so far.
    flushed: () => new Promise((resolve) => {
      if (reported) return resolve();
      ping();
      awaitingPong.push({ pongs: pingsSent, resolve });
      if (pingsSent <= pongsHeard) awaitingPong.pop()?.resolve();
    })
  };
}
var CLOSE_HANDSHAKE_MS = 2e3;
function terminateOf(socket) {
  const terminate = socket.terminate;
  return typeof terminate === "function" ? () => terminate.call(socket) : void 0;
}
function closeDead(socket) {
  const terminate = terminateOf(socket);
  if (terminate) terminate();
  else socket.close(1e3, "heartbeat timed out");
}
var ABANDONED_HANDSHAKE_MS = 2e3;
function abandonOpening(socket, close) {
  const cut = setTimeout(() => closeDead(socket), ABANDONED_HANDSHAKE_MS);
  cut.unref?.();
  const settled = () => clearTimeout(cut);
  socket.addEventListener("open", () => {
    settled();
    close();
  });
  socket.addEventListener("close", settled);
}
var OPEN = 1;
var PING = "ping";
var PONG = "pong";
function sendPing(socket) {
  try {
    socket.send(PING);
    return true;
  } catch {
    return false;
  }
}
var GONE_STREAM_GRACE_MS = 5e3;
var POSTS_GRACE_MS = 5e3;
var CONNECTION_GONE = /* @__PURE__ */ new Set(["conn_not_found", "incorrect_conn_token", "actor_not_found"]);
var NOT_FROM_CACHE = isWorkersRuntime() ? {} : { cache: "no-store" };
function sseTransport(options, handlers) {
  const abort = new AbortController();
  const cutPosts = new AbortController();
  let reader;
  let identity;
  let closed = false;
  let queue = Promise.resolve();
  let gone;
  const finish = (reason) => {
    if (closed) return;
    closed = true;
    liveness.stop();
    clearTimeout(gone);
    abort.abort();
    reader?.cancel().catch(() => {
    });
    const grace = setTimeout(() => cutPosts.abort(), POSTS_GRACE_MS);
    void queue.then(() => {
      clearTimeout(grace);
      handlers.onClose(reason);
    });
  };
  const receive = (message) => {
    if ("i" in message.b) identity = message.b.i;
    handlers.onMessage(message);
  };
  const receiveRefusal = (error, ai) => receive({ b: { e: { c: error.code, m: error.message, md: error.metadata, ai } } });
  const liveness = watchLiveness(
    options.heartbeat ?? {},
    () => {
    },
    () => {
      cutPosts.abort();
      finish(HEARTBEAT_DROP);
    }
  );
  void (async () => {
    try {
      const headers = new Headers(options.headers);
      headers.set("accept", "text/event-stream");
      const response = await options.fetch(options.streamUrl, { headers, signal: abort.signal, ...NOT_FROM_CACHE });
      const answered = response.ok && !response.redirected;
      if (!answered || !response.body || !response.headers.get("content-type")?.startsWith("text/event-stream")) {
        const error = answered ? void 0 : await errorFromResponse(response);
        if (error && (error.code !== "http_error" || isForeignNotFound(error))) receiveRefusal(error);
        return finish({ code: response.status, reason: `unexpected answer ${response.status}` });
      }
      const parser = createParser({
        onEvent: (event) => {
          if (event.event === "error") receive({ b: { e: { c: event.data, m: event.data } } });
          else receive(decodeSseData(options.encoding, event.data));
        }
      });
      reader = response.body.getReader();
      const decoder = new TextDecoder();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        liveness.heard(true);
        parser.feed(decoder.decode(chunk.value, { stream: true }));
      }
      finish();
    } catch {
      finish();
    }
  })();
  const post = async (message, body) => {
    if (!identity || closed || gone) return handlers.onUnsent?.(message);
    if (handlers.onSending?.(message) === false) return;
    const headers = new Headers({
      [HEADER_ACTOR]: identity.ai,
      [HEADER_CONN]: identity.ci,
      [HEADER_CONN_TOKEN]: identity.ct,
      [HEADER_ENCODING]: options.encoding
    });
    const cut = new AbortController();
    const cutThis = () => cut.abort();
    cutPosts.signal.addEventListener("abort", cutThis);
    let stalled = false;
    const deadline = options.postTimeout === void 0 ? void 0 : setTimeout(() => {
      stalled = true;
      cut.abort();
    }, options.postTimeout);
    try {
      const response = await options.fetch(options.messageUrl, { method: "POST", headers, body, signal: cut.signal });
      if (response.ok && !response.redirected) return void await response.arrayBuffer();
      const error = await errorFromResponse(response);
      if (CONNECTION_GONE.has(error.code)) {
        handlers.onUnsent?.(message);
        gone ??= setTimeout(() => finish({ code: response.status, reason: "message refused" }), GONE_STREAM_GRACE_MS);
        return;
      }
      if (error.code !== "http_error") receiveRefusal(error, "ar" in message.b ? message.b.ar.i : void 0);
      else
        lostPost(message, `was answered ${response.status} by something other than the Worker (a proxy in front of it)`, {
          code: response.status,
          reason: "message refused"
        });
    } catch (error) {
      if (closed) return;
      if (stalled) lostPost(message, `got no answer within ${options.postTimeout} ms (the client's actionTimeout), so it was cut`);
      else if (closedUnanswered(error)) lostPost(message, `lost its connection before any answer (${error.cause.message})`);
      else finish();
    } finally {
      clearTimeout(deadline);
      cutPosts.signal.removeEventListener("abort", cutThis);
    }
  };
  const lostPost = (message, what, reason) => {
    if (!("ar" in message.b)) return finish(reason);
    const lost = new ActorError(
      "connection_lost",
      `The POST that carried action '${message.b.ar.n}' ${what}: it may or may not have run. The connection stays open.`
    );
    receiveRefusal(lost, message.b.ar.i);
  };
  return {
    send: (message) => {
      const body = encodeForServer(options.encoding, message);
      queue = queue.then(() => post(message, body));
      return byteLength(body);
    },
    close: () => {
      cutPosts.abort();
      finish({ code: 1e3, reason: "client disposed" });
    },
    probe: () => liveness.probe(),
    flushed: () => queue
  };
}

// src/client/unopened-websocket.ts
async function refusalBehindClose(fetchFn, url, headers, timeout) {
  try {
    return await protocolRequest(fetchFn, {
      url,
      init: { headers },
      read: async (response) => void await response.body?.cancel(),
      timeout,
      what: "The GET behind a closed WebSocket"
    });
  } catch (error) {
    if (!(error instanceof ActorError)) return void 0;
    if (isForeignNotFound(error)) return error;
    return ["upgrade_required", "http_error", "action_timed_out"].includes(error.code) ? void 0 : error;
  }
}

// src/client/http-driver.ts
var HttpClientDriver = class {
  #actorsUrl;
  /** The caller's fetch, as given: for raw HTTP, whose redirects are the caller's to follow. */
  #fetch;
  /** The same, following no redirect: for the client's own requests (protocol-request.ts). */
  #ownFetch;
  #WebSocket;
  #headers;
  #timeout;
  #heartbeat;
  constructor(options) {
    this.#actorsUrl = `${options.endpoint.replace(/\/+$/, "")}/registry/actors`;
    this.#fetch = options.fetch;
    this.#ownFetch = withoutRedirects(options.fetch);
    this.#WebSocket = options.WebSocket;
    this.#headers = options.headers;
    this.#timeout = options.actionTimeout;
    this.#heartbeat = options.heartbeat ?? {};
  }
  async resolve(query, params) {
    const headers = protocolHeaders(query, params);
    headers.set("content-type", "application/json");
    const url = `${this.#actorsUrl}/resolve`;
    const answer = await protocolRequest(this.#ownFetch, {
      url,
      init: { method: "POST", headers, body: "{}" },
      read: (response) => readAnswer(response, "json", url, RESOLVE_ANSWER),
      timeout: this.#timeout,
      what: "create" in query ? "create()" : "resolve()"
    });
    return answer.i;
  }
  /**
   * No deadline here: a destroy waits for the actor's running requests and its `onDestroy`, each
   * up to the server's own actionTimeout (60 s by default), longer than the client's default.
   */
  async destroy(query, params) {
    const headers = protocolHeaders(query, params);
    headers.set("content-type", "application/json");
    const url = `${this.#actorsUrl}/destroy`;
    await protocolRequest(this.#ownFetch, {
      url,
      init: { method: "POST", headers, body: "{}" },
      read: (response) => readAnswer(response, "json", url, DESTROY_ANSWER),
      timeout: void 0,
      what: "destroy()"
    });
  }
  async list(name, page2, params) {
    const search = new URLSearchParams({ name });
    if (page2.limit !== void 0) search.set("limit", String(page2.limit));
    if (page2.cursor !== void 0) search.set("cursor", page2.cursor);
    const headers = new Headers({ [HEADER_ENCODING]: "json" });
    if (params !== void 0) headers.set(HEADER_CONN_PARAMS, JSON.stringify(params));
    const url = `${this.#actorsUrl}/list?${search}`;
    return protocolRequest(this.#ownFetch, {
      url,
      init: { headers },
      read: (response) => readAnswer(response, "json", url, LIST_ANSWER),
      timeout: this.#timeout,
      what: "list()"
    });
  }
  async rawFetch(query, path, raw, params) {
    const headers = new Headers(raw.headers);
    for (const [name, value] of protocolHeaders(query, params)) headers.set(name, value);
    const init = { method: raw.method, headers, redirect: raw.redirect ?? "manual", signal: raw.signal ?? null };
    if (raw.credentials) init.credentials = raw.credentials;
    if (raw.cache !== void 0) init.cache = raw.cache;
    if (raw.body instanceof ReadableStream) {
      if (raw.bodyOf && isNode()) {
        init.body = await raw.bodyOf.arrayBuffer();
      } else if (canStreamUploads()) {
        init.body = raw.body;
        init.duplex = "half";
      } else {
        init.body = await new Response(raw.body).arrayBuffer();
      }
    } else if (raw.body !== void 0 && raw.body !== null) {
      init.body = raw.body;
    }
    return this.#fetch(`${this.#actorsUrl}/raw/http${path}`, init);
  }
  async rawWebSocket(query, path, protocols, params) {
    const offered = connectionProtocols(query, params, "json", protocols);
    const url = `${this.#actorsUrl}/raw/websocket${path}`;
    if (!this.#WebSocket && isWorkersRuntime()) {
      const response = await this.#ownFetch(url, { headers: { upgrade: "websocket", "sec-websocket-protocol": offered.join(", ") } });
      return acceptUpgradeResponse(response, url);
    }
    const Ctor = await webSocketConstructor(this.#WebSocket);
    try {
      return await openWebSocket(Ctor, url.replace(/^http/, "ws"), offered, this.#headers);
    } catch (error) {
      if (error instanceof ActorError && error.code === "websocket_closed") {
        throw await refusalBehindClose(this.#ownFetch, url, protocolHeaders(query, params), this.#timeout) ?? error;
      }
      throw error;
    }
  }
  async action(query, name, args, params, encoding) {
    const headers = protocolHeaders(query, params, encoding);
    headers.set("content-type", contentType(encoding));
    let body;
    try {
      body = encodeForServer(encoding, { a: wireArguments(encoding, args) });
    } catch (error) {
      throw argumentsNotEncodable(name, encoding, error);
    }
    const url = `${this.#actorsUrl}/actions/${encodeURIComponent(name)}`;
    const answer = await protocolRequest(this.#ownFetch, {
      url,
      init: { method: "POST", headers, body },
      read: (response) => readAnswer(response, encoding, url, ACTION_ANSWER),
      timeout: this.#timeout,
      what: `Action '${name}'`,
      afterTimeout: "The action may or may not have run."
    });
    return answer.o;
  }
  async connect(request, handlers) {
    const subscriptions = subscriptionsQuery(request.subscriptions?.() ?? []);
    if (request.transport === "sse") {
      return sseTransport(
        {
          fetch: this.#ownFetch,
          streamUrl: `${this.#actorsUrl}/connect/sse${subscriptions}`,
          messageUrl: `${this.#actorsUrl}/message`,
          headers: protocolHeaders(request.query, request.params, request.encoding),
          encoding: request.encoding,
          heartbeat: this.#heartbeat,
          postTimeout: this.#timeout
        },
        handlers
      );
    }
    const offered = connectionProtocols(request.query, request.params, request.encoding);
    const url = `${this.#actorsUrl}/connect/websocket`;
    if (!this.#WebSocket && isWorkersRuntime()) {
      const response = await this.#ownFetch(url + subscriptions, {
        headers: { upgrade: "websocket", "sec-websocket-protocol": offered.join(", ") },
        signal: request.signal
      });
      if (!response.webSocket) throw await errorFromResponse(response);
      response.webSocket.accept();
      return webSocketTransport(response.webSocket, request.encoding, handlers, this.#heartbeat);
    }
    const Ctor = await webSocketConstructor(this.#WebSocket);
    const socket = newWebSocket(Ctor, url.replace(/^http/, "ws") + subscriptions, offered, this.#headers);
    let opened = false;
    let abandoned = false;
    const transport = webSocketTransport(socket, request.encoding, { ...handlers, onClose: (reason) => opened && handlers.onClose(reason) }, this.#heartbeat);
    const opening = new Promise((resolve) => {
      socket.addEventListener("open", () => resolve(opened = !abandoned));
      socket.addEventListener("close", () => resolve(false));
      request.signal?.addEventListener("abort", () => {
        if (opened) return;
        abandoned = true;
        resolve(false);
        if (request.signal?.reason === ATTEMPT_TIMED_OUT) closeDead(socket);
        else abandonOpening(socket, transport.close);
      });
    });
    if (await opening) return transport;
    if (request.signal?.aborted) throw new ActorError("connection_failed", `The WebSocket to ${url} did not open in time, and was given up.`);
    throw await refusalBehindClose(this.#ownFetch, url, protocolHeaders(request.query, request.params, request.encoding), this.#timeout) ?? new ActorError(
      "connection_failed",
      `The WebSocket to ${url} closed before it opened: the Worker is unreachable, or something in between refused the upgrade.`
    );
  }
};
function canStreamUploads() {
  return isNode() || isWorkersRuntime();
}
function connectionProtocols(query, params, encoding, userProtocols = []) {
  return buildProtocols({ queryJson: JSON.stringify(query), encoding, connParamsJson: params ? JSON.stringify(params) : void 0 }, userProtocols);
}
function subscriptionsQuery(events) {
  return events.length > 0 ? `?${SUBSCRIPTIONS_PARAM}=${encodeURIComponent(JSON.stringify(events))}` : "";
}
function protocolHeaders(query, params, encoding = "json") {
  const headers = new Headers({ [HEADER_QUERY]: headerJson(query), [HEADER_ENCODING]: encoding });
  if (params !== void 0) headers.set(HEADER_CONN_PARAMS, headerJson(params));
  return headers;
}
function headerJson(value) {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

// src/client/client-fetch.ts
function clientFetch(supplied, headers) {
  const base = supplied ?? ((input, init) => globalThis.fetch(input, init));
  const send = (input, init) => {
    try {
      return base(input, init).catch((error) => Promise.reject(explainUnbound(error)));
    } catch (error) {
      return Promise.reject(explainUnbound(error));
    }
  };
  if (!headers || Object.keys(headers).length === 0) return send;
  return (input, init) => {
    const merged = new Headers(headers);
    const own = init?.headers ?? (input instanceof Request ? input.headers : void 0);
    for (const [name, value] of new Headers(own)) merged.set(name, value);
    return send(input, { ...init, headers: merged });
  };
}
function explainUnbound(error) {
  if (!(error instanceof TypeError) || !/illegal invocation/i.test(error.message)) return error;
  return new ActorError(
    "connection_failed",
    "The fetch given to createClient({ fetch }) was called without its object (the runtime says: Illegal invocation), so no request went out. Pass a function that calls it on its binding: fetch: (input, init) => env.SERVICE.fetch(input, init), or env.SERVICE.fetch.bind(env.SERVICE)."
  );
}
function checkHeaders(headers) {
  if (headers === void 0) return;
  const entries = typeof headers === "object" && headers !== null && !Array.isArray(headers) ? Object.entries(headers) : void 0;
  if (!entries || entries.some(([, value]) => typeof value !== "string")) {
    throw new TypeError(
      `createClient: headers must be an object of header names to string values, e.g. { authorization: "Bearer ..." } (got ${describe(headers)}).`
    );
  }
  try {
    new Headers(entries);
  } catch (error) {
    throw new TypeError(`createClient: headers has a name or value fetch refuses: ${error instanceof Error ? error.message : String(error)}.`);
  }
}
function describe(value) {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object with a value that is not a string";
  return typeof value;
}

// src/client/open-resources.ts
var OpenResources = class {
  #connections = /* @__PURE__ */ new Set();
  #sockets = /* @__PURE__ */ new Set();
  addConnection(connection) {
    this.#connections.add(connection);
    connection.onStatusChange((status) => {
      if (status === "disposed") this.#connections.delete(connection);
    });
  }
  /** The connections that are open now (not connecting, reconnecting or disposed). */
  openConnections() {
    return [...this.#connections].filter((connection) => connection.status === "open");
  }
  /** The raw WebSockets that are open now. */
  openSockets() {
    return [...this.#sockets].filter((socket) => socket.readyState === 1);
  }
  addSocket(socket) {
    this.#sockets.add(socket);
    socket.addEventListener("close", () => this.#sockets.delete(socket));
    return socket;
  }
  /** Closes everything open now; the client can open more afterwards. */
  async dispose() {
    const connections = [...this.#connections];
    this.#connections.clear();
    for (const socket of this.#sockets) socket.close(1e3, "client disposed");
    this.#sockets.clear();
    await Promise.all(connections.map((connection) => connection.dispose()));
  }
};

// src/client/client.ts
function createClient(endpointOrOptions, more) {
  const options = typeof endpointOrOptions === "string" ? { ...more, endpoint: endpointOrOptions } : endpointOrOptions;
  if (typeof options?.endpoint !== "string" || !/^(https?:\/\/[^/]|\/|$)/i.test(options.endpoint)) {
    throw new TypeError(
      `createClient: the endpoint must be the Worker's http(s) URL, e.g. createClient("http://127.0.0.1:8787") (got ${JSON.stringify(options?.endpoint) ?? "none"}).`
    );
  }
  if (/^https?:\/\/[^/?#]*@/i.test(options.endpoint)) {
    throw new TypeError(
      `createClient: the endpoint must not hold a user name or password (got ${JSON.stringify(options.endpoint.replace(/\/\/[^/?#]*@/, "//\u2026@"))}): fetch refuses such URLs. Send credentials as a header (createClient({ endpoint, headers: { authorization } })) or as conn params.`
    );
  }
  if (/[?#]/.test(options.endpoint)) {
    throw new TypeError(
      `createClient: the endpoint must be the Worker's URL without a query string or fragment (got ${JSON.stringify(options.endpoint)}): the client adds its own paths after it. Send a token as conn params (getOrCreate(key, { params: { token } })) or a header (createClient({ endpoint, headers: { authorization } })).`
    );
  }
  checkHeartbeat(options.heartbeat);
  checkHeaders(options.headers);
  const settings = settingsFrom(options);
  const driver = new HttpClientDriver({
    endpoint: options.endpoint,
    fetch: clientFetch(options.fetch, options.headers),
    headers: options.headers,
    WebSocket: options.WebSocket,
    actionTimeout: settings.actionTimeout,
    heartbeat: options.heartbeat
  });
  return clientForDriver(driver, settings);
}
var ENCODINGS = ["json", "cbor"];
var TRANSPORTS = ["websocket", "sse"];
function settingsFrom(options) {
  const settings = {
    encoding: options.encoding ?? "json",
    transport: options.transport ?? "websocket",
    actionTimeout: options.actionTimeout ?? 3e4,
    connectionTimeout: options.connectionTimeout ?? 45e3
  };
  if (!ENCODINGS.includes(settings.encoding)) {
    throw new TypeError(`createClient: encoding ${JSON.stringify(settings.encoding)} is not one this client speaks; use "json" (the default) or "cbor".`);
  }
  if (!TRANSPORTS.includes(settings.transport)) {
    throw new TypeError(`createClient: transport ${JSON.stringify(settings.transport)} is not one of "websocket" (the default) or "sse".`);
  }
  checkMilliseconds("actionTimeout", settings.actionTimeout);
  checkMilliseconds("connectionTimeout", settings.connectionTimeout);
  return settings;
}
var MAX_TIMER_MS = 2 ** 31 - 1;
function checkMilliseconds(name, value, min = 1) {
  if (typeof value === "number" && value >= min && value <= MAX_TIMER_MS) return;
  const got = typeof value === "number" || typeof value === "symbol" ? String(value) : typeof value === "bigint" ? `${value}n` : JSON.stringify(value);
  const hint = value === Number.POSITIVE_INFINITY ? ' There is no "never": pass a long time instead, such as 86400000 (a day).' : typeof value === "number" && value > 0 && value < min ? ` Below ${min} ms a round trip rarely fits, and every connection would count as dead; the value is in milliseconds, not seconds.` : "";
  throw new TypeError(`createClient: ${name} must be a number of milliseconds from ${min} to ${MAX_TIMER_MS} (got ${got}).${hint}`);
}
var MIN_HEARTBEAT_MS = 100;
var HEARTBEAT_KEYS = ["interval", "timeout"];
function checkHeartbeat(heartbeat) {
  if (heartbeat === void 0) return;
  if (typeof heartbeat !== "object" || heartbeat === null || Array.isArray(heartbeat)) {
    throw new TypeError(
      `createClient: heartbeat must be an object { interval, timeout } in milliseconds (got ${JSON.stringify(heartbeat)}); it cannot be turned off.`
    );
  }
  for (const [name, value] of Object.entries(heartbeat)) {
    if (!HEARTBEAT_KEYS.includes(name)) throw new TypeError(`createClient: heartbeat has no option '${name}'; it takes interval and timeout (ms).`);
    if (value !== void 0) checkMilliseconds(`heartbeat.${name}`, value, MIN_HEARTBEAT_MS);
  }
}
function clientForDriver(driver, settings = settingsFrom({}), resources = new OpenResources()) {
  const accessors = /* @__PURE__ */ new Map();
  const methods = {
    dispose() {
      return resources.dispose();
    }
  };
  return new Proxy({}, {
    get(_target, property) {
      if (typeof property !== "string" || property === "then") return void 0;
      if (Object.hasOwn(methods, property)) return methods[property];
      let accessor = accessors.get(property);
      if (!accessor) {
        accessor = actorAccessor(driver, property, settings, resources);
        accessors.set(property, accessor);
      }
      return accessor;
    }
  });
}
function actorAccessor(driver, name, settings, resources) {
  const handle = (query, params) => {
    const base = new ActorHandleBase(driver, query, params, settings, resources);
    return withActionMethods(base, (action, args) => base.action(action, args));
  };
  return {
    get(key, options = {}) {
      return handle({ getForKey: { name, key: normalizeKey(key) } }, options.params);
    },
    getOrCreate(key, options = {}) {
      return handle({ getOrCreateForKey: { name, key: normalizeKey(key), input: options.createWithInput, region: options.createInRegion } }, options.params);
    },
    getForId(actorId, options = {}) {
      return handle({ getForId: { name, actorId } }, options.params);
    },
    async create(key, options = {}) {
      const created = handle({ create: { name, key: normalizeKey(key), input: options.input, region: options.region } }, options.params);
      await created.resolve();
      return created;
    },
    list({ cursor, limit, params } = {}) {
      return driver.list(name, { cursor, limit }, params);
    }
  };
}

// examples/demo/frontend/dom.ts
var page = globalThis;
var origin = page.location.origin;
function queryParam(name) {
  return new URLSearchParams(page.location.search).get(name) ?? "";
}
function setQuery(params) {
  const query = new URLSearchParams(page.location.search);
  for (const [name, value] of Object.entries(params)) query.set(name, value);
  page.history.replaceState(null, "", `${page.location.pathname}?${query}`);
}
function byId(id) {
  const element = page.document.getElementById(id);
  if (!element) throw new Error(`index.html has no element #${id}`);
  return element;
}
function el(tag, ...children) {
  const element = page.document.createElement(tag);
  element.append(...children);
  return element;
}
function appendTo(list, item) {
  list.append(item);
  list.scrollTop = list.scrollHeight;
}
function setDisabled(disabled, ...controls) {
  for (const control of controls) control.disabled = disabled;
}
function errorText(error) {
  if (error && typeof error === "object" && "code" in error && "message" in error) return `${String(error.code)}: ${String(error.message)}`;
  return String(error);
}

// examples/demo/frontend/chat.ts
function chatPanel(joinRoom) {
  const joinForm = byId("chat-join-form");
  const roomInput = byId("chat-room");
  const nameInput = byId("chat-name");
  const leaveButton = byId("chat-leave");
  const sendForm = byId("chat-send-form");
  const textInput = byId("chat-text");
  const sendButton = byId("chat-send");
  const status = byId("chat-status");
  const presence = byId("chat-presence");
  const messages = byId("chat-messages");
  let room;
  const show = (message) => {
    const time = el("time", new Date(message.at).toLocaleTimeString());
    time.setAttribute("datetime", new Date(message.at).toISOString());
    appendTo(messages, el("li", el("strong", message.from), " ", time, " ", message.text));
  };
  async function join(roomName2, name2) {
    await leave();
    status.textContent = `Joining \u201C${roomName2}\u201D\u2026`;
    messages.replaceChildren();
    const conn = joinRoom(roomName2, name2);
    room = conn;
    let shown;
    const held = [];
    const idOf = (m) => `${m.at}|${m.from}|${m.text}`;
    conn.on("message", (message) => {
      if (shown) show(message);
      else held.push(message);
    });
    conn.on("presence", (count) => {
      presence.textContent = String(count);
    });
    let dropped = false;
    conn.onError((error) => {
      if (room === conn && !dropped) status.textContent = `Connection problem: ${errorText(error)}`;
    });
    conn.onLink((up) => {
      if (room !== conn) return;
      if (!up) {
        dropped = true;
        status.textContent = `Connection lost; reconnecting to \u201C${roomName2}\u201D\u2026`;
        return;
      }
      if (!dropped) return;
      dropped = false;
      void Promise.all([conn.history(), conn.presence()]).then(([past, online]) => {
        if (room !== conn) return;
        messages.replaceChildren();
        past.forEach(show);
        presence.textContent = String(online);
        status.textContent = `Back in room \u201C${roomName2}\u201D as ${name2}.`;
      });
    });
    try {
      const past = await conn.history();
      const online = await conn.presence();
      if (room !== conn) return;
      past.forEach(show);
      shown = new Set(past.map(idOf));
      for (const message of held) if (!shown.has(idOf(message))) show(message);
      presence.textContent = String(online);
      status.textContent = `In room \u201C${roomName2}\u201D as ${name2}. ${past.length} earlier message${past.length === 1 ? "" : "s"}.`;
      setQuery({ room: roomName2, name: name2 });
      setDisabled(false, textInput, sendButton, leaveButton);
      textInput.focus();
    } catch (error) {
      if (room === conn) status.textContent = `Could not join: ${errorText(error)}`;
    }
  }
  async function leave() {
    const conn = room;
    room = void 0;
    setDisabled(true, textInput, sendButton, leaveButton);
    presence.textContent = "\u2013";
    if (!conn) return;
    await conn.dispose();
    status.textContent = "Not in a room.";
  }
  joinForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const roomName2 = roomInput.value.trim();
    const name2 = nameInput.value.trim();
    if (roomName2 && name2) void join(roomName2, name2);
  });
  leaveButton.addEventListener("click", () => void leave());
  sendForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = textInput.value.trim();
    if (!room || !text) return;
    room.send(text).then(
      () => {
        textInput.value = "";
      },
      (error) => {
        status.textContent = `Not sent: ${errorText(error)}`;
      }
    );
  });
  const [roomName, name] = [queryParam("room"), queryParam("name")];
  if (roomName) roomInput.value = roomName;
  if (name) nameInput.value = name;
  if (roomName && name) void join(roomName, name);
}

// examples/demo/frontend/raw-http.ts
function rawHttpPanel(client2) {
  const keyInput = byId("http-key");
  const helloButton = byId("http-hello");
  const echoForm = byId("http-echo-form");
  const echoInput = byId("http-echo-text");
  const result = byId("http-result");
  async function show(label, request) {
    result.textContent = `${label} \u2026`;
    try {
      const response = await request();
      const type = response.headers.get("content-type") ?? "(no content-type)";
      result.textContent = `${label} \u2192 ${response.status}
content-type: ${type}

${await response.text()}`;
    } catch (error) {
      result.textContent = `${label} failed: ${errorText(error)}`;
    }
  }
  const actor = () => client2.myActor.getOrCreate(keyInput.value.trim() || "default");
  helloButton.addEventListener("click", () => void show("GET /api/hello", () => actor().fetch("/api/hello")));
  echoForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = JSON.stringify({ message: echoInput.value, timestamp: Date.now() });
    void show("POST /api/echo", () => actor().fetch("/api/echo", { method: "POST", headers: { "Content-Type": "application/json" }, body }));
  });
}

// examples/demo/frontend/raw-websocket.ts
function rawWebSocketPanel(client2) {
  const connectForm = byId("ws-connect-form");
  const keyInput = byId("ws-key");
  const connectButton = byId("ws-connect");
  const disconnectButton = byId("ws-disconnect");
  const sendForm = byId("ws-send-form");
  const textInput = byId("ws-text");
  const sendButton = byId("ws-send");
  const status = byId("ws-status");
  const count = byId("ws-count");
  const log = byId("ws-log");
  let socket;
  const note = (text) => appendTo(log, el("li", text));
  async function open(key) {
    socket?.close();
    setDisabled(true, connectButton);
    status.textContent = "Connecting\u2026";
    let ws;
    try {
      ws = await client2.websocketActor.getOrCreate(key).websocket("/");
    } catch (error) {
      status.textContent = `Could not connect: ${errorText(error)}`;
      setDisabled(false, connectButton);
      return;
    }
    socket = ws;
    let counted;
    ws.addEventListener("message", (event) => {
      const data = typeof event.data === "string" ? event.data : `(${event.data.byteLength} bytes)`;
      if (counted === void 0) {
        const welcome = JSON.parse(data);
        counted = welcome.messageCount;
        note(`welcome: ${welcome.connectionCount} open socket(s), ${welcome.messageCount} message(s) so far`);
      } else {
        counted++;
        note(`echo: ${data}`);
      }
      count.textContent = String(counted);
    });
    ws.addEventListener("close", (event) => {
      if (socket !== ws) return;
      socket = void 0;
      status.textContent = `Closed (code ${event.code}).`;
      setDisabled(true, textInput, sendButton, disconnectButton);
      setDisabled(false, connectButton);
    });
    status.textContent = `Connected to websocketActor \u201C${key}\u201D.`;
    setDisabled(false, textInput, sendButton, disconnectButton, connectButton);
    textInput.focus();
  }
  connectForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = keyInput.value.trim();
    if (key) void open(key);
  });
  disconnectButton.addEventListener("click", () => socket?.close(1e3, "bye"));
  sendForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = textInput.value;
    if (!socket || !text) return;
    socket.send(text);
    note(`sent: ${text}`);
    textInput.value = "";
  });
}

// examples/demo/frontend/main.ts
var client = createClient(origin);
var joinChat = (room, name) => {
  const conn = client.chat.getOrCreate(room, { params: { name } }).connect();
  return {
    on: (event, listener) => conn.on(event, listener),
    onError: (listener) => conn.onError(listener),
    onLink: (listener) => conn.onStatusChange((status) => {
      if (status === "reconnecting") listener(false);
      if (status === "open") listener(true);
    }),
    history: () => conn.history(),
    presence: () => conn.presence(),
    send: (text) => conn.send(text),
    dispose: () => conn.dispose()
  };
};
async function chatClient() {
  if (queryParam("client") !== "rivetkit") return joinChat;
  const { rivetkitChat } = await import(new URL("./rivetkit.js", import.meta.url).href);
  byId("chat-client").textContent = "This panel runs on RivetKit's client (rivetkit/client).";
  return rivetkitChat(origin);
}
chatPanel(await chatClient());
rawWebSocketPanel(client);
rawHttpPanel(client);
Object.assign(globalThis, { actorflare: { client, createClient } });
