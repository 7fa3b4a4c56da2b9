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
var __toESM = (mod, isNodeMode, target2) => (target2 = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target2, "default", { value: mod, enumerable: true }) : target2,
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

// src/client/errors.ts
var ActorError = class _ActorError extends Error {
  // `string & {}` keeps the known codes as suggestions while any UserError code fits.
  code;
  metadata;
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
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    if (typeof body.c === "string" && typeof body.m === "string") return ActorError.fromBody(body);
  } catch {
  }
  return new ActorError("http_error", `HTTP ${response.status}: ${text.slice(0, 200)}`);
}

// src/client/connection.ts
var MIN_BACKOFF_MS = 250;
var MAX_BACKOFF_MS = 3e4;
var ActorConnectionBase = class {
  #driver;
  #query;
  #params;
  #options;
  #listeners = /* @__PURE__ */ new Map();
  #errorListeners = /* @__PURE__ */ new Set();
  #statusListeners = /* @__PURE__ */ new Set();
  #status = "connecting";
  #pending = /* @__PURE__ */ new Map();
  #transport;
  #open = false;
  #disposed = false;
  #nextActionId = 0;
  #attempt = 0;
  /** Counts connection attempts; events of an attempt that is no longer the latest are ignored. */
  #generation = 0;
  #reconnectTimer;
  #actorId;
  #connectionId;
  /** @internal Connections come from a handle: `handle.connect()`. */
  constructor(driver, query, params, options) {
    this.#driver = driver;
    this.#query = query;
    this.#params = params;
    this.#options = options;
    void this.#connect();
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
  /** Called on every status change; returns a function that stops listening. */
  onStatusChange(callback) {
    this.#statusListeners.add(callback);
    return () => this.#statusListeners.delete(callback);
  }
  /** Calls an action over the connection. */
  action(name, args) {
    if (this.#disposed) return Promise.reject(new ActorError("connection_disposed", "The connection was disposed."));
    const id = this.#nextActionId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new ActorError("action_timed_out", `Action '${name}' got no answer within ${this.#options.actionTimeout} ms.`));
      }, this.#options.actionTimeout);
      const pending = { name, args, sent: false, resolve, reject, timer };
      this.#pending.set(id, pending);
      if (this.#open) this.#sendAction(id, pending);
    });
  }
  /** Listens to an event; returns a function that stops listening. */
  on(event, callback) {
    let callbacks = this.#listeners.get(event);
    if (!callbacks) {
      callbacks = /* @__PURE__ */ new Set();
      this.#listeners.set(event, callbacks);
      if (this.#open) this.#transport?.send({ b: { sr: { e: event, s: true } } });
    }
    callbacks.add(callback);
    return () => {
      callbacks.delete(callback);
      if (callbacks.size > 0 || this.#listeners.get(event) !== callbacks) return;
      this.#listeners.delete(event);
      if (this.#open) this.#transport?.send({ b: { sr: { e: event, s: false } } });
    };
  }
  /** Listens to the next occurrence of an event only. */
  once(event, callback) {
    const stop = this.on(event, (...args) => {
      stop();
      callback(...args);
    });
    return stop;
  }
  /** Connection-level errors (refused connection, malformed message, …). */
  onError(callback) {
    this.#errorListeners.add(callback);
    return () => this.#errorListeners.delete(callback);
  }
  /** Closes the connection for good; waiting calls fail with `connection_disposed`. */
  async dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    clearTimeout(this.#reconnectTimer);
    this.#open = false;
    this.#setStatus("disposed");
    this.#transport?.close();
    this.#transport = void 0;
    this.#failPending(() => new ActorError("connection_disposed", "The connection was disposed."), true);
  }
  async #connect() {
    if (this.#disposed) return;
    const generation = ++this.#generation;
    const current = () => generation === this.#generation && !this.#disposed;
    let transport;
    let closed = false;
    const early = [];
    try {
      transport = await this.#driver.connect(
        { query: this.#query, params: this.#params, encoding: this.#options.encoding, transport: this.#options.transport },
        {
          onMessage: (message) => {
            if (!current()) return;
            if (transport) this.#receive(message);
            else early.push(message);
          },
          onClose: () => {
            closed = true;
            if (current()) this.#dropped();
          }
        }
      );
    } catch (error) {
      if (!current()) return;
      this.#emitError(error instanceof ActorError ? error : new ActorError("connection_failed", String(error)));
      this.#dropped();
      return;
    }
    if (!current()) return transport.close();
    if (closed) return;
    this.#transport = transport;
    for (const message of early.splice(0)) this.#receive(message);
  }
  #receive(message) {
    const body = message.b;
    if ("i" in body) {
      this.#open = true;
      this.#setStatus("open");
      this.#attempt = 0;
      this.#actorId = body.i.ai;
      this.#connectionId = body.i.ci;
      for (const event of this.#listeners.keys()) this.#transport?.send({ b: { sr: { e: event, s: true } } });
      for (const [id, pending] of this.#pending) if (!pending.sent) this.#sendAction(id, pending);
    } else if ("ar" in body) {
      this.#settle(body.ar.i, (pending) => pending.resolve(body.ar.o));
    } else if ("ev" in body) {
      for (const callback of [...this.#listeners.get(body.ev.n) ?? []]) callback(...body.ev.a);
    } else if ("e" in body) {
      const error = new ActorError(body.e.c, body.e.m, body.e.md);
      if (body.e.ai !== void 0) this.#settle(body.e.ai, (pending) => pending.reject(error));
      else this.#emitError(error);
    }
  }
  #dropped() {
    this.#open = false;
    this.#transport = void 0;
    this.#failPending(() => new ActorError("connection_lost", "The connection dropped before the action answered; it may or may not have run."), false);
    if (this.#disposed) return;
    if (this.#status === "open") this.#setStatus("reconnecting");
    const delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** this.#attempt++);
    this.#reconnectTimer = setTimeout(() => void this.#connect(), delay * (0.5 + Math.random() / 2));
  }
  #sendAction(id, pending) {
    pending.sent = true;
    this.#transport?.send({ b: { ar: { i: id, n: pending.name, a: pending.args } } });
  }
  #settle(id, settle) {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    settle(pending);
  }
  /** Fails calls already sent (or, when `all`, every waiting call too). */
  #failPending(error, all) {
    for (const [id, pending] of this.#pending) {
      if (all || pending.sent) this.#settle(id, (p) => p.reject(error()));
    }
  }
  #setStatus(status) {
    if (this.#status === status) return;
    this.#status = status;
    for (const callback of [...this.#statusListeners]) callback(status);
  }
  #emitError(error) {
    for (const callback of [...this.#errorListeners]) callback(error);
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
    const path = actorPath(input);
    const base = input instanceof Request ? input : void 0;
    const request = new Request(`http://actor${path}`, requestInit(base, init));
    return this.#driver.rawFetch(this.#query, path, request, this.#params);
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
  /** Calls an action by name over HTTP (`handle.name(...args)` does the same, typed). */
  action(name, args = []) {
    return this.#driver.action(this.#query, name, args, this.#params, this.#settings.encoding);
  }
  /** Opens a connection: actions plus events, reconnecting by itself. */
  connect() {
    const connection = new ActorConnectionBase(this.#driver, this.#query, this.#params, this.#settings);
    this.#resources.addConnection(connection);
    return withActionMethods(connection, (name, args) => connection.action(name, args));
  }
};
function withActionMethods(target2, call) {
  return new Proxy(target2, {
    get(object, property) {
      if (typeof property !== "string" || property in object || property === "then") {
        const value = Reflect.get(object, property, object);
        return typeof value === "function" ? value.bind(object) : value;
      }
      return (...args) => call(property, args);
    }
  });
}
function actorPath(input) {
  if (typeof input === "string") return `/${input.replace(/^\/+/, "")}`;
  const url = input instanceof Request ? new URL(input.url) : input;
  return `/${url.pathname.replace(/^\/+/, "")}${url.search}`;
}
function requestInit(base, init) {
  const source = init ?? base;
  if (!source) return {};
  const body = source.body ?? null;
  const method = source.method ?? "GET";
  const result = {
    method,
    headers: source.headers,
    body: method === "GET" || method === "HEAD" ? null : body,
    signal: source.signal ?? void 0
  };
  if (result.body instanceof ReadableStream) result.duplex = "half";
  return result;
}

// node_modules/cbor-x/decode.js
var decoder;
try {
  decoder = new TextDecoder();
} catch (error) {
}
var src;
var srcEnd;
var position = 0;
var EMPTY_ARRAY = [];
var LEGACY_RECORD_INLINE_ID = 105;
var RECORD_DEFINITIONS_ID = 57342;
var RECORD_INLINE_ID = 57343;
var BUNDLED_STRINGS_ID = 57337;
var PACKED_REFERENCE_TAG_ID = 6;
var maxArraySize = 11281e4;
var maxMapSize = 1681e4;
var maxObjectSize = 1671e4;
var objectSizeLimit = maxObjectSize;
var strings = EMPTY_ARRAY;
var stringPosition = 0;
var currentDecoder = {};
var currentStructures;
var srcString;
var srcStringStart = 0;
var srcStringEnd = 0;
var bundledStrings;
var referenceMap;
var currentExtensions = [];
var currentExtensionRanges = [];
var packedValues;
var dataView;
var restoreMapsAsObject;
var defaultOptions = {
  useRecords: false,
  mapsAsObjects: true
};
var sequentialMode = false;
var inlineObjectReadThreshold = 2;
try {
  new Function("");
} catch (error) {
  inlineObjectReadThreshold = Infinity;
}
var Decoder = class _Decoder {
  constructor(options) {
    if (options) {
      if ((options.keyMap || options._keyMap) && !options.useRecords) {
        options.useRecords = false;
        options.mapsAsObjects = true;
      }
      if (options.useRecords === false && options.mapsAsObjects === void 0)
        options.mapsAsObjects = true;
      if (options.getStructures)
        options.getShared = options.getStructures;
      if (options.getShared && !options.structures)
        (options.structures = []).uninitialized = true;
      if (options.keyMap) {
        this.mapKey = /* @__PURE__ */ new Map();
        for (let [k, v] of Object.entries(options.keyMap)) this.mapKey.set(v, k);
      }
    }
    Object.assign(this, options);
  }
  /*
  decodeKey(key) {
  	return this.keyMap
  		? Object.keys(this.keyMap)[Object.values(this.keyMap).indexOf(key)] || key
  		: key
  }
  */
  decodeKey(key) {
    return this.keyMap ? this.mapKey.get(key) || key : key;
  }
  encodeKey(key) {
    return this.keyMap && this.keyMap.hasOwnProperty(key) ? this.keyMap[key] : key;
  }
  encodeKeys(rec) {
    if (!this._keyMap) return rec;
    let map = /* @__PURE__ */ new Map();
    for (let [k, v] of Object.entries(rec)) map.set(this._keyMap.hasOwnProperty(k) ? this._keyMap[k] : k, v);
    return map;
  }
  decodeKeys(map) {
    if (!this._keyMap || map.constructor.name != "Map") return map;
    if (!this._mapKey) {
      this._mapKey = /* @__PURE__ */ new Map();
      for (let [k, v] of Object.entries(this._keyMap)) this._mapKey.set(v, k);
    }
    let res = {};
    map.forEach((v, k) => res[safeKey(this._mapKey.has(k) ? this._mapKey.get(k) : k)] = v);
    return res;
  }
  mapDecode(source, end) {
    let res = this.decode(source);
    if (this._keyMap) {
      switch (res.constructor.name) {
        case "Array":
          return res.map((r) => this.decodeKeys(r));
      }
    }
    return res;
  }
  decode(source, end) {
    if (src) {
      return saveState(() => {
        clearSource();
        return this ? this.decode(source, end) : _Decoder.prototype.decode.call(defaultOptions, source, end);
      });
    }
    srcEnd = end > -1 && end < source.length ? end : source.length;
    position = 0;
    stringPosition = 0;
    srcStringEnd = 0;
    srcString = null;
    strings = EMPTY_ARRAY;
    bundledStrings = null;
    src = source;
    try {
      dataView = source.dataView || (source.dataView = new DataView(source.buffer, source.byteOffset, source.byteLength));
    } catch (error) {
      src = null;
      if (source instanceof Uint8Array)
        throw error;
      throw new Error("Source must be a Uint8Array or Buffer but was a " + (source && typeof source == "object" ? source.constructor.name : typeof source));
    }
    if (this instanceof _Decoder) {
      currentDecoder = this;
      packedValues = this.sharedValues && (this.pack ? new Array(this.maxPrivatePackedValues || 16).concat(this.sharedValues) : this.sharedValues);
      if (this.structures) {
        currentStructures = this.structures;
        return checkedRead();
      } else if (!currentStructures || currentStructures.length > 0) {
        currentStructures = [];
      }
    } else {
      currentDecoder = defaultOptions;
      if (!currentStructures || currentStructures.length > 0)
        currentStructures = [];
      packedValues = null;
    }
    return checkedRead();
  }
  decodeMultiple(source, forEach) {
    if (src) {
      return saveState(() => {
        clearSource();
        return this ? this.decodeMultiple(source, forEach) : defaultDecoder.decodeMultiple(source, forEach);
      });
    }
    let values, lastPosition = 0;
    try {
      let size = source.length;
      sequentialMode = true;
      let value = this ? this.decode(source, size) : defaultDecoder.decode(source, size);
      if (forEach) {
        let end = position;
        if (forEach(value) === false) {
          return;
        }
        while (end < size) {
          lastPosition = end;
          value = checkedRead();
          end = position;
          if (forEach(value) === false) {
            return;
          }
        }
      } else {
        values = [value];
        while (position < size) {
          lastPosition = position;
          values.push(checkedRead());
        }
        return values;
      }
    } catch (error) {
      if (error && (typeof error == "object" || typeof error == "function")) {
        error.lastPosition = lastPosition;
        error.values = values;
      }
      throw error;
    } finally {
      sequentialMode = false;
      clearSource();
    }
  }
};
var nestedDecodeErrors = /* @__PURE__ */ new WeakSet();
var arrayAllocationBudget;
function checkedRead() {
  try {
    arrayAllocationBudget = srcEnd - position;
    let result = read();
    if (bundledStrings) {
      if (position >= bundledStrings.postBundlePosition)
        throw new Error("Unexpected bundle position");
      position = bundledStrings.postBundlePosition;
      bundledStrings = null;
    }
    if (position == srcEnd) {
      currentStructures = null;
      src = null;
      if (referenceMap)
        referenceMap = null;
    } else if (position > srcEnd) {
      let error = new Error("Unexpected end of CBOR data");
      error.incomplete = true;
      throw error;
    } else if (!sequentialMode) {
      throw new Error("Data read, but end of buffer not reached");
    }
    return result;
  } catch (error) {
    clearSource();
    if (nestedDecodeErrors.has(error)) {
      if (error.incomplete)
        error.incomplete = false;
    } else if (error instanceof RangeError && position + 8 > srcEnd || error && typeof error.message == "string" && error.message.startsWith("Unexpected end of buffer")) {
      error.incomplete = true;
    }
    throw error;
  }
}
function readBreak() {
  if (position < srcEnd && src[position] === 255) {
    position++;
    return true;
  }
  return false;
}
function endOfCBORError(neededEnd) {
  let error = new Error("Unexpected end of CBOR data");
  error.incomplete = true;
  if (neededEnd)
    error.neededEnd = neededEnd;
  return error;
}
function read() {
  if (!(position < srcEnd)) throw endOfCBORError();
  let token = src[position++];
  let majorType = token >> 5;
  token = token & 31;
  if (token > 23) {
    switch (token) {
      case 24:
        if (position >= srcEnd) throw endOfCBORError();
        token = src[position++];
        break;
      case 25:
        if (majorType == 7) {
          return getFloat16();
        }
        token = dataView.getUint16(position);
        position += 2;
        break;
      case 26:
        if (majorType == 7) {
          let value = dataView.getFloat32(position);
          if (currentDecoder.useFloat32 > 2) {
            let multiplier = mult10[(src[position] & 127) << 1 | src[position + 1] >> 7];
            position += 4;
            return (multiplier * value + (value > 0 ? 0.5 : -0.5) >> 0) / multiplier;
          }
          position += 4;
          return value;
        }
        token = dataView.getUint32(position);
        position += 4;
        if (majorType === 1) return -1 - token;
        break;
      case 27:
        if (majorType == 7) {
          let value = dataView.getFloat64(position);
          position += 8;
          return value;
        }
        if (majorType > 1) {
          if (dataView.getUint32(position) > 0)
            throw new Error("JavaScript does not support arrays, maps, or strings with length over 4294967295");
          token = dataView.getUint32(position + 4);
        } else if (currentDecoder.int64AsNumber) {
          token = dataView.getUint32(position) * 4294967296;
          token += dataView.getUint32(position + 4);
          position += 8;
          if (majorType === 1) return -1 - token;
          break;
        } else token = dataView.getBigUint64(position);
        position += 8;
        break;
      case 31:
        switch (majorType) {
          case 2:
          // byte string
          case 3:
            throw new Error("Indefinite length not supported for byte or text strings");
          case 4:
            let array = [];
            let i = 0;
            while (!readBreak()) {
              if (i >= maxArraySize) throw new Error(`Array length exceeds ${maxArraySize}`);
              array[i++] = read();
            }
            return majorType == 4 ? array : majorType == 3 ? array.join("") : Buffer.concat(array);
          case 5:
            let key;
            if (currentDecoder.mapsAsObjects) {
              let object = {};
              let i2 = 0;
              if (currentDecoder.keyMap) {
                while (!readBreak()) {
                  key = read();
                  if (i2++ >= objectSizeLimit) throw new Error(`Property count exceeds ${objectSizeLimit}`);
                  object[safeKey(currentDecoder.decodeKey(key))] = read();
                }
              } else {
                while (!readBreak()) {
                  key = read();
                  if (i2++ >= objectSizeLimit) throw new Error(`Property count exceeds ${objectSizeLimit}`);
                  object[safeKey(key)] = read();
                }
              }
              return object;
            } else {
              if (restoreMapsAsObject) {
                currentDecoder.mapsAsObjects = true;
                restoreMapsAsObject = false;
              }
              let map = /* @__PURE__ */ new Map();
              if (currentDecoder.keyMap) {
                let i2 = 0;
                while (!readBreak()) {
                  key = read();
                  if (i2++ >= maxMapSize) {
                    throw new Error(`Map size exceeds ${maxMapSize}`);
                  }
                  map.set(currentDecoder.decodeKey(key), read());
                }
              } else {
                let i2 = 0;
                while (!readBreak()) {
                  key = read();
                  if (i2++ >= maxMapSize) {
                    throw new Error(`Map size exceeds ${maxMapSize}`);
                  }
                  map.set(key, read());
                }
              }
              return map;
            }
          case 7:
            throw new Error("Unexpected break stop code outside of an indefinite-length item");
          default:
            throw new Error("Invalid major type for indefinite length " + majorType);
        }
      default:
        throw new Error("Unknown token " + token);
    }
  }
  switch (majorType) {
    case 0:
      return token;
    case 1:
      return ~token;
    case 2:
      if (token > srcEnd - position) throw endOfCBORError(position + token);
      return readBin(token);
    case 3:
      if (srcStringEnd >= position) {
        return srcString.slice(position - srcStringStart, (position += token) - srcStringStart);
      }
      if (token > srcEnd - position) throw endOfCBORError(position + token);
      if (srcStringEnd == 0 && srcEnd < 140 && token < 32) {
        let string = token < 16 ? shortStringInJS(token) : longStringInJS(token);
        if (string != null)
          return string;
      }
      return readFixedString(token);
    case 4:
      if (token > maxArraySize) throw new Error(`Array length exceeds ${maxArraySize}`);
      if (token > srcEnd - position || (arrayAllocationBudget -= token) < 0) throw endOfCBORError(position + token);
      let array = new Array(token);
      for (let i = 0; i < token; i++) array[i] = read();
      return array;
    case 5:
      if (currentDecoder.mapsAsObjects) {
        if (token > objectSizeLimit) throw new Error(`Property count exceeds ${objectSizeLimit}`);
        if (token > (srcEnd - position) / 2) throw endOfCBORError(position + 2 * token);
        let object = {};
        if (currentDecoder.keyMap) for (let i = 0; i < token; i++) object[safeKey(currentDecoder.decodeKey(read()))] = read();
        else for (let i = 0; i < token; i++) object[safeKey(read())] = read();
        return object;
      } else {
        if (restoreMapsAsObject) {
          currentDecoder.mapsAsObjects = true;
          restoreMapsAsObject = false;
        }
        if (token > maxMapSize) throw new Error(`Map size exceeds ${maxMapSize}`);
        if (token > (srcEnd - position) / 2) throw endOfCBORError(position + 2 * token);
        let map = /* @__PURE__ */ new Map();
        if (currentDecoder.keyMap) for (let i = 0; i < token; i++) map.set(currentDecoder.decodeKey(read()), read());
        else for (let i = 0; i < token; i++) map.set(read(), read());
        return map;
      }
    case 6:
      if (token >= BUNDLED_STRINGS_ID) {
        let structure = currentStructures[token & 8191];
        if (structure) {
          if (!structure.read) structure.read = createStructureReader(structure);
          return structure.read();
        }
        if (token < 65536) {
          if (token == RECORD_INLINE_ID) {
            let length = readJustLength();
            let id = read();
            let structure2 = read();
            recordDefinition(id, structure2);
            let object = {};
            if (currentDecoder.keyMap) for (let i = 2; i < length; i++) {
              let key = currentDecoder.decodeKey(structure2[i - 2]);
              object[safeKey(key)] = read();
            }
            else for (let i = 2; i < length; i++) {
              let key = structure2[i - 2];
              object[safeKey(key)] = read();
            }
            return object;
          } else if (token == RECORD_DEFINITIONS_ID) {
            let length = readJustLength();
            let id = read();
            for (let i = 2; i < length; i++) {
              recordDefinition(id++, read());
            }
            return read();
          } else if (token == BUNDLED_STRINGS_ID) {
            return readBundleExt();
          }
          if (currentDecoder.getShared) {
            loadShared();
            structure = currentStructures[token & 8191];
            if (structure) {
              if (!structure.read)
                structure.read = createStructureReader(structure);
              return structure.read();
            }
          }
        }
      }
      let extension = currentExtensions[token];
      if (extension) {
        if (extension.handlesRead)
          return extension(read);
        else
          return extension(read());
      } else {
        let input = read();
        for (let i = 0; i < currentExtensionRanges.length; i++) {
          let value = currentExtensionRanges[i](token, input);
          if (value !== void 0)
            return value;
        }
        return new Tag(input, token);
      }
    case 7:
      switch (token) {
        case 20:
          return false;
        case 21:
          return true;
        case 22:
          return null;
        case 23:
          return;
        // undefined
        case 31:
        default:
          let packedValue = (packedValues || getPackedValues())[token];
          if (packedValue !== void 0)
            return packedValue;
          throw new Error("Unknown token " + token);
      }
    default:
      if (isNaN(token)) throw endOfCBORError();
      throw new Error("Unknown CBOR token " + token);
  }
}
var validName = /^[a-zA-Z_$][a-zA-Z\d_$]*$/;
function createStructureReader(structure) {
  if (!structure) throw new Error("Structure is required in record definition");
  function readObject() {
    let length = src[position++];
    length = length & 31;
    if (length > 23) {
      switch (length) {
        case 24:
          length = src[position++];
          break;
        case 25:
          length = dataView.getUint16(position);
          position += 2;
          break;
        case 26:
          length = dataView.getUint32(position);
          position += 4;
          break;
        default:
          throw new Error("Expected array header, but got " + src[position - 1]);
      }
    }
    let compiledReader = this.compiledReader;
    while (compiledReader) {
      if (compiledReader.propertyCount === length)
        return compiledReader(read);
      compiledReader = compiledReader.next;
    }
    if (this.slowReads++ >= inlineObjectReadThreshold) {
      let array = this.length == length ? this : this.slice(0, length);
      compiledReader = currentDecoder.keyMap ? new Function("r", "return {" + array.map((k) => currentDecoder.decodeKey(k)).map((k) => validName.test(k) ? safeKey(k) + ":r()" : "[" + JSON.stringify(k) + "]:r()").join(",") + "}") : new Function("r", "return {" + array.map((key) => validName.test(key) ? safeKey(key) + ":r()" : "[" + JSON.stringify(key) + "]:r()").join(",") + "}");
      if (this.compiledReader)
        compiledReader.next = this.compiledReader;
      compiledReader.propertyCount = length;
      this.compiledReader = compiledReader;
      return compiledReader(read);
    }
    let object = {};
    if (currentDecoder.keyMap) for (let i = 0; i < length; i++) object[safeKey(currentDecoder.decodeKey(this[i]))] = read();
    else for (let i = 0; i < length; i++) {
      object[safeKey(this[i])] = read();
    }
    return object;
  }
  structure.slowReads = 0;
  return readObject;
}
function safeKey(key) {
  if (typeof key === "string") return key === "__proto__" ? "__proto_" : key;
  if (typeof key === "number" || typeof key === "boolean" || typeof key === "bigint") return key.toString();
  if (key == null) return key + "";
  throw new Error("Invalid property name type " + typeof key);
}
var readFixedString = readStringJS;
function readStringJS(length) {
  let result;
  if (length < 16) {
    if (result = shortStringInJS(length))
      return result;
  }
  if (length > 64 && decoder)
    return decoder.decode(src.subarray(position, position += length));
  const end = position + length;
  const units = [];
  result = "";
  while (position < end) {
    const byte1 = src[position++];
    if ((byte1 & 128) === 0) {
      units.push(byte1);
    } else if ((byte1 & 224) === 192) {
      if (byte1 < 194 || position >= end || (src[position] & 192) !== 128) {
        units.push(65533);
      } else {
        const byte2 = src[position++] & 63;
        units.push((byte1 & 31) << 6 | byte2);
      }
    } else if ((byte1 & 240) === 224) {
      const byte2 = position < end ? src[position] : 0;
      if (position >= end || (byte2 & 192) !== 128 || byte1 === 224 && byte2 < 160 || byte1 === 237 && byte2 >= 160) {
        units.push(65533);
      } else {
        position++;
        if (position >= end || (src[position] & 192) !== 128) {
          units.push(65533);
        } else {
          const byte3 = src[position++] & 63;
          units.push((byte1 & 31) << 12 | (byte2 & 63) << 6 | byte3);
        }
      }
    } else if ((byte1 & 248) === 240) {
      const byte2 = position < end ? src[position] : 0;
      if (byte1 > 244 || position >= end || (byte2 & 192) !== 128 || byte1 === 240 && byte2 < 144 || byte1 === 244 && byte2 >= 144) {
        units.push(65533);
      } else {
        position++;
        if (position >= end || (src[position] & 192) !== 128) {
          units.push(65533);
        } else {
          const byte3 = src[position++] & 63;
          if (position >= end || (src[position] & 192) !== 128) {
            units.push(65533);
          } else {
            const byte4 = src[position++] & 63;
            let unit = (byte1 & 7) << 18 | (byte2 & 63) << 12 | byte3 << 6 | byte4;
            unit -= 65536;
            units.push(unit >>> 10 & 1023 | 55296);
            units.push(56320 | unit & 1023);
          }
        }
      }
    } else {
      units.push(65533);
    }
    if (units.length >= 4096) {
      result += fromCharCode.apply(String, units);
      units.length = 0;
    }
  }
  if (units.length > 0) {
    result += fromCharCode.apply(String, units);
  }
  return result;
}
var fromCharCode = String.fromCharCode;
function longStringInJS(length) {
  let start = position;
  let bytes = new Array(length);
  for (let i = 0; i < length; i++) {
    const byte = src[position++];
    if ((byte & 128) > 0) {
      position = start;
      return;
    }
    bytes[i] = byte;
  }
  return fromCharCode.apply(String, bytes);
}
function shortStringInJS(length) {
  if (length < 4) {
    if (length < 2) {
      if (length === 0)
        return "";
      else {
        let a = src[position++];
        if ((a & 128) > 1) {
          position -= 1;
          return;
        }
        return fromCharCode(a);
      }
    } else {
      let a = src[position++];
      let b = src[position++];
      if ((a & 128) > 0 || (b & 128) > 0) {
        position -= 2;
        return;
      }
      if (length < 3)
        return fromCharCode(a, b);
      let c = src[position++];
      if ((c & 128) > 0) {
        position -= 3;
        return;
      }
      return fromCharCode(a, b, c);
    }
  } else {
    let a = src[position++];
    let b = src[position++];
    let c = src[position++];
    let d = src[position++];
    if ((a & 128) > 0 || (b & 128) > 0 || (c & 128) > 0 || (d & 128) > 0) {
      position -= 4;
      return;
    }
    if (length < 6) {
      if (length === 4)
        return fromCharCode(a, b, c, d);
      else {
        let e = src[position++];
        if ((e & 128) > 0) {
          position -= 5;
          return;
        }
        return fromCharCode(a, b, c, d, e);
      }
    } else if (length < 8) {
      let e = src[position++];
      let f = src[position++];
      if ((e & 128) > 0 || (f & 128) > 0) {
        position -= 6;
        return;
      }
      if (length < 7)
        return fromCharCode(a, b, c, d, e, f);
      let g = src[position++];
      if ((g & 128) > 0) {
        position -= 7;
        return;
      }
      return fromCharCode(a, b, c, d, e, f, g);
    } else {
      let e = src[position++];
      let f = src[position++];
      let g = src[position++];
      let h = src[position++];
      if ((e & 128) > 0 || (f & 128) > 0 || (g & 128) > 0 || (h & 128) > 0) {
        position -= 8;
        return;
      }
      if (length < 10) {
        if (length === 8)
          return fromCharCode(a, b, c, d, e, f, g, h);
        else {
          let i = src[position++];
          if ((i & 128) > 0) {
            position -= 9;
            return;
          }
          return fromCharCode(a, b, c, d, e, f, g, h, i);
        }
      } else if (length < 12) {
        let i = src[position++];
        let j = src[position++];
        if ((i & 128) > 0 || (j & 128) > 0) {
          position -= 10;
          return;
        }
        if (length < 11)
          return fromCharCode(a, b, c, d, e, f, g, h, i, j);
        let k = src[position++];
        if ((k & 128) > 0) {
          position -= 11;
          return;
        }
        return fromCharCode(a, b, c, d, e, f, g, h, i, j, k);
      } else {
        let i = src[position++];
        let j = src[position++];
        let k = src[position++];
        let l = src[position++];
        if ((i & 128) > 0 || (j & 128) > 0 || (k & 128) > 0 || (l & 128) > 0) {
          position -= 12;
          return;
        }
        if (length < 14) {
          if (length === 12)
            return fromCharCode(a, b, c, d, e, f, g, h, i, j, k, l);
          else {
            let m = src[position++];
            if ((m & 128) > 0) {
              position -= 13;
              return;
            }
            return fromCharCode(a, b, c, d, e, f, g, h, i, j, k, l, m);
          }
        } else {
          let m = src[position++];
          let n = src[position++];
          if ((m & 128) > 0 || (n & 128) > 0) {
            position -= 14;
            return;
          }
          if (length < 15)
            return fromCharCode(a, b, c, d, e, f, g, h, i, j, k, l, m, n);
          let o = src[position++];
          if ((o & 128) > 0) {
            position -= 15;
            return;
          }
          return fromCharCode(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o);
        }
      }
    }
  }
}
function readBin(length) {
  return currentDecoder.copyBuffers ? (
    // specifically use the copying slice (not the node one)
    Uint8Array.prototype.slice.call(src, position, position += length)
  ) : src.subarray(position, position += length);
}
var f32Array = new Float32Array(1);
var u8Array = new Uint8Array(f32Array.buffer, 0, 4);
function getFloat16() {
  let byte0 = src[position++];
  let byte1 = src[position++];
  let exponent = (byte0 & 127) >> 2;
  if (exponent === 31) {
    if (byte1 || byte0 & 3)
      return NaN;
    return byte0 & 128 ? -Infinity : Infinity;
  }
  if (exponent === 0) {
    let abs = ((byte0 & 3) << 8 | byte1) / (1 << 24);
    return byte0 & 128 ? -abs : abs;
  }
  u8Array[3] = byte0 & 128 | // sign bit
  (exponent >> 1) + 56;
  u8Array[2] = (byte0 & 7) << 5 | // last exponent bit and first two mantissa bits
  byte1 >> 3;
  u8Array[1] = byte1 << 5;
  u8Array[0] = 0;
  return f32Array[0];
}
var keyCache = new Array(4096);
var Tag = class {
  constructor(value, tag) {
    this.value = value;
    this.tag = tag;
  }
};
currentExtensions[0] = (dateString) => {
  return new Date(dateString);
};
currentExtensions[1] = (epochSec) => {
  return new Date(Math.round(epochSec * 1e3));
};
currentExtensions[2] = (buffer) => {
  let value = BigInt(0);
  for (let i = 0, l = buffer.byteLength; i < l; i++) {
    value = BigInt(buffer[i]) + (value << BigInt(8));
  }
  return value;
};
currentExtensions[3] = (buffer) => {
  return BigInt(-1) - currentExtensions[2](buffer);
};
currentExtensions[4] = (fraction) => {
  return +(fraction[1] + "e" + fraction[0]);
};
currentExtensions[5] = (fraction) => {
  return fraction[1] * Math.exp(fraction[0] * Math.log(2));
};
var recordDefinition = (id, structure) => {
  id = id - 57344;
  let existingStructure = currentStructures[id];
  if (existingStructure && existingStructure.isShared) {
    (currentStructures.restoreStructures || (currentStructures.restoreStructures = []))[id] = existingStructure;
  }
  currentStructures[id] = structure;
  structure.read = createStructureReader(structure);
};
currentExtensions[LEGACY_RECORD_INLINE_ID] = (data) => {
  let length = data.length;
  let structure = data[1];
  recordDefinition(data[0], structure);
  let object = {};
  for (let i = 2; i < length; i++) {
    let key = structure[i - 2];
    object[safeKey(key)] = data[i];
  }
  return object;
};
var legacyRecordDefinition = currentExtensions[LEGACY_RECORD_INLINE_ID];
currentExtensions[14] = (value) => {
  if (bundledStrings)
    return bundledStrings[0].slice(bundledStrings.position0, bundledStrings.position0 += value);
  return new Tag(value, 14);
};
currentExtensions[15] = (value) => {
  if (bundledStrings)
    return bundledStrings[1].slice(bundledStrings.position1, bundledStrings.position1 += value);
  return new Tag(value, 15);
};
var glbl = { Error, RegExp };
currentExtensions[27] = (data) => {
  return (glbl[data[0]] || Error)(data[1], data[2]);
};
var packedTable = (read2) => {
  if (!(position < srcEnd)) throw endOfCBORError();
  if (src[position++] != 132)
    throw new Error("Packed values structure must be followed by a 4 element array");
  let newPackedValues = read2();
  if (!Array.isArray(newPackedValues) || !newPackedValues.length)
    throw new Error("Packed values structure must be followed by a 4 element array");
  packedValues = packedValues ? newPackedValues.concat(packedValues.slice(newPackedValues.length)) : newPackedValues;
  packedValues.prefixes = read2();
  packedValues.suffixes = read2();
  return read2();
};
packedTable.handlesRead = true;
currentExtensions[51] = packedTable;
currentExtensions[PACKED_REFERENCE_TAG_ID] = (data) => {
  if (!packedValues) {
    if (currentDecoder.getShared)
      loadShared();
    else
      return new Tag(data, PACKED_REFERENCE_TAG_ID);
  }
  if (typeof data == "number")
    return packedValues[16 + (data >= 0 ? 2 * data : -2 * data - 1)];
  throw new Error("No support for non-integer packed references yet");
};
currentExtensions[28] = (read2) => {
  if (!referenceMap) {
    referenceMap = /* @__PURE__ */ new Map();
    referenceMap.id = 0;
  }
  let id = referenceMap.id++;
  let startingPosition = position;
  let token = src[position];
  let target2;
  if (token >> 5 == 4)
    target2 = [];
  else
    target2 = {};
  let refEntry = { target: target2 };
  referenceMap.set(id, refEntry);
  let targetProperties = read2();
  if (refEntry.used) {
    if (Object.getPrototypeOf(target2) !== Object.getPrototypeOf(targetProperties)) {
      position = startingPosition;
      target2 = targetProperties;
      referenceMap.set(id, { target: target2 });
      targetProperties = read2();
    }
    return Object.assign(target2, targetProperties);
  }
  refEntry.target = targetProperties;
  return targetProperties;
};
currentExtensions[28].handlesRead = true;
currentExtensions[29] = (id) => {
  let refEntry = referenceMap.get(id);
  refEntry.used = true;
  return refEntry.target;
};
currentExtensions[258] = (array) => new Set(array);
(currentExtensions[259] = (read2) => {
  let decoder2 = currentDecoder;
  if (decoder2.mapsAsObjects) {
    decoder2.mapsAsObjects = false;
    restoreMapsAsObject = true;
    try {
      return read2();
    } finally {
      if (restoreMapsAsObject) {
        decoder2.mapsAsObjects = true;
        restoreMapsAsObject = false;
      }
    }
  }
  return read2();
}).handlesRead = true;
function combine(a, b) {
  if (typeof a === "string")
    return a + b;
  if (a instanceof Array)
    return a.concat(b);
  return Object.assign({}, a, b);
}
function getPackedValues() {
  if (!packedValues) {
    if (currentDecoder.getShared)
      loadShared();
    else
      throw new Error("No packed values available");
  }
  return packedValues;
}
var SHARED_DATA_TAG_ID = 1399353956;
currentExtensionRanges.push((tag, input) => {
  if (tag >= 225 && tag <= 255)
    return combine(getPackedValues().prefixes[tag - 224], input);
  if (tag >= 28704 && tag <= 32767)
    return combine(getPackedValues().prefixes[tag - 28672], input);
  if (tag >= 1879052288 && tag <= 2147483647)
    return combine(getPackedValues().prefixes[tag - 1879048192], input);
  if (tag >= 216 && tag <= 223)
    return combine(input, getPackedValues().suffixes[tag - 216]);
  if (tag >= 27647 && tag <= 28671)
    return combine(input, getPackedValues().suffixes[tag - 27639]);
  if (tag >= 1811940352 && tag <= 1879048191)
    return combine(input, getPackedValues().suffixes[tag - 1811939328]);
  if (tag == SHARED_DATA_TAG_ID) {
    return {
      packedValues,
      structures: currentStructures.slice(0),
      version: input
    };
  }
  if (tag == 55799)
    return input;
});
var isLittleEndianMachine = new Uint8Array(new Uint16Array([1]).buffer)[0] == 1;
var typedArrays = [
  Uint8Array,
  Uint8ClampedArray,
  Uint16Array,
  Uint32Array,
  typeof BigUint64Array == "undefined" ? { name: "BigUint64Array" } : BigUint64Array,
  Int8Array,
  Int16Array,
  Int32Array,
  typeof BigInt64Array == "undefined" ? { name: "BigInt64Array" } : BigInt64Array,
  Float32Array,
  Float64Array
];
var typedArrayTags = [64, 68, 69, 70, 71, 72, 77, 78, 79, 85, 86];
for (let i = 0; i < typedArrays.length; i++) {
  registerTypedArray(typedArrays[i], typedArrayTags[i]);
}
function registerTypedArray(TypedArray, tag) {
  let dvMethod = "get" + TypedArray.name.slice(0, -5);
  let bytesPerElement;
  if (typeof TypedArray === "function")
    bytesPerElement = TypedArray.BYTES_PER_ELEMENT;
  else
    TypedArray = null;
  for (let littleEndian = 0; littleEndian < 2; littleEndian++) {
    if (!littleEndian && bytesPerElement == 1)
      continue;
    let sizeShift = bytesPerElement == 2 ? 1 : bytesPerElement == 4 ? 2 : bytesPerElement == 8 ? 3 : 0;
    currentExtensions[littleEndian ? tag : tag - 4] = bytesPerElement == 1 || littleEndian == isLittleEndianMachine ? (buffer) => {
      if (!TypedArray)
        throw new Error("Could not find typed array for code " + tag);
      if (!currentDecoder.copyBuffers) {
        if (bytesPerElement === 1 || bytesPerElement === 2 && !(buffer.byteOffset & 1) || bytesPerElement === 4 && !(buffer.byteOffset & 3) || bytesPerElement === 8 && !(buffer.byteOffset & 7))
          return new TypedArray(buffer.buffer, buffer.byteOffset, buffer.byteLength >> sizeShift);
      }
      return new TypedArray(Uint8Array.prototype.slice.call(buffer, 0).buffer);
    } : (buffer) => {
      if (!TypedArray)
        throw new Error("Could not find typed array for code " + tag);
      let dv = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      let elements = buffer.length >> sizeShift;
      let ta = new TypedArray(elements);
      let method = dv[dvMethod];
      for (let i = 0; i < elements; i++) {
        ta[i] = method.call(dv, i << sizeShift, littleEndian);
      }
      return ta;
    };
  }
}
function readBundleExt() {
  let length = readJustLength();
  let bundlePosition = position + read();
  for (let i = 2; i < length; i++) {
    let bundleLength = readJustLength();
    position += bundleLength;
  }
  let dataPosition = position;
  position = bundlePosition;
  bundledStrings = [readStringJS(readJustLength()), readStringJS(readJustLength())];
  bundledStrings.position0 = 0;
  bundledStrings.position1 = 0;
  bundledStrings.postBundlePosition = position;
  position = dataPosition;
  return read();
}
function readJustLength() {
  if (!(position < srcEnd)) throw endOfCBORError();
  let token = src[position++] & 31;
  if (token > 23) {
    switch (token) {
      case 24:
        if (position >= srcEnd) throw endOfCBORError();
        token = src[position++];
        break;
      case 25:
        if (position + 2 > srcEnd) throw endOfCBORError();
        token = dataView.getUint16(position);
        position += 2;
        break;
      case 26:
        if (position + 4 > srcEnd) throw endOfCBORError();
        token = dataView.getUint32(position);
        position += 4;
        break;
    }
  }
  return token;
}
function loadShared() {
  if (currentDecoder.getShared) {
    let sharedData = saveState(() => {
      src = null;
      return currentDecoder.getShared();
    }) || {};
    let updatedStructures = sharedData.structures || [];
    currentDecoder.sharedVersion = sharedData.version;
    packedValues = currentDecoder.sharedValues = sharedData.packedValues;
    if (currentStructures === true)
      currentDecoder.structures = currentStructures = updatedStructures;
    else
      currentStructures.splice.apply(currentStructures, [0, updatedStructures.length].concat(updatedStructures));
  }
}
function saveState(callback) {
  let savedFragmentEnd = fragmentEnd;
  let savedFragmentReader = fragmentReadString;
  let savedReadFixedString = readFixedString;
  let savedSrcEnd = srcEnd;
  let savedPosition = position;
  let savedStringPosition = stringPosition;
  let savedSrcStringStart = srcStringStart;
  let savedSrcStringEnd = srcStringEnd;
  let savedSrcString = srcString;
  let savedStrings = strings;
  let savedReferenceMap = referenceMap;
  let savedBundledStrings = bundledStrings;
  let savedPackedValues = packedValues;
  let savedSrc = new Uint8Array(src.slice(0, srcEnd));
  let savedStructures = currentStructures;
  let savedDecoder = currentDecoder;
  let savedSequentialMode = sequentialMode;
  let savedRestoreMapsAsObject = restoreMapsAsObject;
  let savedArrayAllocationBudget = arrayAllocationBudget;
  fragmentEnd = 0;
  if (fragmentReadString) readFixedString = fragmentReadString;
  fragmentReadString = null;
  restoreMapsAsObject = false;
  try {
    return callback();
  } catch (error) {
    if (error && (typeof error == "object" || typeof error == "function"))
      nestedDecodeErrors.add(error);
    throw error;
  } finally {
    fragmentEnd = savedFragmentEnd;
    fragmentReadString = savedFragmentReader;
    readFixedString = savedReadFixedString;
    srcEnd = savedSrcEnd;
    position = savedPosition;
    stringPosition = savedStringPosition;
    srcStringStart = savedSrcStringStart;
    srcStringEnd = savedSrcStringEnd;
    srcString = savedSrcString;
    strings = savedStrings;
    referenceMap = savedReferenceMap;
    bundledStrings = savedBundledStrings;
    packedValues = savedPackedValues;
    src = savedSrc;
    sequentialMode = savedSequentialMode;
    currentStructures = savedStructures;
    currentDecoder = savedDecoder;
    restoreMapsAsObject = savedRestoreMapsAsObject;
    arrayAllocationBudget = savedArrayAllocationBudget;
    dataView = new DataView(src.buffer, src.byteOffset, src.byteLength);
  }
}
function clearSource() {
  src = null;
  referenceMap = null;
  currentStructures = null;
}
var fragmentEnd = 0;
var fragmentReadString;
var builtinScanTags = /* @__PURE__ */ new Map([[LEGACY_RECORD_INLINE_ID, legacyRecordDefinition], [259, currentExtensions[259]]]);
var mult10 = new Array(147);
for (let i = 0; i < 256; i++) {
  mult10[i] = +("1e" + Math.floor(45.15 - i * 0.30103));
}
var defaultDecoder = new Decoder({ useRecords: false });
var decode = defaultDecoder.decode;
var decodeMultiple = defaultDecoder.decodeMultiple;
var FLOAT32_OPTIONS = {
  NEVER: 0,
  ALWAYS: 1,
  DECIMAL_ROUND: 3,
  DECIMAL_FIT: 4
};

// node_modules/cbor-x/encode.js
var textEncoder;
try {
  textEncoder = new TextEncoder();
} catch (error) {
}
var extensions;
var extensionClasses;
var Buffer2 = typeof globalThis === "object" && globalThis.Buffer;
var hasNodeBuffer = typeof Buffer2 !== "undefined";
var ByteArrayAllocate = hasNodeBuffer ? Buffer2.allocUnsafeSlow : Uint8Array;
var ByteArray = hasNodeBuffer ? Buffer2 : Uint8Array;
var MAX_STRUCTURES = 256;
var MAX_BUFFER_SIZE = hasNodeBuffer ? 4294967296 : 2144337920;
var throwOnIterable;
var target;
var targetView;
var position2 = 0;
var safeEnd;
var bundledStrings2 = null;
var MAX_BUNDLE_SIZE = 61440;
var hasNonLatin = /[\u0080-\uFFFF]/;
var RECORD_SYMBOL = /* @__PURE__ */ Symbol("record-id");
var Encoder = class extends Decoder {
  constructor(options) {
    super(options);
    this.offset = 0;
    let typeBuffer;
    let start;
    let sharedStructures;
    let hasSharedUpdate;
    let structures;
    let referenceMap2;
    options = options || {};
    let encodeUtf8 = ByteArray.prototype.utf8Write ? function(string, position3) {
      return target.utf8Write(string, position3, target.byteLength - position3);
    } : textEncoder && textEncoder.encodeInto ? function(string, position3) {
      return textEncoder.encodeInto(string, target.subarray(position3)).written;
    } : false;
    let encoder = this;
    let hasSharedStructures = options.structures || options.saveStructures;
    let maxSharedStructures = options.maxSharedStructures;
    if (maxSharedStructures == null)
      maxSharedStructures = hasSharedStructures ? 128 : 0;
    if (maxSharedStructures > 8190)
      throw new Error("Maximum maxSharedStructure is 8190");
    let isSequential = options.sequential;
    if (isSequential) {
      maxSharedStructures = 0;
    }
    if (!this.structures)
      this.structures = [];
    if (this.saveStructures)
      this.saveShared = this.saveStructures;
    let samplingPackedValues, packedObjectMap2, sharedValues = options.sharedValues;
    let sharedPackedObjectMap2;
    if (sharedValues) {
      sharedPackedObjectMap2 = /* @__PURE__ */ Object.create(null);
      for (let i = 0, l = sharedValues.length; i < l; i++) {
        sharedPackedObjectMap2[sharedValues[i]] = i;
      }
    }
    let recordIdsToRemove = [];
    let transitionsCount = 0;
    let serializationsSinceTransitionRebuild = 0;
    this.mapEncode = function(value, encodeOptions) {
      if (this._keyMap && !this._mapped) {
        switch (value.constructor.name) {
          case "Array":
            value = value.map((r) => this.encodeKeys(r));
            break;
        }
      }
      return this.encode(value, encodeOptions);
    };
    this.encode = function(value, encodeOptions) {
      if (!target) {
        target = new ByteArrayAllocate(8192);
        targetView = new DataView(target.buffer, 0, 8192);
        position2 = 0;
      }
      safeEnd = target.length - 10;
      if (safeEnd - position2 < 2048) {
        target = new ByteArrayAllocate(target.length);
        targetView = new DataView(target.buffer, 0, target.length);
        safeEnd = target.length - 10;
        position2 = 0;
      } else if (encodeOptions === REUSE_BUFFER_MODE)
        position2 = position2 + 7 & 2147483640;
      start = position2;
      if (encoder.useSelfDescribedHeader) {
        targetView.setUint32(position2, 3654940416);
        position2 += 3;
      }
      referenceMap2 = encoder.structuredClone ? /* @__PURE__ */ new Map() : null;
      if (encoder.bundleStrings && typeof value !== "string") {
        bundledStrings2 = [];
        bundledStrings2.size = Infinity;
      } else
        bundledStrings2 = null;
      sharedStructures = encoder.structures;
      if (sharedStructures) {
        if (sharedStructures.uninitialized) {
          let sharedData = encoder.getShared() || {};
          encoder.structures = sharedStructures = sharedData.structures || [];
          encoder.sharedVersion = sharedData.version;
          let sharedValues2 = encoder.sharedValues = sharedData.packedValues;
          if (sharedValues2) {
            sharedPackedObjectMap2 = {};
            for (let i = 0, l = sharedValues2.length; i < l; i++)
              sharedPackedObjectMap2[sharedValues2[i]] = i;
          }
        }
        let sharedStructuresLength = sharedStructures.length;
        if (sharedStructuresLength > maxSharedStructures && !isSequential)
          sharedStructuresLength = maxSharedStructures;
        if (!sharedStructures.transitions) {
          sharedStructures.transitions = /* @__PURE__ */ Object.create(null);
          for (let i = 0; i < sharedStructuresLength; i++) {
            let keys = sharedStructures[i];
            if (!keys)
              continue;
            let nextTransition, transition = sharedStructures.transitions;
            for (let j = 0, l = keys.length; j < l; j++) {
              if (transition[RECORD_SYMBOL] === void 0)
                transition[RECORD_SYMBOL] = i;
              let key = keys[j];
              nextTransition = transition[key];
              if (!nextTransition) {
                nextTransition = transition[key] = /* @__PURE__ */ Object.create(null);
              }
              transition = nextTransition;
            }
            transition[RECORD_SYMBOL] = i | 1048576;
          }
        }
        if (!isSequential)
          sharedStructures.nextId = sharedStructuresLength;
      }
      if (hasSharedUpdate)
        hasSharedUpdate = false;
      structures = sharedStructures || [];
      packedObjectMap2 = sharedPackedObjectMap2;
      if (options.pack) {
        let packedValues2 = /* @__PURE__ */ new Map();
        packedValues2.values = [];
        packedValues2.encoder = encoder;
        packedValues2.maxValues = options.maxPrivatePackedValues || (sharedPackedObjectMap2 ? 16 : Infinity);
        packedValues2.objectMap = sharedPackedObjectMap2 || false;
        packedValues2.samplingPackedValues = samplingPackedValues;
        findRepetitiveStrings(value, packedValues2);
        if (packedValues2.values.length > 0) {
          target[position2++] = 216;
          target[position2++] = 51;
          writeArrayHeader(4);
          let valuesArray = packedValues2.values;
          encode3(valuesArray);
          writeArrayHeader(0);
          writeArrayHeader(0);
          packedObjectMap2 = Object.create(sharedPackedObjectMap2 || null);
          for (let i = 0, l = valuesArray.length; i < l; i++) {
            packedObjectMap2[valuesArray[i]] = i;
          }
        }
      }
      throwOnIterable = encodeOptions & THROW_ON_ITERABLE;
      try {
        if (throwOnIterable)
          return;
        encode3(value);
        if (bundledStrings2 && bundledStrings2.position) {
          writeBundles(start, encode3);
        }
        encoder.offset = position2;
        if (referenceMap2 && referenceMap2.idsToInsert) {
          position2 += referenceMap2.idsToInsert.length * 2;
          if (position2 > safeEnd)
            makeRoom(position2);
          encoder.offset = position2;
          let serialized = insertIds(target.subarray(start, position2), referenceMap2.idsToInsert);
          referenceMap2 = null;
          return serialized;
        }
        if (encodeOptions & REUSE_BUFFER_MODE) {
          target.start = start;
          target.end = position2;
          return target;
        }
        return target.subarray(start, position2);
      } finally {
        if (sharedStructures) {
          if (serializationsSinceTransitionRebuild < 10)
            serializationsSinceTransitionRebuild++;
          if (sharedStructures.length > maxSharedStructures)
            sharedStructures.length = maxSharedStructures;
          if (transitionsCount > 1e4) {
            sharedStructures.transitions = null;
            serializationsSinceTransitionRebuild = 0;
            transitionsCount = 0;
            if (recordIdsToRemove.length > 0)
              recordIdsToRemove = [];
          } else if (recordIdsToRemove.length > 0 && !isSequential) {
            for (let i = 0, l = recordIdsToRemove.length; i < l; i++) {
              recordIdsToRemove[i][RECORD_SYMBOL] = void 0;
            }
            recordIdsToRemove = [];
          }
        }
        if (hasSharedUpdate && encoder.saveShared) {
          if (encoder.structures.length > maxSharedStructures) {
            encoder.structures = encoder.structures.slice(0, maxSharedStructures);
          }
          let returnBuffer = target.subarray(start, position2);
          if (encoder.updateSharedData() === false)
            return encoder.encode(value);
          return returnBuffer;
        }
        if (encodeOptions & RESET_BUFFER_MODE)
          position2 = start;
      }
    };
    this.findCommonStringsToPack = () => {
      samplingPackedValues = /* @__PURE__ */ new Map();
      if (!sharedPackedObjectMap2)
        sharedPackedObjectMap2 = /* @__PURE__ */ Object.create(null);
      return (options2) => {
        let threshold = options2 && options2.threshold || 4;
        let position3 = this.pack ? options2.maxPrivatePackedValues || 16 : 0;
        if (!sharedValues)
          sharedValues = this.sharedValues = [];
        for (let [key, status] of samplingPackedValues) {
          if (status.count > threshold) {
            sharedPackedObjectMap2[key] = position3++;
            sharedValues.push(key);
            hasSharedUpdate = true;
          }
        }
        while (this.saveShared && this.updateSharedData() === false) {
        }
        samplingPackedValues = null;
      };
    };
    const encode3 = (value) => {
      if (position2 > safeEnd)
        target = makeRoom(position2);
      var type = typeof value;
      var length;
      if (type === "string") {
        if (packedObjectMap2) {
          let packedPosition = packedObjectMap2[value];
          if (packedPosition >= 0) {
            if (packedPosition < 16)
              target[position2++] = packedPosition + 224;
            else {
              target[position2++] = 198;
              if (packedPosition & 1)
                encode3(15 - packedPosition >> 1);
              else
                encode3(packedPosition - 16 >> 1);
            }
            return;
          } else if (samplingPackedValues && !options.pack) {
            let status = samplingPackedValues.get(value);
            if (status)
              status.count++;
            else
              samplingPackedValues.set(value, {
                count: 1
              });
          }
        }
        let strLength = value.length;
        if (bundledStrings2 && strLength >= 4 && strLength < 1024) {
          if ((bundledStrings2.size += strLength) > MAX_BUNDLE_SIZE) {
            let extStart;
            let maxBytes2 = (bundledStrings2[0] ? bundledStrings2[0].length * 3 + bundledStrings2[1].length : 0) + 10;
            if (position2 + maxBytes2 > safeEnd)
              target = makeRoom(position2 + maxBytes2);
            target[position2++] = 217;
            target[position2++] = 223;
            target[position2++] = 249;
            target[position2++] = bundledStrings2.position ? 132 : 130;
            target[position2++] = 26;
            extStart = position2 - start;
            position2 += 4;
            if (bundledStrings2.position) {
              writeBundles(start, encode3);
            }
            bundledStrings2 = ["", ""];
            bundledStrings2.size = 0;
            bundledStrings2.position = extStart;
          }
          let twoByte = hasNonLatin.test(value);
          bundledStrings2[twoByte ? 0 : 1] += value;
          target[position2++] = twoByte ? 206 : 207;
          encode3(strLength);
          return;
        }
        let headerSize;
        if (strLength < 32) {
          headerSize = 1;
        } else if (strLength < 256) {
          headerSize = 2;
        } else if (strLength < 65536) {
          headerSize = 3;
        } else {
          headerSize = 5;
        }
        let maxBytes = strLength * 3;
        if (position2 + maxBytes > safeEnd)
          target = makeRoom(position2 + maxBytes);
        if (strLength < 64 || !encodeUtf8) {
          let i, c1, c2, strPosition = position2 + headerSize;
          for (i = 0; i < strLength; i++) {
            c1 = value.charCodeAt(i);
            if (c1 < 128) {
              target[strPosition++] = c1;
            } else if (c1 < 2048) {
              target[strPosition++] = c1 >> 6 | 192;
              target[strPosition++] = c1 & 63 | 128;
            } else if ((c1 & 64512) === 55296 && ((c2 = value.charCodeAt(i + 1)) & 64512) === 56320) {
              c1 = 65536 + ((c1 & 1023) << 10) + (c2 & 1023);
              i++;
              target[strPosition++] = c1 >> 18 | 240;
              target[strPosition++] = c1 >> 12 & 63 | 128;
              target[strPosition++] = c1 >> 6 & 63 | 128;
              target[strPosition++] = c1 & 63 | 128;
            } else {
              target[strPosition++] = c1 >> 12 | 224;
              target[strPosition++] = c1 >> 6 & 63 | 128;
              target[strPosition++] = c1 & 63 | 128;
            }
          }
          length = strPosition - position2 - headerSize;
        } else {
          length = encodeUtf8(value, position2 + headerSize, maxBytes);
        }
        if (length < 24) {
          target[position2++] = 96 | length;
        } else if (length < 256) {
          if (headerSize < 2) {
            target.copyWithin(position2 + 2, position2 + 1, position2 + 1 + length);
          }
          target[position2++] = 120;
          target[position2++] = length;
        } else if (length < 65536) {
          if (headerSize < 3) {
            target.copyWithin(position2 + 3, position2 + 2, position2 + 2 + length);
          }
          target[position2++] = 121;
          target[position2++] = length >> 8;
          target[position2++] = length & 255;
        } else {
          if (headerSize < 5) {
            target.copyWithin(position2 + 5, position2 + 3, position2 + 3 + length);
          }
          target[position2++] = 122;
          targetView.setUint32(position2, length);
          position2 += 4;
        }
        position2 += length;
      } else if (type === "number") {
        if (!this.alwaysUseFloat && value >>> 0 === value) {
          if (value < 24) {
            target[position2++] = value;
          } else if (value < 256) {
            target[position2++] = 24;
            target[position2++] = value;
          } else if (value < 65536) {
            target[position2++] = 25;
            target[position2++] = value >> 8;
            target[position2++] = value & 255;
          } else {
            target[position2++] = 26;
            targetView.setUint32(position2, value);
            position2 += 4;
          }
        } else if (!this.alwaysUseFloat && value >> 0 === value) {
          if (value >= -24) {
            target[position2++] = 31 - value;
          } else if (value >= -256) {
            target[position2++] = 56;
            target[position2++] = ~value;
          } else if (value >= -65536) {
            target[position2++] = 57;
            targetView.setUint16(position2, ~value);
            position2 += 2;
          } else {
            target[position2++] = 58;
            targetView.setUint32(position2, ~value);
            position2 += 4;
          }
        } else if (!this.alwaysUseFloat && value < 0 && value >= -4294967296 && Math.floor(value) === value) {
          target[position2++] = 58;
          targetView.setUint32(position2, -1 - value);
          position2 += 4;
        } else {
          let useFloat32;
          if ((useFloat32 = this.useFloat32) > 0 && value < 4294967296 && value >= -2147483648) {
            target[position2++] = 250;
            targetView.setFloat32(position2, value);
            let xShifted;
            if (useFloat32 < 4 || // this checks for rounding of numbers that were encoded in 32-bit float to nearest significant decimal digit that could be preserved
            (xShifted = value * mult10[(target[position2] & 127) << 1 | target[position2 + 1] >> 7]) >> 0 === xShifted) {
              position2 += 4;
              return;
            } else
              position2--;
          }
          target[position2++] = 251;
          targetView.setFloat64(position2, value);
          position2 += 8;
        }
      } else if (type === "object") {
        if (!value)
          target[position2++] = 246;
        else {
          if (referenceMap2) {
            let referee = referenceMap2.get(value);
            if (referee) {
              target[position2++] = 216;
              target[position2++] = 29;
              target[position2++] = 25;
              if (!referee.references) {
                let idsToInsert = referenceMap2.idsToInsert || (referenceMap2.idsToInsert = []);
                referee.references = [];
                idsToInsert.push(referee);
              }
              referee.references.push(position2 - start);
              position2 += 2;
              return;
            } else
              referenceMap2.set(value, { offset: position2 - start });
          }
          let constructor = value.constructor;
          if (constructor === Object) {
            if (this.skipFunction === true) {
              value = Object.fromEntries([...Object.keys(value).filter((x) => typeof value[x] !== "function").map((x) => [x, value[x]])]);
            }
            writeObject(value);
          } else if (constructor === Array) {
            length = value.length;
            if (length < 24) {
              target[position2++] = 128 | length;
            } else {
              writeArrayHeader(length);
            }
            for (let i = 0; i < length; i++) {
              encode3(value[i]);
            }
          } else if (constructor === Map) {
            if (this.mapsAsObjects ? this.useTag259ForMaps !== false : this.useTag259ForMaps) {
              target[position2++] = 217;
              target[position2++] = 1;
              target[position2++] = 3;
            }
            length = value.size;
            if (length < 24) {
              target[position2++] = 160 | length;
            } else if (length < 256) {
              target[position2++] = 184;
              target[position2++] = length;
            } else if (length < 65536) {
              target[position2++] = 185;
              target[position2++] = length >> 8;
              target[position2++] = length & 255;
            } else {
              target[position2++] = 186;
              targetView.setUint32(position2, length);
              position2 += 4;
            }
            if (encoder.keyMap) {
              for (let [key, entryValue] of value) {
                encode3(encoder.encodeKey(key));
                encode3(entryValue);
              }
            } else {
              for (let [key, entryValue] of value) {
                encode3(key);
                encode3(entryValue);
              }
            }
          } else {
            for (let i = 0, l = extensions.length; i < l; i++) {
              let extensionClass = extensionClasses[i];
              if (value instanceof extensionClass) {
                let extension = extensions[i];
                let tag = extension.tag;
                if (tag == void 0)
                  tag = extension.getTag && extension.getTag.call(this, value);
                if (tag < 24) {
                  target[position2++] = 192 | tag;
                } else if (tag < 256) {
                  target[position2++] = 216;
                  target[position2++] = tag;
                } else if (tag < 65536) {
                  target[position2++] = 217;
                  target[position2++] = tag >> 8;
                  target[position2++] = tag & 255;
                } else if (tag > -1) {
                  target[position2++] = 218;
                  targetView.setUint32(position2, tag);
                  position2 += 4;
                }
                extension.encode.call(this, value, encode3, makeRoom);
                return;
              }
            }
            if (value[Symbol.iterator]) {
              if (throwOnIterable) {
                let error = new Error("Iterable should be serialized as iterator");
                error.iteratorNotHandled = true;
                throw error;
              }
              target[position2++] = 159;
              for (let entry of value) {
                encode3(entry);
              }
              target[position2++] = 255;
              return;
            }
            if (value[Symbol.asyncIterator] || isBlob(value)) {
              let error = new Error("Iterable/blob should be serialized as iterator");
              error.iteratorNotHandled = true;
              throw error;
            }
            if (this.useToJSON && value.toJSON) {
              const json = value.toJSON();
              if (json !== value)
                return encode3(json);
            }
            if (constructor === DataView) {
              writeBuffer(new Uint8Array(value.buffer, value.byteOffset, value.byteLength), makeRoom);
              return;
            }
            writeObject(value);
          }
        }
      } else if (type === "boolean") {
        target[position2++] = value ? 245 : 244;
      } else if (type === "bigint") {
        if (value < BigInt(1) << BigInt(64) && value >= 0) {
          target[position2++] = 27;
          targetView.setBigUint64(position2, value);
        } else if (value > -(BigInt(1) << BigInt(64)) && value < 0) {
          target[position2++] = 59;
          targetView.setBigUint64(position2, -value - BigInt(1));
        } else {
          if (this.largeBigIntToFloat) {
            target[position2++] = 251;
            targetView.setFloat64(position2, Number(value));
          } else {
            if (value >= BigInt(0))
              target[position2++] = 194;
            else {
              target[position2++] = 195;
              value = BigInt(-1) - value;
            }
            let bytes = [];
            while (value) {
              bytes.push(Number(value & BigInt(255)));
              value >>= BigInt(8);
            }
            writeBuffer(new Uint8Array(bytes.reverse()), makeRoom);
            return;
          }
        }
        position2 += 8;
      } else if (type === "undefined") {
        target[position2++] = 247;
      } else {
        throw new Error("Unknown type: " + type);
      }
    };
    const writeObject = this.useRecords === false ? this.variableMapSize ? (object) => {
      let keys = Object.keys(object);
      let vals = Object.values(object);
      let length = keys.length;
      if (length < 24) {
        target[position2++] = 160 | length;
      } else if (length < 256) {
        target[position2++] = 184;
        target[position2++] = length;
      } else if (length < 65536) {
        target[position2++] = 185;
        target[position2++] = length >> 8;
        target[position2++] = length & 255;
      } else {
        target[position2++] = 186;
        targetView.setUint32(position2, length);
        position2 += 4;
      }
      let key;
      if (encoder.keyMap) {
        for (let i = 0; i < length; i++) {
          encode3(encoder.encodeKey(keys[i]));
          encode3(vals[i]);
        }
      } else {
        for (let i = 0; i < length; i++) {
          encode3(keys[i]);
          encode3(vals[i]);
        }
      }
    } : (object) => {
      target[position2++] = 185;
      let objectOffset = position2 - start;
      position2 += 2;
      let size = 0;
      if (encoder.keyMap) {
        for (let key in object) if (typeof object.hasOwnProperty !== "function" || object.hasOwnProperty(key)) {
          encode3(encoder.encodeKey(key));
          encode3(object[key]);
          size++;
        }
      } else {
        for (let key in object) if (typeof object.hasOwnProperty !== "function" || object.hasOwnProperty(key)) {
          encode3(key);
          encode3(object[key]);
          size++;
        }
      }
      if (size < 65536) {
        target[objectOffset++ + start] = size >> 8;
        target[objectOffset + start] = size & 255;
      } else {
        if (position2 + 2 > safeEnd)
          makeRoom(position2 + 2);
        let headerPosition = objectOffset + start;
        target.copyWithin(headerPosition + 4, headerPosition + 2, position2);
        position2 += 2;
        target[headerPosition - 1] = 186;
        targetView.setUint32(headerPosition, size);
      }
    } : (object, skipValues) => {
      let nextTransition, transition = structures.transitions || (structures.transitions = /* @__PURE__ */ Object.create(null));
      let newTransitions = 0;
      let length = 0;
      let parentRecordId;
      let keys;
      if (this.keyMap) {
        keys = Object.keys(object).map((k) => this.encodeKey(k));
        length = keys.length;
        for (let i = 0; i < length; i++) {
          let key = keys[i];
          nextTransition = transition[key];
          if (!nextTransition) {
            nextTransition = transition[key] = /* @__PURE__ */ Object.create(null);
            newTransitions++;
          }
          transition = nextTransition;
        }
      } else {
        for (let key in object) if (typeof object.hasOwnProperty !== "function" || object.hasOwnProperty(key)) {
          nextTransition = transition[key];
          if (!nextTransition) {
            if (transition[RECORD_SYMBOL] & 1048576) {
              parentRecordId = transition[RECORD_SYMBOL] & 65535;
            }
            nextTransition = transition[key] = /* @__PURE__ */ Object.create(null);
            newTransitions++;
          }
          transition = nextTransition;
          length++;
        }
      }
      let recordId = transition[RECORD_SYMBOL];
      if (recordId !== void 0) {
        recordId &= 65535;
        target[position2++] = 217;
        target[position2++] = recordId >> 8 | 224;
        target[position2++] = recordId & 255;
      } else {
        if (!keys)
          keys = transition.__keys__ || (transition.__keys__ = Object.keys(object));
        if (parentRecordId === void 0) {
          recordId = structures.nextId++;
          if (!recordId) {
            recordId = 0;
            structures.nextId = 1;
          }
          if (recordId >= MAX_STRUCTURES) {
            structures.nextId = (recordId = maxSharedStructures) + 1;
          }
        } else {
          recordId = parentRecordId;
        }
        structures[recordId] = keys;
        if (recordId < maxSharedStructures) {
          target[position2++] = 217;
          target[position2++] = recordId >> 8 | 224;
          target[position2++] = recordId & 255;
          transition = structures.transitions;
          for (let i = 0; i < length; i++) {
            if (transition[RECORD_SYMBOL] === void 0 || transition[RECORD_SYMBOL] & 1048576)
              transition[RECORD_SYMBOL] = recordId;
            transition = transition[keys[i]];
          }
          transition[RECORD_SYMBOL] = recordId | 1048576;
          hasSharedUpdate = true;
        } else {
          transition[RECORD_SYMBOL] = recordId;
          targetView.setUint32(position2, 3655335680);
          position2 += 3;
          if (newTransitions)
            transitionsCount += serializationsSinceTransitionRebuild * newTransitions;
          if (recordIdsToRemove.length >= MAX_STRUCTURES - maxSharedStructures)
            recordIdsToRemove.shift()[RECORD_SYMBOL] = void 0;
          recordIdsToRemove.push(transition);
          writeArrayHeader(length + 2);
          encode3(57344 + recordId);
          encode3(keys);
          if (skipValues) return;
          for (let key in object)
            if (typeof object.hasOwnProperty !== "function" || object.hasOwnProperty(key))
              encode3(object[key]);
          return;
        }
      }
      if (length < 24) {
        target[position2++] = 128 | length;
      } else {
        writeArrayHeader(length);
      }
      if (skipValues) return;
      for (let key in object)
        if (typeof object.hasOwnProperty !== "function" || object.hasOwnProperty(key))
          encode3(object[key]);
    };
    const makeRoom = (end) => {
      let newSize;
      if (end > 16777216) {
        if (end - start > MAX_BUFFER_SIZE)
          throw new Error("Encoded buffer would be larger than maximum buffer size");
        newSize = Math.min(
          MAX_BUFFER_SIZE,
          Math.round(Math.max((end - start) * (end > 67108864 ? 1.25 : 2), 4194304) / 4096) * 4096
        );
      } else
        newSize = (Math.max(end - start << 2, target.length - 1) >> 12) + 1 << 12;
      let newBuffer = new ByteArrayAllocate(newSize);
      targetView = new DataView(newBuffer.buffer, 0, newSize);
      if (target.copy)
        target.copy(newBuffer, 0, start, end);
      else
        newBuffer.set(target.slice(start, end));
      position2 -= start;
      start = 0;
      safeEnd = newBuffer.length - 10;
      return target = newBuffer;
    };
    let chunkThreshold = 100;
    let continuedChunkThreshold = 1e3;
    this.encodeAsIterable = function(value, options2) {
      return startEncoding(value, options2, encodeObjectAsIterable);
    };
    this.encodeAsAsyncIterable = function(value, options2) {
      return startEncoding(value, options2, encodeObjectAsAsyncIterable);
    };
    function* encodeObjectAsIterable(object, iterateProperties, finalIterable) {
      let constructor = object.constructor;
      if (constructor === Object) {
        let useRecords = encoder.useRecords !== false;
        if (useRecords)
          writeObject(object, true);
        else
          writeEntityLength(Object.keys(object).length, 160);
        for (let key in object) {
          let value = object[key];
          if (!useRecords) encode3(key);
          if (value && typeof value === "object") {
            if (iterateProperties[key])
              yield* encodeObjectAsIterable(value, iterateProperties[key]);
            else
              yield* tryEncode(value, iterateProperties, key);
          } else encode3(value);
        }
      } else if (constructor === Array) {
        let length = object.length;
        writeArrayHeader(length);
        for (let i = 0; i < length; i++) {
          let value = object[i];
          if (value && (typeof value === "object" || position2 - start > chunkThreshold)) {
            if (iterateProperties.element)
              yield* encodeObjectAsIterable(value, iterateProperties.element);
            else
              yield* tryEncode(value, iterateProperties, "element");
          } else encode3(value);
        }
      } else if (object[Symbol.iterator] && !object.buffer) {
        target[position2++] = 159;
        for (let value of object) {
          if (value && (typeof value === "object" || position2 - start > chunkThreshold)) {
            if (iterateProperties.element)
              yield* encodeObjectAsIterable(value, iterateProperties.element);
            else
              yield* tryEncode(value, iterateProperties, "element");
          } else encode3(value);
        }
        target[position2++] = 255;
      } else if (isBlob(object)) {
        writeEntityLength(object.size, 64);
        yield target.subarray(start, position2);
        yield object;
        restartEncoding();
      } else if (object[Symbol.asyncIterator]) {
        target[position2++] = 159;
        yield target.subarray(start, position2);
        yield object;
        restartEncoding();
        target[position2++] = 255;
      } else {
        encode3(object);
      }
      if (finalIterable && position2 > start) yield target.subarray(start, position2);
      else if (position2 - start > chunkThreshold) {
        yield target.subarray(start, position2);
        restartEncoding();
      }
    }
    function* tryEncode(value, iterateProperties, key) {
      let restart = position2 - start;
      try {
        encode3(value);
        if (position2 - start > chunkThreshold) {
          yield target.subarray(start, position2);
          restartEncoding();
        }
      } catch (error) {
        if (error.iteratorNotHandled) {
          iterateProperties[key] = {};
          position2 = start + restart;
          yield* encodeObjectAsIterable.call(this, value, iterateProperties[key]);
        } else throw error;
      }
    }
    function restartEncoding() {
      chunkThreshold = continuedChunkThreshold;
      encoder.encode(null, THROW_ON_ITERABLE);
    }
    function startEncoding(value, options2, encodeIterable) {
      if (options2 && options2.chunkThreshold)
        chunkThreshold = continuedChunkThreshold = options2.chunkThreshold;
      else
        chunkThreshold = 100;
      if (value && typeof value === "object") {
        encoder.encode(null, THROW_ON_ITERABLE);
        return encodeIterable(value, encoder.iterateProperties || (encoder.iterateProperties = {}), true);
      }
      return [encoder.encode(value)];
    }
    async function* encodeObjectAsAsyncIterable(value, iterateProperties) {
      for (let encodedValue of encodeObjectAsIterable(value, iterateProperties, true)) {
        let constructor = encodedValue.constructor;
        if (constructor === ByteArray || constructor === Uint8Array)
          yield encodedValue;
        else if (isBlob(encodedValue)) {
          let reader = encodedValue.stream().getReader();
          let next;
          while (!(next = await reader.read()).done) {
            yield next.value;
          }
        } else if (encodedValue[Symbol.asyncIterator]) {
          for await (let asyncValue of encodedValue) {
            restartEncoding();
            if (asyncValue)
              yield* encodeObjectAsAsyncIterable(asyncValue, iterateProperties.async || (iterateProperties.async = {}));
            else yield encoder.encode(asyncValue);
          }
        } else {
          yield encodedValue;
        }
      }
    }
  }
  useBuffer(buffer) {
    target = buffer;
    targetView = new DataView(target.buffer, target.byteOffset, target.byteLength);
    position2 = 0;
  }
  clearSharedData() {
    if (this.structures)
      this.structures = [];
    if (this.sharedValues)
      this.sharedValues = void 0;
  }
  updateSharedData() {
    let lastVersion = this.sharedVersion || 0;
    this.sharedVersion = lastVersion + 1;
    let structuresCopy = this.structures.slice(0);
    let sharedData = new SharedData(structuresCopy, this.sharedValues, this.sharedVersion);
    let saveResults = this.saveShared(
      sharedData,
      (existingShared) => (existingShared && existingShared.version || 0) == lastVersion
    );
    if (saveResults === false) {
      sharedData = this.getShared() || {};
      this.structures = sharedData.structures || [];
      this.sharedValues = sharedData.packedValues;
      this.sharedVersion = sharedData.version;
      this.structures.nextId = this.structures.length;
    } else {
      structuresCopy.forEach((structure, i) => this.structures[i] = structure);
    }
    return saveResults;
  }
};
function writeEntityLength(length, majorValue) {
  if (length < 24)
    target[position2++] = majorValue | length;
  else if (length < 256) {
    target[position2++] = majorValue | 24;
    target[position2++] = length;
  } else if (length < 65536) {
    target[position2++] = majorValue | 25;
    target[position2++] = length >> 8;
    target[position2++] = length & 255;
  } else {
    target[position2++] = majorValue | 26;
    targetView.setUint32(position2, length);
    position2 += 4;
  }
}
var SharedData = class {
  constructor(structures, values, version) {
    this.structures = structures;
    this.packedValues = values;
    this.version = version;
  }
};
function writeArrayHeader(length) {
  if (length < 24)
    target[position2++] = 128 | length;
  else if (length < 256) {
    target[position2++] = 152;
    target[position2++] = length;
  } else if (length < 65536) {
    target[position2++] = 153;
    target[position2++] = length >> 8;
    target[position2++] = length & 255;
  } else {
    target[position2++] = 154;
    targetView.setUint32(position2, length);
    position2 += 4;
  }
}
var BlobConstructor = typeof Blob === "undefined" ? function() {
} : Blob;
function isBlob(object) {
  if (object instanceof BlobConstructor)
    return true;
  let tag = object[Symbol.toStringTag];
  return tag === "Blob" || tag === "File";
}
function findRepetitiveStrings(value, packedValues2) {
  switch (typeof value) {
    case "string":
      if (value.length > 3) {
        if (packedValues2.objectMap[value] > -1 || packedValues2.values.length >= packedValues2.maxValues)
          return;
        let packedStatus = packedValues2.get(value);
        if (packedStatus) {
          if (++packedStatus.count == 2) {
            packedValues2.values.push(value);
          }
        } else {
          packedValues2.set(value, {
            count: 1
          });
          if (packedValues2.samplingPackedValues) {
            let status = packedValues2.samplingPackedValues.get(value);
            if (status)
              status.count++;
            else
              packedValues2.samplingPackedValues.set(value, {
                count: 1
              });
          }
        }
      }
      break;
    case "object":
      if (value) {
        if (value instanceof Array) {
          for (let i = 0, l = value.length; i < l; i++) {
            findRepetitiveStrings(value[i], packedValues2);
          }
        } else {
          let includeKeys = !packedValues2.encoder.useRecords;
          for (var key in value) {
            if (value.hasOwnProperty(key)) {
              if (includeKeys)
                findRepetitiveStrings(key, packedValues2);
              findRepetitiveStrings(value[key], packedValues2);
            }
          }
        }
      }
      break;
    case "function":
      console.log(value);
  }
}
var isLittleEndianMachine2 = new Uint8Array(new Uint16Array([1]).buffer)[0] == 1;
extensionClasses = [
  Date,
  Set,
  Error,
  RegExp,
  Tag,
  ArrayBuffer,
  Uint8Array,
  Uint8ClampedArray,
  Uint16Array,
  Uint32Array,
  typeof BigUint64Array == "undefined" ? function() {
  } : BigUint64Array,
  Int8Array,
  Int16Array,
  Int32Array,
  typeof BigInt64Array == "undefined" ? function() {
  } : BigInt64Array,
  Float32Array,
  Float64Array,
  SharedData
];
extensions = [
  {
    // Date
    tag: 1,
    encode(date, encode3) {
      let seconds = date.getTime() / 1e3;
      if ((this.useTimestamp32 || date.getMilliseconds() === 0) && seconds >= 0 && seconds < 4294967296) {
        target[position2++] = 26;
        targetView.setUint32(position2, seconds);
        position2 += 4;
      } else {
        target[position2++] = 251;
        targetView.setFloat64(position2, seconds);
        position2 += 8;
      }
    }
  },
  {
    // Set
    tag: 258,
    // https://github.com/input-output-hk/cbor-sets-spec/blob/master/CBOR_SETS.md
    encode(set, encode3) {
      let array = Array.from(set);
      encode3(array);
    }
  },
  {
    // Error
    tag: 27,
    // http://cbor.schmorp.de/generic-object
    encode(error, encode3) {
      encode3([error.name, error.message]);
    }
  },
  {
    // RegExp
    tag: 27,
    // http://cbor.schmorp.de/generic-object
    encode(regex, encode3) {
      encode3(["RegExp", regex.source, regex.flags]);
    }
  },
  {
    // Tag
    getTag(tag) {
      return tag.tag;
    },
    encode(tag, encode3) {
      encode3(tag.value);
    }
  },
  {
    // ArrayBuffer
    encode(arrayBuffer, encode3, makeRoom) {
      writeBuffer(arrayBuffer, makeRoom);
    }
  },
  {
    // Uint8Array
    getTag(typedArray) {
      if (typedArray.constructor === Uint8Array) {
        if (this.tagUint8Array || hasNodeBuffer && this.tagUint8Array !== false)
          return 64;
      }
    },
    encode(typedArray, encode3, makeRoom) {
      writeBuffer(typedArray, makeRoom);
    }
  },
  typedArrayEncoder(68, 1),
  typedArrayEncoder(69, 2),
  typedArrayEncoder(70, 4),
  typedArrayEncoder(71, 8),
  typedArrayEncoder(72, 1),
  typedArrayEncoder(77, 2),
  typedArrayEncoder(78, 4),
  typedArrayEncoder(79, 8),
  typedArrayEncoder(85, 4),
  typedArrayEncoder(86, 8),
  {
    encode(sharedData, encode3) {
      let packedValues2 = sharedData.packedValues || [];
      let sharedStructures = sharedData.structures || [];
      if (packedValues2.values.length > 0) {
        target[position2++] = 216;
        target[position2++] = 51;
        writeArrayHeader(4);
        let valuesArray = packedValues2.values;
        encode3(valuesArray);
        writeArrayHeader(0);
        writeArrayHeader(0);
        packedObjectMap = Object.create(sharedPackedObjectMap || null);
        for (let i = 0, l = valuesArray.length; i < l; i++) {
          packedObjectMap[valuesArray[i]] = i;
        }
      }
      if (sharedStructures) {
        targetView.setUint32(position2, 3655335424);
        position2 += 3;
        let definitions = sharedStructures.slice(0);
        definitions.unshift(57344);
        definitions.push(new Tag(sharedData.version, 1399353956));
        encode3(definitions);
      } else
        encode3(new Tag(sharedData.version, 1399353956));
    }
  }
];
function typedArrayEncoder(tag, size) {
  if (!isLittleEndianMachine2 && size > 1)
    tag -= 4;
  return {
    tag,
    encode: function writeExtBuffer(typedArray, encode3) {
      let length = typedArray.byteLength;
      let offset = typedArray.byteOffset || 0;
      let buffer = typedArray.buffer || typedArray;
      encode3(hasNodeBuffer ? Buffer2.from(buffer, offset, length) : new Uint8Array(buffer, offset, length));
    }
  };
}
function writeBuffer(buffer, makeRoom) {
  let length = buffer.byteLength;
  if (length < 24) {
    target[position2++] = 64 + length;
  } else if (length < 256) {
    target[position2++] = 88;
    target[position2++] = length;
  } else if (length < 65536) {
    target[position2++] = 89;
    target[position2++] = length >> 8;
    target[position2++] = length & 255;
  } else {
    target[position2++] = 90;
    targetView.setUint32(position2, length);
    position2 += 4;
  }
  if (position2 + length >= target.length) {
    makeRoom(position2 + length);
  }
  target.set(buffer.buffer ? buffer : new Uint8Array(buffer), position2);
  position2 += length;
}
function insertIds(serialized, idsToInsert) {
  let nextId;
  let distanceToMove = idsToInsert.length * 2;
  let lastEnd = serialized.length - distanceToMove;
  idsToInsert.sort((a, b) => a.offset > b.offset ? 1 : -1);
  for (let id = 0; id < idsToInsert.length; id++) {
    let referee = idsToInsert[id];
    referee.id = id;
    for (let position3 of referee.references) {
      serialized[position3++] = id >> 8;
      serialized[position3] = id & 255;
    }
  }
  while (nextId = idsToInsert.pop()) {
    let offset = nextId.offset;
    serialized.copyWithin(offset + distanceToMove, offset, lastEnd);
    distanceToMove -= 2;
    let position3 = offset + distanceToMove;
    serialized[position3++] = 216;
    serialized[position3++] = 28;
    lastEnd = offset;
  }
  return serialized;
}
function writeBundles(start, encode3) {
  targetView.setUint32(bundledStrings2.position + start, position2 - bundledStrings2.position - start + 1);
  let writeStrings = bundledStrings2;
  bundledStrings2 = null;
  encode3(writeStrings[0]);
  encode3(writeStrings[1]);
}
var defaultEncoder = new Encoder({ useRecords: false });
var encode = defaultEncoder.encode;
var encodeAsIterable = defaultEncoder.encodeAsIterable;
var encodeAsAsyncIterable = defaultEncoder.encodeAsAsyncIterable;
var { NEVER, ALWAYS, DECIMAL_ROUND, DECIMAL_FIT } = FLOAT32_OPTIONS;
var REUSE_BUFFER_MODE = 512;
var RESET_BUFFER_MODE = 1024;
var THROW_ON_ITERABLE = 2048;

// src/protocol/encoding.ts
function encode2(encoding, value) {
  return encoding === "json" ? JSON.stringify(value) : encode(value).slice();
}
function decode2(encoding, data) {
  if (encoding === "json") {
    const text = typeof data === "string" ? data : new TextDecoder().decode(data);
    return JSON.parse(text);
  }
  if (typeof data === "string") throw new TypeError("CBOR data must be binary");
  return decode(data instanceof Uint8Array ? data : new Uint8Array(data));
}
function contentType(encoding) {
  return encoding === "json" ? "application/json" : "application/octet-stream";
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
  const entries = [
    PROTOCOL_QUERY_PREFIX + encodeURIComponent(payload.queryJson),
    PROTOCOL_ENCODING_PREFIX + payload.encoding
  ];
  if (payload.connParamsJson !== void 0) {
    entries.push(PROTOCOL_CONN_PARAMS_PREFIX + encodeURIComponent(payload.connParamsJson));
  }
  entries.push(PROTOCOL_RIVETKIT, ...userProtocols);
  return entries;
}

// src/client/frames.ts
function encodeToServer(encoding, message) {
  return encode2(encoding, message);
}
function decodeToClient(encoding, data) {
  const message = decode2(encoding, data);
  if (typeof message !== "object" || message === null || typeof message.b !== "object" || message.b === null) {
    throw new TypeError("not a protocol message");
  }
  return message;
}
function decodeSseData(encoding, data) {
  if (encoding === "json") return decodeToClient("json", data);
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return decodeToClient("cbor", bytes);
}

// src/client/transports.ts
function webSocketTransport(socket, encoding, handlers) {
  socket.binaryType = "arraybuffer";
  socket.addEventListener("message", (event) => {
    try {
      handlers.onMessage(decodeToClient(encoding, event.data));
    } catch {
      socket.close(1011, "malformed_message");
    }
  });
  socket.addEventListener("close", (event) => handlers.onClose({ code: event.code, reason: event.reason }));
  socket.addEventListener("error", () => {
  });
  return {
    send: (message) => socket.send(encodeToServer(encoding, message)),
    close: () => socket.close(1e3, "client disposed")
  };
}
function sseTransport(options, handlers) {
  const abort = new AbortController();
  let reader;
  let identity;
  let closed = false;
  const finish = (reason) => {
    if (closed) return;
    closed = true;
    abort.abort();
    reader?.cancel().catch(() => {
    });
    handlers.onClose(reason);
  };
  const receive = (message) => {
    if ("i" in message.b) identity = message.b.i;
    handlers.onMessage(message);
  };
  void (async () => {
    try {
      const headers = new Headers(options.headers);
      headers.set("accept", "text/event-stream");
      const response = await options.fetch(options.streamUrl, { headers, signal: abort.signal });
      if (!response.ok || !response.body || !response.headers.get("content-type")?.startsWith("text/event-stream")) {
        return finish({ code: response.status, reason: `unexpected answer ${response.status}` });
      }
      reader = response.body.getReader();
      for await (const event of readSseEvents(reader)) {
        if (event.event === "error") receive({ b: { e: { c: event.data, m: event.data } } });
        else receive(decodeSseData(options.encoding, event.data));
      }
      finish();
    } catch {
      finish();
    }
  })();
  let queue = Promise.resolve();
  const post = async (message) => {
    if (!identity || closed) return;
    const headers = new Headers({
      [HEADER_ACTOR]: identity.ai,
      [HEADER_CONN]: identity.ci,
      [HEADER_CONN_TOKEN]: identity.ct,
      [HEADER_ENCODING]: options.encoding
    });
    try {
      const response = await options.fetch(options.messageUrl, { method: "POST", headers, body: encodeToServer(options.encoding, message) });
      await response.body?.cancel();
      if (!response.ok) finish({ code: response.status, reason: "message refused" });
    } catch {
      finish();
    }
  };
  return {
    send: (message) => {
      queue = queue.then(() => post(message));
    },
    close: () => finish({ code: 1e3, reason: "client disposed" })
  };
}
async function* readSseEvents(reader) {
  const decoder2 = new TextDecoder();
  let buffer = "";
  for (; ; ) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder2.decode(value, { stream: true }).replace(/\r\n/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event;
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
        else if (line.startsWith("event:")) event = line.slice(6).trim();
      }
      if (data.length > 0) yield { event, data: data.join("\n") };
    }
  }
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
function openWebSocket(Ctor, url, protocols) {
  const socket = new Ctor(url, protocols);
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
    let refused = false;
    const onOpen = () => {
      const facts = factsOf();
      if (facts.protocol !== "" && facts.protocol !== PROTOCOL_RIVETKIT) {
        refused = true;
        return;
      }
      cleanup();
      resolve(new ActorWebSocket(socket, facts));
    };
    const onClose = (event) => {
      cleanup();
      const code = event.reason || (refused ? "internal_error" : "websocket_closed");
      reject(new ActorError(code, `The WebSocket was closed before it was usable (close ${event.code}${event.reason ? `: ${event.reason}` : ""}).`, { closeCode: event.code }));
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

// src/client/http-driver.ts
var HttpClientDriver = class {
  #actorsUrl;
  #fetch;
  #WebSocket;
  constructor(options) {
    this.#actorsUrl = `${options.endpoint.replace(/\/+$/, "")}/registry/actors`;
    this.#fetch = options.fetch;
    this.#WebSocket = options.WebSocket;
  }
  async resolve(query, params) {
    const headers = protocolHeaders(query, params);
    headers.set("content-type", "application/json");
    const response = await this.#fetch(`${this.#actorsUrl}/resolve`, { method: "POST", headers, body: "{}" });
    if (!response.ok) throw await errorFromResponse(response);
    const body = await response.json();
    return body.i;
  }
  async rawFetch(query, path, request, params) {
    const headers = new Headers(request.headers);
    for (const [name, value] of protocolHeaders(query, params)) headers.set(name, value);
    const init = { method: request.method, headers, redirect: "manual", signal: request.signal };
    if (request.body) {
      if (canStreamUploads()) {
        init.body = request.body;
        init.duplex = "half";
      } else {
        init.body = await request.arrayBuffer();
      }
    }
    return this.#fetch(new Request(`${this.#actorsUrl}/raw/http${path}`, init));
  }
  async rawWebSocket(query, path, protocols, params) {
    const offered = connectionProtocols(query, params, "json", protocols);
    const url = `${this.#actorsUrl}/raw/websocket${path}`;
    if (!this.#WebSocket && isWorkersRuntime()) {
      const response = await this.#fetch(url, { headers: { upgrade: "websocket", "sec-websocket-protocol": offered.join(", ") } });
      return acceptUpgradeResponse(response, url);
    }
    const Ctor = await webSocketConstructor(this.#WebSocket);
    return openWebSocket(Ctor, url.replace(/^http/, "ws"), offered);
  }
  async action(query, name, args, params, encoding) {
    const headers = protocolHeaders(query, params, encoding);
    headers.set("content-type", contentType(encoding));
    const response = await this.#fetch(`${this.#actorsUrl}/actions/${encodeURIComponent(name)}`, {
      method: "POST",
      headers,
      body: encode2(encoding, { a: args })
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    let body;
    try {
      body = decode2(encoding, encoding === "json" ? new TextDecoder().decode(bytes) : bytes);
    } catch {
      throw new ActorError("http_error", `HTTP ${response.status}: the answer could not be decoded as ${encoding}.`);
    }
    if (!response.ok) {
      const error = body;
      throw new ActorError(String(error.c ?? "http_error"), String(error.m ?? `HTTP ${response.status}`), error.md);
    }
    return body.o;
  }
  async connect(request, handlers) {
    if (request.transport === "sse") {
      return sseTransport(
        {
          fetch: this.#fetch,
          streamUrl: `${this.#actorsUrl}/connect/sse`,
          messageUrl: `${this.#actorsUrl}/message`,
          headers: protocolHeaders(request.query, request.params, request.encoding),
          encoding: request.encoding
        },
        handlers
      );
    }
    const offered = connectionProtocols(request.query, request.params, request.encoding);
    const url = `${this.#actorsUrl}/connect/websocket`;
    if (!this.#WebSocket && isWorkersRuntime()) {
      const response = await this.#fetch(url, { headers: { upgrade: "websocket", "sec-websocket-protocol": offered.join(", ") } });
      if (!response.webSocket) throw await errorFromResponse(response);
      response.webSocket.accept();
      return webSocketTransport(response.webSocket, request.encoding, handlers);
    }
    const Ctor = await webSocketConstructor(this.#WebSocket);
    return webSocketTransport(new Ctor(url.replace(/^http/, "ws"), offered), request.encoding, handlers);
  }
};
function canStreamUploads() {
  const nodeVersion = globalThis.process?.versions?.node;
  return nodeVersion !== void 0 || isWorkersRuntime();
}
function connectionProtocols(query, params, encoding, userProtocols = []) {
  return buildProtocols({ queryJson: JSON.stringify(query), encoding, connParamsJson: params ? JSON.stringify(params) : void 0 }, userProtocols);
}
function protocolHeaders(query, params, encoding = "json") {
  const headers = new Headers({ [HEADER_QUERY]: JSON.stringify(query), [HEADER_ENCODING]: encoding });
  if (params !== void 0) headers.set(HEADER_CONN_PARAMS, JSON.stringify(params));
  return headers;
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
function createClient(endpointOrOptions) {
  const options = typeof endpointOrOptions === "string" ? { endpoint: endpointOrOptions } : endpointOrOptions;
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const driver = new HttpClientDriver({ endpoint: options.endpoint, fetch: fetchImpl, WebSocket: options.WebSocket });
  return clientForDriver(driver, settingsFrom(options));
}
function settingsFrom(options) {
  return { encoding: options.encoding ?? "json", transport: options.transport ?? "websocket", actionTimeout: options.actionTimeout ?? 3e4 };
}
function clientForDriver(driver, settings = settingsFrom({})) {
  const accessors = /* @__PURE__ */ new Map();
  const resources = new OpenResources();
  const methods = { dispose: () => resources.dispose() };
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
    get: (key, options = {}) => handle({ getForKey: { name, key: normalizeKey(key) } }, options.params),
    getOrCreate: (key, options = {}) => handle(
      { getOrCreateForKey: { name, key: normalizeKey(key), input: options.createWithInput, region: options.createInRegion } },
      options.params
    ),
    getForId: (actorId, options = {}) => handle({ getForId: { name, actorId } }, options.params),
    create: async (key, options = {}) => {
      const created = handle({ create: { name, key: normalizeKey(key), input: options.input, region: options.region } }, options.params);
      await created.resolve();
      return created;
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
  page.history.replaceState(null, "", `${page.location.pathname}?${new URLSearchParams(params)}`);
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
function chatPanel(client2) {
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
    const conn = client2.chat.getOrCreate(roomName2, { params: { name: name2 } }).connect();
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
    conn.onError((error) => {
      if (room === conn) status.textContent = `Connection problem: ${errorText(error)}`;
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
    void show(
      "POST /api/echo",
      () => actor().fetch("/api/echo", { method: "POST", headers: { "Content-Type": "application/json" }, body })
    );
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
chatPanel(client);
rawWebSocketPanel(client);
rawHttpPanel(client);
Object.assign(globalThis, { actorflare: { client, createClient } });
