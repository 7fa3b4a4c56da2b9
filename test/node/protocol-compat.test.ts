import { randomUUID } from "node:crypto";
import { decode, encode } from "cbor-x";
import WebSocket from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { useWranglerDev } from "./wrangler-dev";

// Wire-level compatibility with RivetKit's 2.0.x client (docs/protocol.md §1–§7), against
// the demo worker under ONE real `wrangler dev`. Nothing here uses actorflare's client: every
// request is built by hand with `fetch`, the `ws` package and cbor-x, byte for byte as
// docs/protocol.md describes RivetKit's client sending it.
//
// §8 (onAuth intents) is not observable with the demo: every demo actor has `onAuth: () => ({})`.
// §5.2 "an `undefined` output is simply absent": no demo action returns `undefined`, so it is
// not exercised here (test/workers covers it with its own registry).

let url = "";
useWranglerDev((server) => (url = server.url));

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const MESSAGE_TIMEOUT_MS = 10_000;

type Encoding = "json" | "cbor";
type ErrorBody = { c: string; m: string; md?: unknown };
type Init = { ai: string; ci: string; ct: string };

/** Keys unique per test, so tests do not see each other's actors. */
const uniqueKey = (prefix: string) => `${prefix}-${randomUUID()}`;
const counterQuery = (key: string) => ({ getOrCreateForKey: { name: "counter", key: [key] } });
const chatQuery = (key: string) => ({ getOrCreateForKey: { name: "chat", key: [key] } });
const pct = (value: unknown) => encodeURIComponent(JSON.stringify(value));

const HEX_ID = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A protocol POST as RivetKit's client sends it: query + encoding headers, body in the encoding. */
async function protocolPost(
  path: string,
  options: { query?: unknown; encoding?: Encoding; body?: unknown; headers?: Record<string, string> },
): Promise<Response> {
  const encoding = options.encoding ?? "json";
  const headers: Record<string, string> = {
    "X-RivetKit-Encoding": encoding,
    "Content-Type": encoding === "json" ? "application/json" : "application/octet-stream",
    ...options.headers,
  };
  if (options.query !== undefined) headers["X-RivetKit-Query"] = JSON.stringify(options.query);
  const payload = options.body ?? {};
  const body = encoding === "json" ? JSON.stringify(payload) : encode(payload);
  return fetch(`${url}${path}`, { method: "POST", headers, body, signal: AbortSignal.timeout(MESSAGE_TIMEOUT_MS) });
}

async function bodyOf(response: Response, encoding: Encoding): Promise<unknown> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  return encoding === "json" ? JSON.parse(new TextDecoder().decode(bytes)) : decode(bytes);
}

/** Reads an error body and checks it has exactly the §7 shape `{c, m, md?}`. */
async function errorBody(response: Response, encoding: Encoding): Promise<ErrorBody> {
  const body = (await bodyOf(response, encoding)) as ErrorBody;
  expect(typeof body.c).toBe("string");
  expect(typeof body.m).toBe("string");
  for (const field of Object.keys(body)) expect(["c", "m", "md"]).toContain(field);
  return body;
}

async function resolveId(query: unknown, encoding: Encoding = "json"): Promise<string> {
  const response = await protocolPost("/registry/actors/resolve", { query, encoding });
  expect(response.status).toBe(200);
  return ((await bodyOf(response, encoding)) as { i: string }).i;
}

async function callAction(query: unknown, name: string, args: unknown[], encoding: Encoding = "json"): Promise<unknown> {
  const response = await protocolPost(`/registry/actors/actions/${encodeURIComponent(name)}`, { query, encoding, body: { a: args } });
  expect(response.status).toBe(200);
  return ((await bodyOf(response, encoding)) as { o?: unknown }).o;
}

type Frame = { data: Buffer; binary: boolean };
type CloseInfo = { code: number; reason: string };

/** Every socket a test opened; afterEach terminates what is still open. */
const sockets = new Set<WireSocket>();

afterEach(async () => {
  await Promise.all([...sockets].map((socket) => socket.dispose()));
  sockets.clear();
});

/** A `ws` socket to the connect route, with an ordered queue of frames. */
class WireSocket {
  readonly socket: WebSocket;
  readonly encoding: Encoding;
  /** Resolves on `open`, rejects if the handshake fails. */
  readonly opened: Promise<void>;
  readonly closed: Promise<CloseInfo>;
  readonly #queue: Frame[] = [];
  readonly #waiters: Array<{ resolve(frame: Frame): void; reject(error: Error): void }> = [];
  #closeInfo: CloseInfo | undefined;

  constructor(socket: WebSocket, encoding: Encoding) {
    this.socket = socket;
    this.encoding = encoding;
    sockets.add(this);
    socket.on("message", (data: Buffer, isBinary: boolean) => {
      const frame = { data: Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer), binary: isBinary };
      const waiter = this.#waiters.shift();
      if (waiter) waiter.resolve(frame);
      else this.#queue.push(frame);
    });
    this.opened = new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", (error) => reject(error));
      socket.once("unexpected-response", (_request, response) => reject(new Error(`handshake answered ${response.statusCode}`)));
    });
    this.opened.catch(() => {});
    this.closed = new Promise<CloseInfo>((resolve) => {
      socket.once("close", (code: number, reason: Buffer) => {
        this.#closeInfo = { code, reason: reason.toString() };
        for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error(`socket closed (${code} ${reason.toString()}) while waiting for a frame`));
        resolve(this.#closeInfo);
      });
    });
  }

  next(timeoutMs = MESSAGE_TIMEOUT_MS): Promise<Frame> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#closeInfo) return Promise.reject(new Error(`socket already closed (${this.#closeInfo.code} ${this.#closeInfo.reason})`));
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(new Error(`no frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        resolve: (frame: Frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#waiters.push(waiter);
    });
  }

  /** The next message, checked to travel in the right frame type (JSON: text, CBOR: binary). */
  async message<T = unknown>(): Promise<T> {
    const frame = await this.next();
    if (this.encoding === "json") {
      expect(frame.binary, "JSON messages travel in text frames").toBe(false);
      return JSON.parse(frame.data.toString("utf8")) as T;
    }
    expect(frame.binary, "CBOR messages travel in binary frames").toBe(true);
    return decode(frame.data) as T;
  }

  async init(): Promise<Init> {
    const message = await this.message<{ b: { i: Init } }>();
    expect(Object.keys(message.b)).toEqual(["i"]);
    return message.b.i;
  }

  send(message: unknown): void {
    this.socket.send(this.encoding === "json" ? JSON.stringify(message) : encode(message));
  }

  waitClosed(timeoutMs = MESSAGE_TIMEOUT_MS): Promise<CloseInfo> {
    return withTimeout(this.closed, timeoutMs, "close event");
  }

  /** No frame arrives within `ms`. */
  async expectSilence(ms: number): Promise<void> {
    await expect(this.next(ms)).rejects.toThrow(/no frame within/);
  }

  async dispose(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(1000, "done");
    else this.socket.terminate();
    try {
      await withTimeout(this.closed, 2_000, "close in cleanup");
    } catch {
      this.socket.terminate();
    }
  }
}

interface ConnectOptions {
  encoding?: Encoding;
  params?: unknown;
  /** Offer the `rivetkit` marker (default true). */
  rivetkit?: boolean;
  /** Replace the whole subprotocol list (undefined entries: none offered). */
  protocols?: string[] | null;
  headers?: Record<string, string>;
  onOpen?: (socket: WebSocket) => void;
}

/** Opens `/registry/actors/connect/websocket` as RivetKit's client does (§5.3 subprotocols, in order). */
function connectWire(query: unknown, options: ConnectOptions = {}): WireSocket {
  const encoding = options.encoding ?? "json";
  let protocols: string[] | undefined;
  if (options.protocols === null) protocols = undefined;
  else if (options.protocols) protocols = options.protocols;
  else {
    protocols = [`query.${pct(query)}`, `encoding.${encoding}`];
    if (options.params) protocols.push(`conn_params.${pct(options.params)}`);
    if (options.rivetkit ?? true) protocols.push("rivetkit");
  }
  const wsUrl = `${url.replace(/^http/, "ws")}/registry/actors/connect/websocket`;
  const socket = protocols ? new WebSocket(wsUrl, protocols, { headers: options.headers }) : new WebSocket(wsUrl, { headers: options.headers });
  if (options.onOpen) socket.once("open", () => options.onOpen!(socket));
  return new WireSocket(socket, encoding);
}

/** One parsed SSE block: its raw lines plus the joined `data:` and the `event:` name. */
type SseBlock = { lines: string[]; data: string; event?: string };

/** `GET /registry/actors/connect/sse`, read block by block (comment-only blocks skipped). */
class SseStream {
  readonly response: Response;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #abort: AbortController;
  readonly #decoder = new TextDecoder();
  #buffer = "";
  #done = false;

  private constructor(response: Response, abort: AbortController) {
    this.response = response;
    this.#abort = abort;
    this.#reader = response.body!.getReader();
  }

  static async open(headers: Record<string, string>): Promise<SseStream> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), MESSAGE_TIMEOUT_MS);
    try {
      const response = await fetch(`${url}/registry/actors/connect/sse`, { headers: { Accept: "text/event-stream", ...headers }, signal: abort.signal });
      const stream = new SseStream(response, abort);
      streams.add(stream);
      return stream;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The next event with data, or undefined once the stream ended. */
  async next(timeoutMs = MESSAGE_TIMEOUT_MS): Promise<SseBlock | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.#buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        const lines = block.split("\n");
        const data = lines.filter((line) => line.startsWith("data:")).map((line) => line.slice(5).replace(/^ /, ""));
        if (data.length === 0) continue; // a `: ping` comment
        const eventLine = lines.find((line) => line.startsWith("event:"));
        return { lines, data: data.join("\n"), event: eventLine?.slice(6).trim() };
      }
      if (this.#done) return undefined;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no SSE event within ${timeoutMs} ms`);
      const chunk = await withTimeout(this.#reader.read(), remaining, "SSE event");
      if (chunk.done) this.#done = true;
      else this.#buffer += this.#decoder.decode(chunk.value, { stream: true }).replace(/\r\n/g, "\n");
    }
  }

  /** The next protocol message, decoded from JSON text or base64 CBOR. */
  async message<T = unknown>(encoding: Encoding): Promise<T> {
    const block = await this.next();
    if (!block) throw new Error("SSE stream ended");
    // Only `data:` fields (no `event:`, no `id:`).
    expect(block.lines.every((line) => line.startsWith("data:"))).toBe(true);
    if (encoding === "json") return JSON.parse(block.data) as T;
    expect(block.data).toMatch(BASE64);
    return decode(Buffer.from(block.data, "base64")) as T;
  }

  close(): void {
    this.#abort.abort();
    this.#reader.cancel().catch(() => {});
  }
}

const streams = new Set<SseStream>();
afterEach(() => {
  for (const stream of streams) stream.close();
  streams.clear();
});

function sseHeaders(query: unknown, encoding: Encoding, params?: unknown): Record<string, string> {
  const headers: Record<string, string> = { "X-RivetKit-Query": JSON.stringify(query), "X-RivetKit-Encoding": encoding };
  if (params !== undefined) headers["X-RivetKit-Conn-Params"] = JSON.stringify(params);
  return headers;
}

/** `POST /registry/actors/message` as RivetKit's client sends it: no Content-Type. */
function postMessage(init: Init, message: unknown, encoding: Encoding, override: Partial<Record<"actor" | "conn" | "token", string>> = {}): Promise<Response> {
  return fetch(`${url}/registry/actors/message`, {
    method: "POST",
    headers: {
      "X-RivetKit-Actor": override.actor ?? init.ai,
      "X-RivetKit-Conn": override.conn ?? init.ci,
      "X-RivetKit-Conn-Token": override.token ?? init.ct,
      "X-RivetKit-Encoding": encoding,
    },
    body: encoding === "json" ? JSON.stringify(message) : encode(message),
    signal: AbortSignal.timeout(MESSAGE_TIMEOUT_MS),
  });
}

function expectInitShape(init: Init): void {
  expect(init.ai).toMatch(HEX_ID);
  expect(init.ci).toMatch(UUID);
  expect(init.ct).toMatch(BASE64);
  expect(Buffer.from(init.ct, "base64")).toHaveLength(32);
}

// ---------------------------------------------------------------------------------------------
// §1 routes, §10 CORS
// ---------------------------------------------------------------------------------------------

describe("§1 routes", () => {
  it("GET /registry answers a plain-text banner", async () => {
    const response = await fetch(`${url}/registry`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await response.text()).toContain("counter");
  });

  it("an endpoint with a trailing slash (`//registry/…`) still reaches the route", async () => {
    const response = await fetch(`${url}//registry/actors/resolve`, {
      method: "POST",
      headers: { "X-RivetKit-Query": JSON.stringify(counterQuery(uniqueKey("slash"))), "X-RivetKit-Encoding": "json" },
      body: "{}",
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { i: string }).i).toMatch(HEX_ID);
  });

  it("an unknown route is 404 with a structured {c, m} body (JSON without encoding, CBOR with it)", async () => {
    const plain = await fetch(`${url}/registry/actors/nowhere/at/all`);
    expect(plain.status).toBe(404);
    const body = await errorBody(plain, "json");
    expect(body.c).toBeTruthy();

    const cbor = await fetch(`${url}/registry/actors/nowhere/at/all`, { headers: { "X-RivetKit-Encoding": "cbor" } });
    expect(cbor.status).toBe(404);
    expect((await errorBody(cbor, "cbor")).c).toBe(body.c);
  });

  it("the connect WebSocket route without Upgrade is 426", async () => {
    const response = await fetch(`${url}/registry/actors/connect/websocket`, {
      headers: { "X-RivetKit-Query": JSON.stringify(counterQuery(uniqueKey("426"))), "X-RivetKit-Encoding": "json" },
    });
    expect(response.status).toBe(426);
    await errorBody(response, "json");
  });

  // The demo worker keeps the default CORS policy: any origin may read answers, never with the
  // user's cookies. Listed origins (echoed, with credentials) are tested in test/workers/cors.test.ts.
  it("CORS preflight for an action is answered 204 for any origin, without credentials", async () => {
    const response = await fetch(`${url}/registry/actors/actions/increment`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://example.test",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-rivetkit-query,x-rivetkit-encoding",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    expect(response.headers.get("access-control-allow-methods") ?? "").toMatch(/POST/);
    expect((response.headers.get("access-control-allow-headers") ?? "").toLowerCase()).toContain("x-rivetkit-query");
    expect((response.headers.get("access-control-allow-headers") ?? "").toLowerCase()).toContain("x-rivetkit-encoding");
  });

  it("a cross-origin request gets the same allow-origin, without credentials", async () => {
    const response = await protocolPost("/registry/actors/actions/getCount", {
      query: counterQuery(uniqueKey("cors")),
      body: { a: [] },
      headers: { Origin: "http://example.test" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    expect(await response.json()).toEqual({ o: 0 });
  });
});

// ---------------------------------------------------------------------------------------------
// §2 query, §3 headers
// ---------------------------------------------------------------------------------------------

describe("§2 queries and §3 headers", () => {
  it("a string key is the same actor as [key]", async () => {
    const key = uniqueKey("norm");
    const asString = await resolveId({ getOrCreateForKey: { name: "counter", key } });
    expect(await resolveId({ getForKey: { name: "counter", key: [key] } })).toBe(asString);
  });

  it("`create` carrying the client's whole option bag (params, signal: {}) is accepted", async () => {
    const key = uniqueKey("bag");
    const id = await resolveId({ create: { name: "counter", key: [key], params: { x: 1 }, signal: {}, region: "weur", input: { start: 1 } } });
    expect(id).toMatch(HEX_ID);
  });

  it("malformed query JSON is 400 invalid_query_json", async () => {
    const response = await fetch(`${url}/registry/actors/resolve`, {
      method: "POST",
      headers: { "X-RivetKit-Query": "{nope", "X-RivetKit-Encoding": "json" },
      body: "{}",
    });
    expect(response.status).toBe(400);
    expect((await errorBody(response, "json")).c).toBe("invalid_query_json");
  });

  it("a query of the wrong shape is 400 invalid_request; a missing query too", async () => {
    const wrong = await protocolPost("/registry/actors/resolve", { query: { getSomething: { name: "counter" } } });
    expect(wrong.status).toBe(400);
    expect((await errorBody(wrong, "json")).c).toBe("invalid_request");

    const missing = await protocolPost("/registry/actors/resolve", {});
    expect(missing.status).toBe(400);
    expect((await errorBody(missing, "json")).c).toBe("invalid_request");
  });

  it("an unregistered actor name is 404 actor_not_found", async () => {
    const response = await protocolPost("/registry/actors/resolve", { query: { getOrCreateForKey: { name: "nobody", key: ["x"] } } });
    expect(response.status).toBe(404);
    expect((await errorBody(response, "json")).c).toBe("actor_not_found");
  });

  it("X-RivetKit-Query and X-RivetKit-Actor-Query together must name the same actor, else 400", async () => {
    const a = counterQuery(uniqueKey("one"));
    const b = counterQuery(uniqueKey("other"));
    const idA = await resolveId(a);
    const differing = await protocolPost("/registry/actors/resolve", { query: a, headers: { "X-RivetKit-Actor-Query": JSON.stringify(b) } });
    expect(differing.status).toBe(400);
    expect((await errorBody(differing, "json")).c).toBe("invalid_request");
    const same = await protocolPost("/registry/actors/resolve", { query: a, headers: { "X-RivetKit-Actor-Query": JSON.stringify(a) } });
    expect(same.status).toBe(200);
    expect(await same.json()).toEqual({ i: idA });
  });

  it("X-RivetKit-Actor-Query alone (the query header's other name) is accepted", async () => {
    const query = counterQuery(uniqueKey("other-name"));
    const id = await resolveId(query);
    const response = await fetch(`${url}/registry/actors/resolve`, {
      method: "POST",
      headers: { "X-RivetKit-Actor-Query": JSON.stringify(query), "X-RivetKit-Encoding": "json" },
      body: "{}",
    });
    expect(await response.json()).toEqual({ i: id });
  });

  it("conn params that are not JSON are 400 invalid_params", async () => {
    const response = await protocolPost("/registry/actors/actions/getCount", {
      query: counterQuery(uniqueKey("params")),
      body: { a: [] },
      headers: { "X-RivetKit-Conn-Params": "{not json" },
    });
    expect(response.status).toBe(400);
    expect((await errorBody(response, "json")).c).toBe("invalid_params");
  });

  it("conn params `null` (sent by the client whenever not undefined) are fine", async () => {
    const response = await protocolPost("/registry/actors/actions/getCount", {
      query: counterQuery(uniqueKey("null-params")),
      body: { a: [] },
      headers: { "X-RivetKit-Conn-Params": "null" },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ o: 0 });
  });

  it("a User-Agent of RivetKit's form is ignored", async () => {
    const response = await protocolPost("/registry/actors/actions/getCount", {
      query: counterQuery(uniqueKey("ua")),
      body: { a: [] },
      headers: { "User-Agent": "RivetKit/2.0.0 node" },
    });
    expect(response.status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------
// §5.1 resolve
// ---------------------------------------------------------------------------------------------

describe("§5.1 POST /registry/actors/resolve", () => {
  it("JSON: 200 {i} with the actor id (64 hex), application/json", async () => {
    const query = counterQuery(uniqueKey("resolve-json"));
    const response = await protocolPost("/registry/actors/resolve", { query });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await response.json()) as { i: string };
    expect(Object.keys(body)).toEqual(["i"]);
    expect(body.i).toMatch(HEX_ID);
    // Stable: the same query resolves to the same id.
    expect(await resolveId(query)).toBe(body.i);
  });

  it("CBOR: an encoded empty object (b9 00 00) as application/octet-stream → CBOR {i}", async () => {
    const query = counterQuery(uniqueKey("resolve-cbor"));
    const requestBody = encode({});
    expect(hex(requestBody)).toBe("b90000");
    const response = await fetch(`${url}/registry/actors/resolve`, {
      method: "POST",
      headers: { "X-RivetKit-Query": JSON.stringify(query), "X-RivetKit-Encoding": "cbor", "Content-Type": "application/octet-stream" },
      body: requestBody,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    const body = decode(new Uint8Array(await response.arrayBuffer())) as { i: string };
    expect(Object.keys(body)).toEqual(["i"]);
    expect(body.i).toMatch(HEX_ID);
    expect(await resolveId(query, "json")).toBe(body.i);
  });

  it("getForKey for a key nobody created → 404 actor_not_found (JSON and CBOR)", async () => {
    for (const encoding of ["json", "cbor"] as const) {
      const response = await protocolPost("/registry/actors/resolve", { query: { getForKey: { name: "counter", key: [uniqueKey("missing")] } }, encoding });
      expect(response.status).toBe(404);
      if (encoding === "cbor") expect(response.headers.get("content-type")).toBe("application/octet-stream");
      expect((await errorBody(response, encoding)).c).toBe("actor_not_found");
    }
  });

  it("create, then create again → 409 actor_already_exists; getForKey and getForId then find it", async () => {
    const key = uniqueKey("create");
    const query = { create: { name: "counter", key: [key] } };
    const first = await protocolPost("/registry/actors/resolve", { query });
    expect(first.status).toBe(200);
    const { i: id } = (await first.json()) as { i: string };
    expect(id).toMatch(HEX_ID);

    const second = await protocolPost("/registry/actors/resolve", { query, encoding: "cbor" });
    expect(second.status).toBe(409);
    const body = await errorBody(second, "cbor");
    expect(body.c).toBe("actor_already_exists");

    expect(await resolveId({ getForKey: { name: "counter", key: [key] } })).toBe(id);
    expect(await resolveId({ getForId: { name: "counter", actorId: id } })).toBe(id);
  });

  it("getForId: without name accepted; another actor's name, or a malformed id → actor_not_found", async () => {
    const id = await resolveId(counterQuery(uniqueKey("by-id")));
    expect(await resolveId({ getForId: { actorId: id } })).toBe(id);

    const wrongName = await protocolPost("/registry/actors/resolve", { query: { getForId: { name: "chat", actorId: id } } });
    expect(wrongName.status).toBe(404);
    expect((await errorBody(wrongName, "json")).c).toBe("actor_not_found");

    const malformed = await protocolPost("/registry/actors/resolve", { query: { getForId: { name: "counter", actorId: "not-an-id" } } });
    expect(malformed.status).toBe(404);
    expect((await errorBody(malformed, "json")).c).toBe("actor_not_found");
  });

  it("getForId addresses the actor for actions", async () => {
    const key = uniqueKey("id-action");
    const id = await resolveId(counterQuery(key));
    expect(await callAction({ getForId: { name: "counter", actorId: id } }, "increment", [3])).toBe(3);
    expect(await callAction(counterQuery(key), "getCount", [])).toBe(3);
  });
});

// ---------------------------------------------------------------------------------------------
// §5.2 actions over HTTP
// ---------------------------------------------------------------------------------------------

describe("§5.2 POST /registry/actors/actions/{action}", () => {
  it('§5.2\'s example, byte for byte: {"a":[5]} → 200 {"o":6} after a prior increment of 1', async () => {
    const query = JSON.stringify({ getOrCreateForKey: { name: "counter", key: [uniqueKey("main")] } });
    const send = (body: string) =>
      fetch(`${url}/registry/actors/actions/increment`, {
        method: "POST",
        headers: {
          "X-RivetKit-Encoding": "json",
          "X-RivetKit-Query": query,
          "X-RivetKit-Conn-Params": JSON.stringify({ token: "abc" }),
          "Content-Type": "application/json",
        },
        body,
      });
    const prior = await send('{"a":[1]}');
    expect(await prior.text()).toBe('{"o":1}');

    const response = await send('{"a":[5]}');
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.text()).toBe('{"o":6}');
  });

  it("CBOR exactly as RivetKit's client encodes it (b9 00 01 61 61 81 05) → application/octet-stream {o}", async () => {
    const query = counterQuery(uniqueKey("cbor-action"));
    const body = encode({ a: [5] });
    expect(hex(body)).toBe("b9000161618105");
    const response = await fetch(`${url}/registry/actors/actions/increment`, {
      method: "POST",
      headers: { "X-RivetKit-Encoding": "cbor", "X-RivetKit-Query": JSON.stringify(query), "Content-Type": "application/octet-stream" },
      body,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(decode(new Uint8Array(await response.arrayBuffer()))).toEqual({ o: 5 });
  });

  it("CBOR `undefined` (simple value 23) as an argument reaches the action as undefined (default parameter applies)", async () => {
    const query = counterQuery(uniqueKey("cbor-undefined"));
    const body = encode({ a: [undefined] });
    expect(hex(body)).toBe("b900016161" + "81f7");
    const response = await fetch(`${url}/registry/actors/actions/increment`, {
      method: "POST",
      headers: { "X-RivetKit-Encoding": "cbor", "X-RivetKit-Query": JSON.stringify(query), "Content-Type": "application/octet-stream" },
      body,
    });
    expect(response.status).toBe(200);
    expect(decode(new Uint8Array(await response.arrayBuffer()))).toEqual({ o: 1 });
  });

  it("CBOR output of a structured value (chat message) decodes to the same object as JSON", async () => {
    const query = chatQuery(uniqueKey("cbor-object"));
    const headers = { "X-RivetKit-Conn-Params": JSON.stringify({ name: "carol" }) };
    const response = await protocolPost("/registry/actors/actions/send", { query, encoding: "cbor", body: { a: ["hello"] }, headers });
    expect(response.status).toBe(200);
    const { o } = (await bodyOf(response, "cbor")) as { o: { from: string; text: string; at: number } };
    expect(o).toMatchObject({ from: "carol", text: "hello" });
    expect(typeof o.at).toBe("number");
    expect(await callAction(query, "history", [])).toEqual([o]);
  });

  it("the action name is percent-decoded", async () => {
    const query = counterQuery(uniqueKey("pct"));
    // `%69ncrement` is `increment` with its first letter escaped.
    const response = await protocolPost("/registry/actors/actions/%69ncrement", { query, body: { a: [2] } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ o: 2 });

    // A name with a space and a slash, as encodeURIComponent sends it, is decoded before lookup.
    const odd = await protocolPost(`/registry/actors/actions/${encodeURIComponent("no such/action")}`, { query, body: { a: [] } });
    expect(odd.status).toBe(400);
    expect(await errorBody(odd, "json")).toEqual({ c: "action_not_found", m: "Action 'no such/action' not found." });
  });

  it("`a` that is not an array → 400 invalid_action_request (JSON and CBOR); an undecodable body too", async () => {
    const query = counterQuery(uniqueKey("bad-args"));
    for (const encoding of ["json", "cbor"] as const) {
      for (const body of [{ a: 5 }, { a: { 0: 1 } }, {}]) {
        const response = await protocolPost("/registry/actors/actions/increment", { query, encoding, body });
        expect(response.status).toBe(400);
        expect((await errorBody(response, encoding)).c).toBe("invalid_action_request");
      }
    }
    const garbage = await fetch(`${url}/registry/actors/actions/increment`, {
      method: "POST",
      headers: { "X-RivetKit-Encoding": "json", "X-RivetKit-Query": JSON.stringify(query), "Content-Type": "application/json" },
      body: "{not json",
    });
    expect(garbage.status).toBe(400);
    expect((await errorBody(garbage, "json")).c).toBe("invalid_action_request");
    // Nothing ran.
    expect(await callAction(query, "getCount", [])).toBe(0);
  });

  it("unknown action → 400 action_not_found, `Action 'nope' not found.` (JSON and CBOR bodies)", async () => {
    const query = counterQuery(uniqueKey("nope"));
    const json = await protocolPost("/registry/actors/actions/nope", { query, body: { a: [] } });
    expect(json.status).toBe(400);
    expect(json.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await errorBody(json, "json")).toEqual({ c: "action_not_found", m: "Action 'nope' not found." });

    const cbor = await protocolPost("/registry/actors/actions/nope", { query, encoding: "cbor", body: { a: [] } });
    expect(cbor.status).toBe(400);
    expect(cbor.headers.get("content-type")).toBe("application/octet-stream");
    expect(await errorBody(cbor, "cbor")).toEqual({ c: "action_not_found", m: "Action 'nope' not found." });
  });

  it("Object.prototype members are not actions", async () => {
    const query = counterQuery(uniqueKey("proto"));
    for (const name of ["toString", "constructor", "__proto__", "hasOwnProperty"]) {
      const response = await protocolPost(`/registry/actors/actions/${encodeURIComponent(name)}`, { query, body: { a: [] } });
      expect(response.status).toBe(400);
      expect((await errorBody(response, "json")).c).toBe("action_not_found");
    }
  });

  it("a UserError from the actor → 400 with its code and message", async () => {
    for (const encoding of ["json", "cbor"] as const) {
      const response = await protocolPost("/registry/actors/actions/send", { query: chatQuery(uniqueKey("user-error")), encoding, body: { a: [""] } });
      expect(response.status).toBe(400);
      const body = await errorBody(response, encoding);
      expect(body.c).toBe("empty_message");
      expect(body.m).toBe("A message needs some text.");
    }
  });

  it("encoding header missing or unknown → 400 invalid_encoding, with a JSON error body", async () => {
    const query = JSON.stringify(counterQuery(uniqueKey("encoding")));
    for (const encoding of [undefined, "xml", "JSON"]) {
      const headers: Record<string, string> = { "X-RivetKit-Query": query, "Content-Type": "application/json" };
      if (encoding) headers["X-RivetKit-Encoding"] = encoding;
      const response = await fetch(`${url}/registry/actors/actions/getCount`, { method: "POST", headers, body: '{"a":[]}' });
      expect(response.status).toBe(400);
      expect((await errorBody(response, "json")).c).toBe("invalid_encoding");
    }
  });

  it("error bodies are CBOR when the request encoding is cbor, JSON when it is absent", async () => {
    const cbor = await protocolPost("/registry/actors/resolve", { query: { getForKey: { name: "counter", key: [uniqueKey("err")] } }, encoding: "cbor" });
    expect(cbor.headers.get("content-type")).toBe("application/octet-stream");
    const bytes = new Uint8Array(await cbor.arrayBuffer());
    expect(() => JSON.parse(new TextDecoder().decode(bytes))).toThrow();
    expect((decode(bytes) as ErrorBody).c).toBe("actor_not_found");

    const absent = await fetch(`${url}/registry/actors/resolve`, { method: "POST", headers: { "X-RivetKit-Query": "{nope" }, body: "{}" });
    expect(absent.status).toBe(400);
    expect(absent.headers.get("content-type")).toMatch(/^application\/json/);
    expect(((await absent.json()) as ErrorBody).c).toMatch(/^invalid_/);
  });
});

// ---------------------------------------------------------------------------------------------
// §5.3 + §6 connections over WebSocket
// ---------------------------------------------------------------------------------------------

describe("§5.3 connect WebSocket with subprotocols, §6 messages", () => {
  it("offers query./encoding.json/conn_params./rivetkit → 101 with `rivetkit`; first frame is init {b:{i:{ai,ci,ct}}}", async () => {
    const key = uniqueKey("ws-init");
    const ws = connectWire(chatQuery(key), { params: { name: "alice" } });
    await ws.opened;
    expect(ws.socket.protocol).toBe("rivetkit");
    const first = await ws.next();
    expect(first.binary).toBe(false);
    const init = (JSON.parse(first.data.toString()) as { b: { i: Init } }).b.i;
    expect(Object.keys(init).sort()).toEqual(["ai", "ci", "ct"]);
    expectInitShape(init);
    expect(init.ai).toBe(await resolveId(chatQuery(key)));

    // conn_params reached createConnState: the name is the conn state.
    ws.send({ b: { ar: { i: 0, n: "send", a: ["hi"] } } });
    const reply = await ws.message<{ b: { ar: { i: number; o: { from: string; text: string } } } }>();
    expect(reply.b.ar).toMatchObject({ i: 0, o: { from: "alice", text: "hi" } });
  });

  it("each connection gets its own id and token", async () => {
    const query = counterQuery(uniqueKey("ids"));
    const a = connectWire(query);
    const b = connectWire(query);
    const [initA, initB] = await Promise.all([a.init(), b.init()]);
    expect(initA.ai).toBe(initB.ai);
    expect(initA.ci).not.toBe(initB.ci);
    expect(initA.ct).not.toBe(initB.ct);
  });

  it("§6 exchange example, in order (JSON text frames)", async () => {
    const query = counterQuery(uniqueKey("exchange"));
    await callAction(query, "increment", [1]);
    const ws = connectWire(query);
    expectInitShape(await ws.init());

    ws.send({ b: { ar: { i: 0, n: "increment", a: [5] } } });
    expect(await ws.message()).toEqual({ b: { ar: { i: 0, o: 6 } } });

    // Subscriptions get no reply.
    ws.send({ b: { sr: { e: "newCount", s: true } } });
    ws.send({ b: { ar: { i: 1, n: "nope", a: [] } } });
    expect(await ws.message()).toEqual({ b: { e: { c: "action_not_found", m: "Action 'nope' not found.", ai: 1 } } });

    // The next increment (from elsewhere, over HTTP) reaches the subscriber as an event.
    expect(await callAction(query, "increment", [1])).toBe(7);
    expect(await ws.message()).toEqual({ b: { ev: { n: "newCount", a: [7] } } });

    // Unsubscribe: no more events.
    ws.send({ b: { sr: { e: "newCount", s: false } } });
    ws.send({ b: { ar: { i: 2, n: "getCount", a: [] } } });
    expect(await ws.message()).toEqual({ b: { ar: { i: 2, o: 7 } } });
    expect(await callAction(query, "increment", [1])).toBe(8);
    ws.send({ b: { ar: { i: 3, n: "getCount", a: [] } } });
    expect(await ws.message()).toEqual({ b: { ar: { i: 3, o: 8 } } });
  });

  it("the same exchange in CBOR: binary frames both ways, same shapes", async () => {
    const query = counterQuery(uniqueKey("exchange-cbor"));
    await callAction(query, "increment", [1], "cbor");
    const ws = connectWire(query, { encoding: "cbor" });
    await ws.opened;
    expect(ws.socket.protocol).toBe("rivetkit");
    expectInitShape(await ws.init());

    const frame = encode({ b: { ar: { i: 0, n: "increment", a: [5] } } });
    expect(hex(frame).startsWith("b90001")).toBe(true);
    ws.socket.send(frame);
    expect(await ws.message()).toEqual({ b: { ar: { i: 0, o: 6 } } });

    ws.send({ b: { sr: { e: "newCount", s: true } } });
    ws.send({ b: { ar: { i: 1, n: "nope", a: [] } } });
    expect(await ws.message()).toEqual({ b: { e: { c: "action_not_found", m: "Action 'nope' not found.", ai: 1 } } });
    expect(await callAction(query, "increment", [1])).toBe(7);
    expect(await ws.message()).toEqual({ b: { ev: { n: "newCount", a: [7] } } });
  });

  it("an event only reaches subscribed connections; the subscriber gets broadcasts caused by others", async () => {
    const query = counterQuery(uniqueKey("subscribers"));
    const subscribed = connectWire(query);
    const silent = connectWire(query);
    await Promise.all([subscribed.init(), silent.init()]);
    subscribed.send({ b: { sr: { e: "newCount", s: true } } });
    subscribed.send({ b: { ar: { i: 0, n: "getCount", a: [] } } });
    expect(await subscribed.message()).toEqual({ b: { ar: { i: 0, o: 0 } } });

    silent.send({ b: { ar: { i: 0, n: "increment", a: [4] } } });
    expect(await silent.message()).toEqual({ b: { ar: { i: 0, o: 4 } } });
    expect(await subscribed.message()).toEqual({ b: { ev: { n: "newCount", a: [4] } } });
    await silent.expectSilence(300);
  });

  it("an action error for id 0 carries `ai: 0`", async () => {
    for (const encoding of ["json", "cbor"] as const) {
      const ws = connectWire(counterQuery(uniqueKey("ai-zero")), { encoding });
      await ws.init();
      ws.send({ b: { ar: { i: 0, n: "nope", a: [] } } });
      const message = await ws.message<{ b: { e: ErrorBody & { ai?: number } } }>();
      expect(message).toEqual({ b: { e: { c: "action_not_found", m: "Action 'nope' not found.", ai: 0 } } });
      expect("ai" in message.b.e).toBe(true);
      // The socket stays open after an action error.
      ws.send({ b: { ar: { i: 1, n: "getCount", a: [] } } });
      expect(await ws.message()).toEqual({ b: { ar: { i: 1, o: 0 } } });
    }
  });

  it("a UserError over a connection is an `e` with the action's id, code and message; the socket stays usable", async () => {
    const ws = connectWire(chatQuery(uniqueKey("ws-user-error")), { params: { name: "bob" } });
    await ws.init();
    ws.send({ b: { ar: { i: 7, n: "send", a: ["   "] } } });
    const message = await ws.message<{ b: { e: ErrorBody & { ai: number } } }>();
    expect(message.b.e).toMatchObject({ c: "empty_message", m: "A message needs some text.", ai: 7 });
    ws.send({ b: { ar: { i: 8, n: "presence", a: [] } } });
    expect(await ws.message()).toEqual({ b: { ar: { i: 8, o: 1 } } });
  });

  it("messages sent as soon as the socket opens (before init) are answered after init, in order", async () => {
    for (const encoding of ["json", "cbor"] as const) {
      const frames = [
        { b: { sr: { e: "newCount", s: true } } },
        { b: { ar: { i: 0, n: "increment", a: [1] } } },
        { b: { ar: { i: 1, n: "increment", a: [2] } } },
        { b: { ar: { i: 2, n: "getCount", a: [] } } },
      ];
      // A fresh key: the actor is created on this connect, so init takes longest.
      const ws = connectWire(counterQuery(uniqueKey("early")), {
        encoding,
        onOpen: (socket) => {
          for (const frame of frames) socket.send(encoding === "json" ? JSON.stringify(frame) : encode(frame));
        },
      });
      expectInitShape(await ws.init());
      const received = [];
      for (let i = 0; i < 5; i++) received.push(await ws.message());
      expect(received).toEqual([
        { b: { ev: { n: "newCount", a: [1] } } },
        { b: { ar: { i: 0, o: 1 } } },
        { b: { ev: { n: "newCount", a: [3] } } },
        { b: { ar: { i: 1, o: 3 } } },
        { b: { ar: { i: 2, o: 3 } } },
      ]);
    }
  });

  it.each([
    ["JSON that does not parse", "json", "{nope"],
    ["a wrong shape", "json", JSON.stringify({ b: { xx: {} } })],
    ["two variants at once", "json", JSON.stringify({ b: { ar: { i: 0, n: "getCount", a: [] }, sr: { e: "x", s: true } } })],
    ["`a` not an array", "json", JSON.stringify({ b: { ar: { i: 0, n: "getCount", a: 1 } } })],
    ["JSON in a binary frame", "json", Buffer.from(JSON.stringify({ b: { ar: { i: 0, n: "getCount", a: [] } } }))],
    ["CBOR in a text frame", "cbor", "text"],
    ["truncated CBOR", "cbor", Buffer.from(encode({ b: { ar: { i: 0, n: "getCount", a: [] } } }).subarray(0, 5))],
  ] as const)("malformed frame (%s) → close 1011 malformed_message", async (_label, encoding, frame) => {
    const ws = connectWire(counterQuery(uniqueKey("malformed")), { encoding });
    await ws.init();
    ws.socket.send(frame);
    expect(await ws.waitClosed()).toEqual({ code: 1011, reason: "malformed_message" });
  });

  it("a frame of exactly 65,536 bytes is accepted; 65,537 bytes → close 1011 message_too_long", async () => {
    const query = counterQuery(uniqueKey("too-long"));
    const frameOf = (size: number, id: number) => {
      const base = JSON.stringify({ b: { ar: { i: id, n: "getCount", a: [""] } } });
      const frame = JSON.stringify({ b: { ar: { i: id, n: "getCount", a: ["x".repeat(size - base.length)] } } });
      expect(Buffer.byteLength(frame)).toBe(size);
      return frame;
    };
    const ws = connectWire(query);
    await ws.init();
    ws.socket.send(frameOf(65_536, 0));
    expect(await ws.message()).toEqual({ b: { ar: { i: 0, o: 0 } } });
    ws.socket.send(frameOf(65_537, 1));
    expect(await ws.waitClosed()).toEqual({ code: 1011, reason: "message_too_long" });

    // Counted in bytes, in CBOR too.
    const cbor = connectWire(query, { encoding: "cbor" });
    await cbor.init();
    cbor.socket.send(encode({ b: { ar: { i: 0, n: "getCount", a: [new Uint8Array(70_000)] } } }));
    expect(await cbor.waitClosed()).toEqual({ code: 1011, reason: "message_too_long" });
  });

  it("header fallbacks: X-RivetKit-Query + X-RivetKit-Encoding (+ Conn-Params), no subprotocols → no protocol echoed", async () => {
    const key = uniqueKey("ws-headers");
    for (const encoding of ["json", "cbor"] as const) {
      const ws = connectWire(chatQuery(key), {
        encoding,
        protocols: null,
        headers: {
          "X-RivetKit-Query": JSON.stringify(chatQuery(key)),
          "X-RivetKit-Encoding": encoding,
          "X-RivetKit-Conn-Params": JSON.stringify({ name: "dave" }),
        },
      });
      await ws.opened;
      expect(ws.socket.protocol).toBe("");
      const init = await ws.init();
      expectInitShape(init);
      expect(init.ai).toBe(await resolveId(chatQuery(key)));
      ws.send({ b: { ar: { i: 0, n: "send", a: [`via ${encoding}`] } } });
      expect((await ws.message<{ b: { ar: { o: { from: string } } } }>()).b.ar.o.from).toBe("dave");
    }
  });

  it("X-RivetKit-Actor-Query header also works as a fallback", async () => {
    const query = counterQuery(uniqueKey("ws-actor-query"));
    const ws = connectWire(query, { protocols: null, headers: { "X-RivetKit-Actor-Query": JSON.stringify(query), "X-RivetKit-Encoding": "json" } });
    expectInitShape(await ws.init());
  });

  it("without the `rivetkit` marker the first offered entry is echoed", async () => {
    const query = counterQuery(uniqueKey("no-marker"));
    const ws = connectWire(query, { rivetkit: false });
    await ws.opened;
    expect(ws.socket.protocol).toBe(`query.${pct(query)}`);
    expectInitShape(await ws.init());
  });

  it("entries are trimmed and unknown entries ignored", async () => {
    const query = counterQuery(uniqueKey("extra-entries"));
    const ws = connectWire(query, { protocols: ["x-custom", `query.${pct(query)}`, "encoding.cbor", "rivetkit", "chat.v2"], encoding: "cbor" });
    await ws.opened;
    expect(ws.socket.protocol).toBe("rivetkit");
    expectInitShape(await ws.init());
  });

  it("a setup error (unknown actor) → an `e` message in the encoding, then close 1011 with the code", async () => {
    for (const encoding of ["json", "cbor"] as const) {
      const ws = connectWire({ getForKey: { name: "counter", key: [uniqueKey("ws-missing")] } }, { encoding });
      const message = await ws.message<{ b: { e: ErrorBody } }>();
      expect(message.b.e.c).toBe("actor_not_found");
      expect(message.b.e).not.toHaveProperty("ai");
      expect(await ws.waitClosed()).toEqual({ code: 1011, reason: "actor_not_found" });
    }
  });

  it("invalid conn params in the subprotocol → close 1011 invalid_params", async () => {
    const query = counterQuery(uniqueKey("ws-bad-params"));
    const ws = connectWire(query, { protocols: [`query.${pct(query)}`, "encoding.json", `conn_params.${encodeURIComponent("{nope")}`, "rivetkit"] });
    const message = await ws.message<{ b: { e: ErrorBody } }>();
    expect(message.b.e.c).toBe("invalid_params");
    expect(await ws.waitClosed()).toEqual({ code: 1011, reason: "invalid_params" });
  });

  it("an unknown encoding → close 1011 invalid_encoding with no message", async () => {
    const query = counterQuery(uniqueKey("ws-bad-encoding"));
    const ws = connectWire(query, { protocols: [`query.${pct(query)}`, "encoding.xml", "rivetkit"] });
    expect(await ws.waitClosed()).toEqual({ code: 1011, reason: "invalid_encoding" });
    await expect(ws.next(100)).rejects.toThrow();
  });

  it("close from the client ends the connection on the server (presence drops)", async () => {
    const query = chatQuery(uniqueKey("ws-close"));
    const a = connectWire(query);
    const b = connectWire(query);
    await Promise.all([a.init(), b.init()]);
    a.send({ b: { ar: { i: 0, n: "presence", a: [] } } });
    expect(await a.message()).toEqual({ b: { ar: { i: 0, o: 2 } } });
    b.socket.close(1000, "bye");
    expect((await b.waitClosed()).code).toBe(1000);
    const deadline = Date.now() + MESSAGE_TIMEOUT_MS;
    let count = 2;
    for (let i = 1; count !== 1 && Date.now() < deadline; i++) {
      a.send({ b: { ar: { i, n: "presence", a: [] } } });
      count = (await a.message<{ b: { ar: { o: number } } }>()).b.ar.o;
    }
    expect(count).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// §5.4 SSE + §5.5 message POST
// ---------------------------------------------------------------------------------------------

describe("§5.4 connect SSE and §5.5 POST /registry/actors/message", () => {
  it("JSON: text/event-stream, no-cache, first data event is init; message POST → 200 `{}`, result on the stream", async () => {
    const query = counterQuery(uniqueKey("sse-json"));
    const stream = await SseStream.open(sseHeaders(query, "json"));
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(stream.response.headers.get("cache-control")).toBe("no-cache");

    const first = await stream.next();
    expect(first?.lines).toEqual([`data: ${first?.data}`]);
    const init = (JSON.parse(first!.data) as { b: { i: Init } }).b.i;
    expectInitShape(init);
    expect(init.ai).toBe(await resolveId(query));

    const response = await postMessage(init, { b: { ar: { i: 0, n: "increment", a: [5] } } }, "json");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("{}");
    expect(await stream.message("json")).toEqual({ b: { ar: { i: 0, o: 5 } } });

    // Subscribe through the message route; an HTTP increment is broadcast on the stream.
    expect(await (await postMessage(init, { b: { sr: { e: "newCount", s: true } } }, "json")).text()).toBe("{}");
    expect(await callAction(query, "increment", [1])).toBe(6);
    expect(await stream.message("json")).toEqual({ b: { ev: { n: "newCount", a: [6] } } });

    // An action error carries its id.
    await postMessage(init, { b: { ar: { i: 1, n: "nope", a: [] } } }, "json");
    expect(await stream.message("json")).toEqual({ b: { e: { c: "action_not_found", m: "Action 'nope' not found.", ai: 1 } } });
  });

  it("CBOR: data lines are base64 of the CBOR bytes; message POST body is CBOR, answer still JSON `{}`", async () => {
    const query = counterQuery(uniqueKey("sse-cbor"));
    const stream = await SseStream.open(sseHeaders(query, "cbor"));
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(stream.response.headers.get("cache-control")).toBe("no-cache");

    const first = await stream.next();
    expect(first!.data).toMatch(BASE64);
    const init = (decode(Buffer.from(first!.data, "base64")) as { b: { i: Init } }).b.i;
    expectInitShape(init);

    const response = await postMessage(init, { b: { ar: { i: 0, n: "increment", a: [5] } } }, "cbor");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("{}");
    expect(await stream.message("cbor")).toEqual({ b: { ar: { i: 0, o: 5 } } });

    await postMessage(init, { b: { ar: { i: 0, n: "nope", a: [] } } }, "cbor");
    expect(await stream.message("cbor")).toEqual({ b: { e: { c: "action_not_found", m: "Action 'nope' not found.", ai: 0 } } });
  });

  it("conn params header reaches the connection (chat name)", async () => {
    const query = chatQuery(uniqueKey("sse-params"));
    const stream = await SseStream.open(sseHeaders(query, "json", { name: "erin" }));
    const init = (await stream.message<{ b: { i: Init } }>("json")).b.i;
    await postMessage(init, { b: { ar: { i: 0, n: "send", a: ["yo"] } } }, "json");
    expect((await stream.message<{ b: { ar: { o: { from: string } } } }>("json")).b.ar.o.from).toBe("erin");
  });

  it("wrong token → 400 incorrect_conn_token; unknown conn → 400 conn_not_found; unknown actor → 404 actor_not_found", async () => {
    const query = counterQuery(uniqueKey("sse-auth"));
    const stream = await SseStream.open(sseHeaders(query, "json"));
    const init = (await stream.message<{ b: { i: Init } }>("json")).b.i;
    const message = { b: { ar: { i: 0, n: "increment", a: [1] } } };

    for (const encoding of ["json", "cbor"] as const) {
      const wrongToken = await postMessage(init, message, encoding, { token: Buffer.alloc(32, 1).toString("base64") });
      expect(wrongToken.status).toBe(400);
      expect((await errorBody(wrongToken, encoding)).c).toBe("incorrect_conn_token");

      const unknownConn = await postMessage(init, message, encoding, { conn: randomUUID() });
      expect(unknownConn.status).toBe(400);
      expect((await errorBody(unknownConn, encoding)).c).toBe("conn_not_found");
    }

    const otherActor = await resolveId(counterQuery(uniqueKey("sse-other")));
    const wrongActor = await postMessage(init, message, "json", { actor: otherActor });
    expect(wrongActor.status).toBe(400);
    expect((await errorBody(wrongActor, "json")).c).toBe("conn_not_found");

    const missingActor = await postMessage(init, message, "json", { actor: "0".repeat(64) });
    expect(missingActor.status).toBe(404);
    expect((await errorBody(missingActor, "json")).c).toBe("actor_not_found");

    // None of the refused messages ran.
    expect(await callAction(query, "getCount", [])).toBe(0);
  });

  it("a malformed message POST → 400 invalid_request (and the connection keeps working)", async () => {
    const query = counterQuery(uniqueKey("sse-malformed"));
    const stream = await SseStream.open(sseHeaders(query, "json"));
    const init = (await stream.message<{ b: { i: Init } }>("json")).b.i;
    const response = await fetch(`${url}/registry/actors/message`, {
      method: "POST",
      headers: { "X-RivetKit-Actor": init.ai, "X-RivetKit-Conn": init.ci, "X-RivetKit-Conn-Token": init.ct, "X-RivetKit-Encoding": "json" },
      body: "{nope",
    });
    expect(response.status).toBe(400);
    expect((await errorBody(response, "json")).c).toBe("invalid_request");
    await postMessage(init, { b: { ar: { i: 0, n: "getCount", a: [] } } }, "json");
    expect(await stream.message("json")).toEqual({ b: { ar: { i: 0, o: 0 } } });
  });

  it("a setup error on SSE is a 200 event stream with one `e` event, then the stream ends", async () => {
    for (const encoding of ["json", "cbor"] as const) {
      const stream = await SseStream.open(sseHeaders({ getForKey: { name: "counter", key: [uniqueKey("sse-missing")] } }, encoding));
      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const message = await stream.message<{ b: { e: ErrorBody } }>(encoding);
      expect(message.b.e.c).toBe("actor_not_found");
      expect(await stream.next()).toBeUndefined();
    }
  });

  it("an unknown encoding on SSE is an `event: error` with the code as data", async () => {
    const stream = await SseStream.open({ "X-RivetKit-Query": JSON.stringify(counterQuery(uniqueKey("sse-xml"))), "X-RivetKit-Encoding": "xml" });
    expect(stream.response.status).toBe(200);
    const block = await stream.next();
    expect(block).toMatchObject({ event: "error", data: "invalid_encoding" });
    expect(await stream.next()).toBeUndefined();
  });

  it("closing the stream ends the connection (its id becomes conn_not_found)", async () => {
    const query = chatQuery(uniqueKey("sse-close"));
    const stream = await SseStream.open(sseHeaders(query, "json"));
    const init = (await stream.message<{ b: { i: Init } }>("json")).b.i;
    expect(await callAction(query, "presence", [])).toBe(1);
    stream.close();
    // The server finds out on its next write at the latest (a keep-alive comment every few seconds).
    const deadline = Date.now() + 15_000;
    let status = 200;
    while (status !== 400 && Date.now() < deadline) {
      const response = await postMessage(init, { b: { ar: { i: 0, n: "presence", a: [] } } }, "json");
      status = response.status;
      await response.arrayBuffer();
      if (status !== 400) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(400);
    expect(await callAction(query, "presence", [])).toBe(0);
  });
});
