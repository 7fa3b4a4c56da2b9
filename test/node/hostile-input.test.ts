import { request as httpRequest } from "node:http";
import { decode as cborDecode, encode as cborEncode } from "cbor-x";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rivet23Cases, runRivet23 } from "./hostile-input-rivet23";
import { startWranglerDev, tempPersistDir, type WranglerDev } from "./wrangler-dev";

// Hostile input against the demo worker under ONE real `wrangler dev` (docs/protocol.md §1–§9): a
// table of malformed requests to every public route. Each must get a 4xx with a `{ c, m }` body
// (WebSockets: the upgrade is accepted and closed with 1011 and the error code as the reason;
// SSE: a 200 stream whose one event is the error, docs/protocol.md §7.3), never a 5xx,
// never a stack trace or a file path; afterwards the Worker still answers, no actor was created
// (the sentinel key `hostile-never` stays 404 for every actor name) and the known counter still
// holds 7. Requests are sent with node:http, byte for byte (no client-side URL normalisation).

let server: WranglerDev | undefined;
let persist: { path: string; remove(): Promise<void> } | undefined;
let port = 0;

/** A key no request may create, for every actor name. */
const NEVER = "hostile-never";
/** A counter created before the table runs; its count must stay KNOWN_COUNT. */
const KNOWN = "hostile-known";
const KNOWN_COUNT = 7;
/** A chat (no onFetch), for fetch_handler_not_defined. */
const KNOWN_CHAT = "hostile-chat";
const ACTOR_NAMES = ["myActor", "httpActor", "counter", "websocketActor", "chat"] as const;

/** What the cases need from the running server: the known counter's id and an open SSE connection on it. */
interface Context {
  knownId: string;
  conn: { ai: string; ci: string; ct: string };
}
const ctx: Context = { knownId: "", conn: { ai: "", ci: "", ct: "" } };
let sseAbort: AbortController | undefined;

// ---------------------------------------------------------------------------------------------
// Transport helpers
// ---------------------------------------------------------------------------------------------

interface RawResponse {
  status: number;
  contentType: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTP request with the path and method exactly as given. */
function send(method: string, path: string, headers: Record<string, string> = {}, body?: string | Uint8Array, timeoutMs = 20_000): Promise<RawResponse> {
  // Bodies go with a Content-Length, as browsers and fetch send them. (A chunked upload that the
  // Worker refuses before reading it all is answered 503 by wrangler dev's own proxy; the
  // workerd suite covers the chunked cut-off, test/workers/limits.test.ts.)
  if (body !== undefined) headers = { ...headers, "Content-Length": String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer to ${method} ${path} within ${timeoutMs} ms`)));
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Decodes an error body in the format its content type says. */
function errorBodyOf(response: RawResponse): { c: unknown; m: unknown; md?: unknown } {
  const value = response.contentType.includes("octet-stream") ? cborDecode(response.body) : JSON.parse(response.body.toString("utf8"));
  return value as { c: unknown; m: unknown };
}

/** No stack frames, no file system paths, no source locations. */
function expectNoLeak(text: string): void {
  expect(text).not.toMatch(/\n\s*at\s/);
  expect(text).not.toMatch(/\bat [^\n]*:\d+:\d+/);
  expect(text).not.toMatch(/file:\/\/|node_modules|\/work\/|\/home\/|\/root\/|\/tmp\/|\bsrc\/|\.ts:\d|\.js:\d/);
}

function expectErrorBody(body: { c: unknown; m: unknown }, code: string): void {
  expect(body).toEqual(expect.objectContaining({ c: code, m: expect.any(String) }));
  expect(Object.keys(body).every((k) => ["c", "m", "md"].includes(k))).toBe(true);
  expect((body.m as string).length).toBeGreaterThan(5);
  expectNoLeak(JSON.stringify(body));
}

type WsOutcome = { kind: "close"; code: number; reason: string; messages: Array<string | Buffer> } | { kind: "http"; response: RawResponse };

/** Opens a WebSocket, sends `frames` (after the first message when `afterFirstMessage`), and reports how it ended. */
function openSocket(
  path: string,
  protocols: string[] | undefined,
  headers: Record<string, string>,
  frames: Array<string | Uint8Array>,
  afterFirstMessage: boolean,
  timeoutMs = 15_000,
): Promise<WsOutcome> {
  return new Promise((resolve, reject) => {
    const address = `ws://127.0.0.1:${port}${path}`;
    const socket = protocols === undefined ? new WebSocket(address, { headers }) : new WebSocket(address, protocols, { headers });
    const messages: Array<string | Buffer> = [];
    let sent = false;
    const sendFrames = () => {
      if (sent) return;
      sent = true;
      for (const frame of frames) socket.send(frame, { binary: typeof frame !== "string" });
    };
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`${path}: no close within ${timeoutMs} ms (messages: ${messages.length})`));
    }, timeoutMs);
    socket.on("open", () => {
      if (!afterFirstMessage) sendFrames();
    });
    socket.on("message", (data: Buffer, isBinary: boolean) => {
      messages.push(isBinary ? data : data.toString("utf8"));
      if (afterFirstMessage) sendFrames();
    });
    socket.on("unexpected-response", (_req, res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({
          kind: "http",
          response: { status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), headers: res.headers, body: Buffer.concat(chunks) },
        });
        socket.terminate();
      });
    });
    socket.on("error", () => {}); // the close (or unexpected-response) carries what matters
    socket.on("close", (code, reason) => {
      clearTimeout(timer);
      resolve({ kind: "close", code, reason: reason.toString("utf8"), messages });
    });
  });
}

/** Reads an SSE response to its end (the server must end it on a setup error). */
async function readSse(path: string, headers: Record<string, string>, timeoutMs = 15_000): Promise<{ status: number; contentType: string; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers, signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", text: await response.text() };
}

// ---------------------------------------------------------------------------------------------
// Invariants checked after every case
// ---------------------------------------------------------------------------------------------

const json = (value: unknown) => JSON.stringify(value);
const jsonHeaders = { "X-RivetKit-Encoding": "json", "Content-Type": "application/json" };

async function resolveStatus(query: unknown): Promise<number> {
  const response = await send("POST", "/registry/actors/resolve", { ...jsonHeaders, "X-RivetKit-Query": json(query) }, "{}");
  return response.status;
}

async function knownCount(): Promise<number> {
  const response = await send(
    "POST",
    "/registry/actors/actions/getCount",
    { ...jsonHeaders, "X-RivetKit-Query": json({ getForKey: { name: "counter", key: [KNOWN] } }) },
    json({ a: [] }),
  );
  expect(response.status).toBe(200);
  return (JSON.parse(response.body.toString()) as { o: number }).o;
}

/** The Worker answers, no sentinel actor exists, the known counter is untouched. */
async function expectNothingChanged(extraMustNotExist: Array<[string, string]> = []): Promise<void> {
  const banner = await send("GET", "/registry");
  expect(banner.status).toBe(200);
  expect(banner.body.toString()).toContain("actorflare registry");
  const sentinels: Array<[string, string]> = [...ACTOR_NAMES.map((name): [string, string] => [name, NEVER]), ...extraMustNotExist];
  const statuses = await Promise.all(sentinels.map(([name, key]) => resolveStatus({ getForKey: { name, key: [key] } })));
  expect(Object.fromEntries(sentinels.map(([name, key], i) => [`${name}/${key}`, statuses[i]]))).toEqual(
    Object.fromEntries(sentinels.map(([name, key]) => [`${name}/${key}`, 404])),
  );
  expect(await knownCount()).toBe(KNOWN_COUNT);
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

type Headers = Record<string, string> | ((c: Context) => Record<string, string>);
type Body = string | Uint8Array | ((c: Context) => string | Uint8Array);

interface Common {
  route: string;
  name: string;
  /** Actors (name, key) this case must not create, besides the sentinels. */
  mustNotExist?: Array<[string, string]>;
}
interface HttpCase extends Common {
  kind: "http";
  method: string;
  path: string;
  headers?: Headers;
  body?: Body;
  status: number;
  code: string;
}
interface WsCase extends Common {
  kind: "ws";
  path: string;
  protocols?: string[];
  headers?: Headers;
  /** Frames to send once open (after the init message when `afterInit`). */
  frames?: Array<string | Uint8Array>;
  afterInit?: boolean;
  /** Close with 1011 and this code as the reason, or an HTTP error answer to the upgrade. */
  expect: { close: string; errorMessage?: "json" | "cbor" } | { status: number; code: string };
}
interface SseCase extends Common {
  kind: "sse";
  headers: Headers;
  code: string;
  /** How the error event is encoded: a `data:` line (json / base64 cbor) or `event: error`. */
  format: "json" | "cbor" | "event";
}
type Case = HttpCase | WsCase | SseCase;

const q = {
  never: (name = "counter") => json({ getOrCreateForKey: { name, key: [NEVER] } }),
  neverGet: (name = "counter") => json({ getForKey: { name, key: [NEVER] } }),
  known: json({ getForKey: { name: "counter", key: [KNOWN] } }),
  knownChat: json({ getForKey: { name: "chat", key: [KNOWN_CHAT] } }),
};
const proto = {
  query: (query: string) => `query.${encodeURIComponent(query)}`,
  params: (params: string) => `conn_params.${encodeURIComponent(params)}`,
};
const KIB = 1024;
const badJson = '{"getOrCreateForKey":{"name":"counter","key":["hostile-never"]';
const deepNever = `{"getForKey":{"name":"counter","key":["${NEVER}"]},"x":${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
const bigInvalidParams = `{${"a".repeat(40 * KIB)}`;
const bigValidParams = json({ blob: "b".repeat(40 * KIB) });
const cborAction = cborEncode({ a: [1] });
const truncatedCborAction = cborAction.subarray(0, cborAction.length - 1);
const cborMessage = cborEncode({ b: { ar: { i: 0, n: "increment", a: [1] } } });
const truncatedCborMessage = cborMessage.subarray(0, cborMessage.length - 3);
const oversizedText = json({ b: { ar: { i: 0, n: "increment", a: ["x".repeat(70 * KIB)] } } });
const oversizedCbor = cborEncode({ b: { ar: { i: 0, n: "increment", a: [new Uint8Array(70 * KIB)] } } });
const messageHeaders =
  (extra: Record<string, string> = {}) =>
  (c: Context) => ({
    "X-RivetKit-Encoding": "json",
    "X-RivetKit-Actor": c.knownId,
    "X-RivetKit-Conn": c.conn.ci,
    "X-RivetKit-Conn-Token": c.conn.ct,
    ...extra,
  });
/** Every internal header a client might try to forge, with values that would matter if obeyed. */
const forgedInternal = {
  "X-RivetKit-Auth-Data": encodeURIComponent(json({ admin: true })),
  "X-RivetKit-Expose-Internal-Error": "true",
  // The one header the Worker tells the object its decisions in (route, target, auth, params).
  "X-Actorflare-Context": encodeURIComponent(
    json({ route: "raw-http", target: { kind: "getOrCreate", key: [NEVER] }, encoding: "cbor", auth: { admin: true } }),
  ),
};

const cases: Case[] = [
  // --- POST /registry/actors/resolve ---------------------------------------------------------
  {
    kind: "http",
    route: "resolve",
    name: "query header is not JSON",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": badJson },
    body: "{}",
    status: 400,
    code: "invalid_query_json",
  },
  {
    kind: "http",
    route: "resolve",
    name: "X-RivetKit-Actor-Query (the other name) is not JSON",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Actor-Query": "{nope" },
    body: "{}",
    status: 400,
    code: "invalid_query_json",
  },
  {
    kind: "http",
    route: "resolve",
    name: "name of the wrong type",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": json({ getOrCreateForKey: { name: 5, key: [NEVER] } }) },
    body: "{}",
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "resolve",
    name: "key of numbers",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": json({ getOrCreateForKey: { name: "counter", key: [1, 2] } }) },
    body: "{}",
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "resolve",
    name: "key part of 129 characters",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": json({ getOrCreateForKey: { name: "counter", key: ["k".repeat(129)] } }) },
    body: "{}",
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "resolve",
    name: "a region that is no location hint",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": json({ getOrCreateForKey: { name: "counter", key: [NEVER], region: "mars" } }) },
    body: "{}",
    status: 400,
    code: "invalid_region",
  },
  {
    kind: "http",
    route: "resolve",
    name: "a region that is not a string, on create",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": json({ create: { name: "counter", key: [NEVER], region: { hint: "weur" } } }) },
    body: "{}",
    status: 400,
    code: "invalid_region",
  },
  {
    kind: "http",
    route: "resolve",
    name: "two query variants at once",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": json({ getForKey: { name: "counter", key: [NEVER] }, create: { name: "counter", key: [NEVER] } }) },
    body: "{}",
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "resolve",
    name: "query is an array",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": "[]" },
    body: "{}",
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "resolve",
    name: "query variant is null",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": '{"create":null}' },
    body: "{}",
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "resolve",
    name: "empty actor name",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": json({ getOrCreateForKey: { name: "", key: [NEVER] } }) },
    body: "{}",
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "resolve",
    name: "no query",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: jsonHeaders,
    body: "{}",
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "resolve",
    name: "no encoding",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { "X-RivetKit-Query": q.never() },
    body: "{}",
    status: 400,
    code: "invalid_encoding",
  },
  {
    kind: "http",
    route: "resolve",
    name: "unknown encoding `xml`",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { "X-RivetKit-Query": q.never(), "X-RivetKit-Encoding": "xml" },
    body: "{}",
    status: 400,
    code: "invalid_encoding",
  },
  {
    kind: "http",
    route: "resolve",
    name: "encoding in the wrong case (`JSON`)",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { "X-RivetKit-Query": q.never(), "X-RivetKit-Encoding": "JSON" },
    body: "{}",
    status: 400,
    code: "invalid_encoding",
  },
  {
    kind: "http",
    route: "resolve",
    name: "conn params are not JSON",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.never(), "X-RivetKit-Conn-Params": "{bad" },
    body: "{}",
    status: 400,
    code: "invalid_params",
  },
  {
    kind: "http",
    route: "resolve",
    name: "conn params of 40 KiB, not JSON",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.never(), "X-RivetKit-Conn-Params": bigInvalidParams },
    body: "{}",
    status: 400,
    code: "invalid_params",
  },
  {
    kind: "http",
    route: "resolve",
    name: "conn params of 40 KiB (valid) for a missing actor",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.neverGet(), "X-RivetKit-Conn-Params": bigValidParams },
    body: "{}",
    status: 404,
    code: "actor_not_found",
  },
  {
    kind: "http",
    route: "resolve",
    name: "query nested 20,000 deep",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": deepNever },
    body: "{}",
    status: 404,
    code: "actor_not_found",
  },
  {
    kind: "http",
    route: "resolve",
    name: "unknown actor name",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.never("nobody") },
    body: "{}",
    status: 404,
    code: "actor_not_found",
  },
  {
    kind: "http",
    route: "resolve",
    name: "actor name `__proto__`",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.never("__proto__") },
    body: "{}",
    status: 404,
    code: "actor_not_found",
  },
  {
    kind: "http",
    route: "resolve",
    name: "actor name `constructor`",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.never("constructor") },
    body: "{}",
    status: 404,
    code: "actor_not_found",
  },
  {
    kind: "http",
    route: "resolve",
    name: "getForId with a malformed id",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": json({ getForId: { name: "counter", actorId: "../../zz" } }) },
    body: "{}",
    status: 404,
    code: "actor_not_found",
  },
  {
    kind: "http",
    route: "resolve",
    name: "getForId: the counter's id under the name `chat`",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: (c) => ({ ...jsonHeaders, "X-RivetKit-Query": json({ getForId: { name: "chat", actorId: c.knownId } }) }),
    body: "{}",
    status: 404,
    code: "actor_not_found",
  },
  {
    kind: "http",
    route: "resolve",
    name: "forged internal headers (target getOrCreate) on a getForKey",
    method: "POST",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, ...forgedInternal, "X-RivetKit-Query": q.neverGet() },
    body: "{}",
    status: 404,
    code: "actor_not_found",
  },
  {
    kind: "http",
    route: "resolve",
    name: "wrong method GET",
    method: "GET",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.never() },
    status: 404,
    code: "route_not_found",
  },
  {
    kind: "http",
    route: "resolve",
    name: "wrong method PUT",
    method: "PUT",
    path: "/registry/actors/resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.never() },
    body: "{}",
    status: 404,
    code: "route_not_found",
  },
  {
    kind: "http",
    route: "resolve",
    name: "trailing slash",
    method: "POST",
    path: "/registry/actors/resolve/",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.never() },
    body: "{}",
    status: 404,
    code: "route_not_found",
  },
  {
    kind: "http",
    route: "resolve",
    name: "double slashes inside the path",
    method: "POST",
    path: "//registry//actors//resolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.never() },
    body: "{}",
    status: 404,
    code: "route_not_found",
  },

  // --- POST /registry/actors/actions/{action} --------------------------------------------------
  {
    kind: "http",
    route: "actions",
    name: "query header is not JSON",
    method: "POST",
    path: "/registry/actors/actions/increment",
    headers: { ...jsonHeaders, "X-RivetKit-Query": badJson },
    body: json({ a: [1] }),
    status: 400,
    code: "invalid_query_json",
  },
  {
    kind: "http",
    route: "actions",
    name: "no encoding",
    method: "POST",
    path: "/registry/actors/actions/increment",
    headers: { "X-RivetKit-Query": q.never() },
    body: json({ a: [1] }),
    status: 400,
    code: "invalid_encoding",
  },
  {
    kind: "http",
    route: "actions",
    name: "unknown encoding `bare`",
    method: "POST",
    path: "/registry/actors/actions/increment",
    headers: { "X-RivetKit-Query": q.never(), "X-RivetKit-Encoding": "bare" },
    body: json({ a: [1] }),
    status: 400,
    code: "invalid_encoding",
  },
  {
    kind: "http",
    route: "actions",
    name: "conn params of 40 KiB, not JSON",
    method: "POST",
    path: "/registry/actors/actions/increment",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.never(), "X-RivetKit-Conn-Params": bigInvalidParams },
    body: json({ a: [1] }),
    status: 400,
    code: "invalid_params",
  },
  {
    kind: "http",
    route: "actions",
    name: "`a` is a number",
    method: "POST",
    path: "/registry/actors/actions/increment",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.known },
    body: json({ a: 5 }),
    status: 400,
    code: "invalid_action_request",
  },
  {
    kind: "http",
    route: "actions",
    name: "body is JSON null",
    method: "POST",
    path: "/registry/actors/actions/increment",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.known },
    body: "null",
    status: 400,
    code: "invalid_action_request",
  },
  {
    kind: "http",
    route: "actions",
    name: "body is not JSON",
    method: "POST",
    path: "/registry/actors/actions/increment",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.known },
    body: '{"a":[1]',
    status: 400,
    code: "invalid_action_request",
  },
  {
    kind: "http",
    route: "actions",
    name: "empty body",
    method: "POST",
    path: "/registry/actors/actions/increment",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.known },
    body: "",
    status: 400,
    code: "invalid_action_request",
  },
  {
    kind: "http",
    route: "actions",
    name: "truncated CBOR body",
    method: "POST",
    path: "/registry/actors/actions/increment",
    headers: { "X-RivetKit-Encoding": "cbor", "Content-Type": "application/octet-stream", "X-RivetKit-Query": q.known },
    body: truncatedCborAction,
    status: 400,
    code: "invalid_action_request",
  },
  {
    kind: "http",
    route: "actions",
    name: "CBOR body sent as `json`",
    method: "POST",
    path: "/registry/actors/actions/increment",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.known },
    body: cborAction,
    status: 400,
    code: "invalid_action_request",
  },
  {
    kind: "http",
    route: "actions",
    name: "8 MiB body that is not JSON",
    method: "POST",
    path: "/registry/actors/actions/increment",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.known },
    body: "x".repeat(8 * KIB * KIB),
    status: 413,
    code: "message_too_long",
  },
  {
    kind: "http",
    route: "actions",
    name: "action `__proto__`",
    method: "POST",
    path: "/registry/actors/actions/__proto__",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.known },
    body: json({ a: [] }),
    status: 400,
    code: "action_not_found",
  },
  {
    kind: "http",
    route: "actions",
    name: "action `constructor`",
    method: "POST",
    path: "/registry/actors/actions/constructor",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.known },
    body: json({ a: [] }),
    status: 400,
    code: "action_not_found",
  },
  {
    kind: "http",
    route: "actions",
    name: "encoded slashes in the action (`..%2F..%2Fresolve`)",
    method: "POST",
    path: "/registry/actors/actions/..%2F..%2Fresolve",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.known },
    body: json({ a: [] }),
    status: 400,
    code: "action_not_found",
  },
  {
    kind: "http",
    route: "actions",
    name: "`%2e%2e` as the action (normalised away)",
    method: "POST",
    path: "/registry/actors/actions/%2e%2e",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.known },
    body: json({ a: [1] }),
    status: 404,
    code: "route_not_found",
  },
  {
    kind: "http",
    route: "actions",
    name: "extra path segment after the action",
    method: "POST",
    path: "/registry/actors/actions/increment/more",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.known },
    body: json({ a: [1] }),
    status: 404,
    code: "route_not_found",
  },
  {
    kind: "http",
    route: "actions",
    name: "wrong method GET",
    method: "GET",
    path: "/registry/actors/actions/increment",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.known },
    status: 404,
    code: "route_not_found",
  },
  {
    kind: "http",
    route: "actions",
    name: "wrong method DELETE",
    method: "DELETE",
    path: "/registry/actors/actions/increment",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.known },
    status: 404,
    code: "route_not_found",
  },
  {
    kind: "http",
    route: "actions",
    name: "malformed percent-escape in the action name (`%ZZ`)",
    method: "POST",
    path: "/registry/actors/actions/%ZZ",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.known },
    body: json({ a: [] }),
    status: 400,
    code: "action_not_found",
  },
  {
    kind: "http",
    route: "actions",
    name: "truncated UTF-8 escape in the action name (`%E0%A4%A`)",
    method: "POST",
    path: "/registry/actors/actions/%E0%A4%A",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.known },
    body: json({ a: [] }),
    status: 400,
    code: "action_not_found",
  },
  {
    kind: "http",
    route: "actions",
    name: "malformed body on a getOrCreate query creates nothing",
    method: "POST",
    path: "/registry/actors/actions/increment",
    headers: { ...jsonHeaders, "X-RivetKit-Query": json({ getOrCreateForKey: { name: "counter", key: ["hostile-bad-body"] } }) },
    body: json({ a: 5 }),
    status: 400,
    code: "invalid_action_request",
    // The Worker checks the body before the actor is addressed, so nothing is created.
    mustNotExist: [["counter", "hostile-bad-body"]],
  },
  {
    kind: "http",
    route: "actions",
    name: "unknown action on a getOrCreate query creates nothing",
    method: "POST",
    path: "/registry/actors/actions/nope",
    headers: { ...jsonHeaders, "X-RivetKit-Query": json({ getOrCreateForKey: { name: "counter", key: ["hostile-no-action"] } }) },
    body: json({ a: [] }),
    status: 400,
    code: "action_not_found",
    // The Worker looks the action up in the definition first (RivetKit 2.0 creates the actor here).
    mustNotExist: [["counter", "hostile-no-action"]],
  },

  // --- POST /registry/actors/destroy, GET /registry/actors/list ---------------------------------
  // A destroy that could create, or names no actor, creates and destroys nothing.
  {
    kind: "http",
    route: "destroy",
    name: "a getOrCreate query (it could create)",
    method: "POST",
    path: "/registry/actors/destroy",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.never() },
    body: "{}",
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "destroy",
    name: "a create query",
    method: "POST",
    path: "/registry/actors/destroy",
    headers: { ...jsonHeaders, "X-RivetKit-Query": json({ create: { name: "counter", key: [NEVER] } }) },
    body: "{}",
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "destroy",
    name: "an actor that does not exist",
    method: "POST",
    path: "/registry/actors/destroy",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.neverGet() },
    body: "{}",
    status: 404,
    code: "actor_not_found",
  },
  {
    kind: "http",
    route: "destroy",
    name: "an id no actor has",
    method: "POST",
    path: "/registry/actors/destroy",
    headers: { ...jsonHeaders, "X-RivetKit-Query": json({ getForId: { name: "counter", actorId: "0".repeat(64) } }) },
    body: "{}",
    status: 404,
    code: "actor_not_found",
  },
  {
    kind: "http",
    route: "destroy",
    name: "no encoding",
    method: "POST",
    path: "/registry/actors/destroy",
    headers: { "X-RivetKit-Query": q.known },
    body: "{}",
    status: 400,
    code: "invalid_encoding",
  },
  {
    kind: "http",
    route: "destroy",
    name: "query header is not JSON",
    method: "POST",
    path: "/registry/actors/destroy",
    headers: { ...jsonHeaders, "X-RivetKit-Query": badJson },
    body: "{}",
    status: 400,
    code: "invalid_query_json",
  },
  {
    kind: "http",
    route: "destroy",
    name: "an unregistered actor name",
    method: "POST",
    path: "/registry/actors/destroy",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.neverGet("nope") },
    body: "{}",
    status: 404,
    code: "actor_not_found",
  },
  { kind: "http", route: "list", name: "no name", method: "GET", path: "/registry/actors/list", status: 400, code: "invalid_request" },
  { kind: "http", route: "list", name: "an unregistered name", method: "GET", path: "/registry/actors/list?name=nope", status: 404, code: "actor_not_found" },
  {
    kind: "http",
    route: "list",
    name: "a limit of 0",
    method: "GET",
    path: "/registry/actors/list?name=counter&limit=0",
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "list",
    name: "a limit over 100",
    method: "GET",
    path: "/registry/actors/list?name=counter&limit=101",
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "list",
    name: "a limit that is not a number",
    method: "GET",
    path: "/registry/actors/list?name=counter&limit=1e2",
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "list",
    name: "a cursor this server never gave out",
    method: "GET",
    path: "/registry/actors/list?name=counter&cursor=WzEsInp6Il0",
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "list",
    name: "an unknown encoding",
    method: "GET",
    path: "/registry/actors/list?name=counter",
    headers: { "X-RivetKit-Encoding": "xml" },
    status: 400,
    code: "invalid_encoding",
  },

  // --- GET /registry/actors/connect/websocket --------------------------------------------------
  {
    kind: "http",
    route: "connect/websocket",
    name: "no Upgrade header",
    method: "GET",
    path: "/registry/actors/connect/websocket",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.never() },
    status: 426,
    code: "upgrade_required",
  },
  {
    kind: "http",
    route: "connect/websocket",
    name: "wrong method POST",
    method: "POST",
    path: "/registry/actors/connect/websocket",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.never() },
    body: "{}",
    status: 404,
    code: "route_not_found",
  },
  {
    kind: "ws",
    route: "connect/websocket",
    name: "no encoding",
    path: "/registry/actors/connect/websocket",
    protocols: [proto.query(q.never()), "rivetkit"],
    expect: { close: "invalid_encoding" },
  },
  {
    kind: "ws",
    route: "connect/websocket",
    name: "unknown encoding `encoding.bare`",
    path: "/registry/actors/connect/websocket",
    protocols: [proto.query(q.never()), "encoding.bare", "rivetkit"],
    expect: { close: "invalid_encoding" },
  },
  {
    kind: "ws",
    route: "connect/websocket",
    name: "query subprotocol is not JSON",
    path: "/registry/actors/connect/websocket",
    protocols: [proto.query(badJson), "encoding.json", "rivetkit"],
    expect: { close: "invalid_query_json", errorMessage: "json" },
  },
  {
    kind: "ws",
    route: "connect/websocket",
    name: "query subprotocol with a malformed escape (`%ZZ`)",
    path: "/registry/actors/connect/websocket",
    protocols: ["query.%ZZ%7B", "encoding.cbor", "rivetkit"],
    expect: { close: "invalid_query_json", errorMessage: "cbor" },
  },
  {
    kind: "ws",
    route: "connect/websocket",
    name: "query header fallback is not JSON",
    path: "/registry/actors/connect/websocket",
    protocols: ["encoding.json", "rivetkit"],
    headers: { "X-RivetKit-Query": badJson },
    expect: { close: "invalid_query_json", errorMessage: "json" },
  },
  {
    kind: "ws",
    route: "connect/websocket",
    name: "conn params subprotocol is not JSON",
    path: "/registry/actors/connect/websocket",
    protocols: [proto.query(q.never()), "encoding.json", proto.params("{bad"), "rivetkit"],
    expect: { close: "invalid_params", errorMessage: "json" },
  },
  {
    kind: "ws",
    route: "connect/websocket",
    name: "no query at all",
    path: "/registry/actors/connect/websocket",
    protocols: ["encoding.json", "rivetkit"],
    expect: { close: "invalid_request", errorMessage: "json" },
  },
  {
    kind: "ws",
    route: "connect/websocket",
    name: "unknown actor name `constructor`",
    path: "/registry/actors/connect/websocket",
    protocols: [proto.query(q.never("constructor")), "encoding.json", "rivetkit"],
    expect: { close: "actor_not_found", errorMessage: "json" },
  },
  {
    kind: "ws",
    route: "connect/websocket",
    name: "getForKey of a missing actor",
    path: "/registry/actors/connect/websocket",
    protocols: [proto.query(q.neverGet()), "encoding.cbor", "rivetkit"],
    expect: { close: "actor_not_found", errorMessage: "cbor" },
  },
  {
    kind: "ws",
    route: "connect/websocket",
    name: "frame over 64 KiB (JSON text)",
    path: "/registry/actors/connect/websocket",
    protocols: [proto.query(q.known), "encoding.json", "rivetkit"],
    frames: [oversizedText],
    afterInit: true,
    expect: { close: "message_too_long" },
  },
  {
    kind: "ws",
    route: "connect/websocket",
    name: "frame over 64 KiB (CBOR binary)",
    path: "/registry/actors/connect/websocket",
    protocols: [proto.query(q.known), "encoding.cbor", "rivetkit"],
    frames: [oversizedCbor],
    afterInit: true,
    expect: { close: "message_too_long" },
  },
  {
    kind: "ws",
    route: "connect/websocket",
    name: "truncated CBOR frame",
    path: "/registry/actors/connect/websocket",
    protocols: [proto.query(q.known), "encoding.cbor", "rivetkit"],
    frames: [truncatedCborMessage],
    afterInit: true,
    expect: { close: "malformed_message" },
  },
  {
    kind: "ws",
    route: "connect/websocket",
    name: "frame that is not JSON",
    path: "/registry/actors/connect/websocket",
    protocols: [proto.query(q.known), "encoding.json", "rivetkit"],
    frames: ['{"b":{"ar":'],
    afterInit: true,
    expect: { close: "malformed_message" },
  },
  {
    kind: "ws",
    route: "connect/websocket",
    name: "JSON on a binary frame",
    path: "/registry/actors/connect/websocket",
    protocols: [proto.query(q.known), "encoding.json", "rivetkit"],
    frames: [Buffer.from(json({ b: { ar: { i: 0, n: "increment", a: [1] } } }))],
    afterInit: true,
    expect: { close: "malformed_message" },
  },
  {
    kind: "ws",
    route: "connect/websocket",
    name: "text frame on a CBOR connection",
    path: "/registry/actors/connect/websocket",
    protocols: [proto.query(q.known), "encoding.cbor", "rivetkit"],
    frames: [json({ b: { ar: { i: 0, n: "increment", a: [1] } } })],
    afterInit: true,
    expect: { close: "malformed_message" },
  },
  {
    kind: "ws",
    route: "connect/websocket",
    name: "action id of the wrong type",
    path: "/registry/actors/connect/websocket",
    protocols: [proto.query(q.known), "encoding.json", "rivetkit"],
    frames: [json({ b: { ar: { i: "0", n: "increment", a: [1] } } })],
    afterInit: true,
    expect: { close: "malformed_message" },
  },

  // --- GET /registry/actors/connect/sse --------------------------------------------------------
  { kind: "sse", route: "connect/sse", name: "no encoding", headers: { "X-RivetKit-Query": q.never() }, code: "invalid_encoding", format: "event" },
  {
    kind: "sse",
    route: "connect/sse",
    name: "query is not JSON (json)",
    headers: { "X-RivetKit-Encoding": "json", "X-RivetKit-Query": badJson },
    code: "invalid_query_json",
    format: "json",
  },
  {
    kind: "sse",
    route: "connect/sse",
    name: "query is not JSON (cbor)",
    headers: { "X-RivetKit-Encoding": "cbor", "X-RivetKit-Query": badJson },
    code: "invalid_query_json",
    format: "cbor",
  },
  {
    kind: "sse",
    route: "connect/sse",
    name: "conn params are not JSON",
    headers: { "X-RivetKit-Encoding": "json", "X-RivetKit-Query": q.never(), "X-RivetKit-Conn-Params": "{bad" },
    code: "invalid_params",
    format: "json",
  },
  {
    kind: "sse",
    route: "connect/sse",
    name: "unknown actor name",
    headers: { "X-RivetKit-Encoding": "json", "X-RivetKit-Query": q.never("nobody") },
    code: "actor_not_found",
    format: "json",
  },
  {
    kind: "sse",
    route: "connect/sse",
    name: "getForKey of a missing actor",
    headers: { "X-RivetKit-Encoding": "json", "X-RivetKit-Query": q.neverGet() },
    code: "actor_not_found",
    format: "json",
  },
  {
    kind: "http",
    route: "connect/sse",
    name: "wrong method POST",
    method: "POST",
    path: "/registry/actors/connect/sse",
    headers: { ...jsonHeaders, "X-RivetKit-Query": q.never() },
    body: "{}",
    status: 404,
    code: "route_not_found",
  },

  // --- POST /registry/actors/message -----------------------------------------------------------
  {
    kind: "http",
    route: "message",
    name: "no X-RivetKit-Actor",
    method: "POST",
    path: "/registry/actors/message",
    headers: { "X-RivetKit-Encoding": "json" },
    body: "{}",
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "message",
    name: "unknown encoding",
    method: "POST",
    path: "/registry/actors/message",
    headers: messageHeaders({ "X-RivetKit-Encoding": "msgpack" }),
    body: "{}",
    status: 400,
    code: "invalid_encoding",
  },
  {
    kind: "http",
    route: "message",
    name: "malformed actor id",
    method: "POST",
    path: "/registry/actors/message",
    headers: messageHeaders({ "X-RivetKit-Actor": "not-an-id" }),
    body: "{}",
    status: 404,
    code: "actor_not_found",
  },
  {
    kind: "http",
    route: "message",
    name: "unknown connection id",
    method: "POST",
    path: "/registry/actors/message",
    headers: messageHeaders({ "X-RivetKit-Conn": "00000000-0000-0000-0000-000000000000" }),
    body: json({ b: { ar: { i: 0, n: "increment", a: [1] } } }),
    status: 400,
    code: "conn_not_found",
  },
  {
    kind: "http",
    route: "message",
    name: "wrong connection token",
    method: "POST",
    path: "/registry/actors/message",
    headers: messageHeaders({ "X-RivetKit-Conn-Token": "AAAA" }),
    body: json({ b: { ar: { i: 0, n: "increment", a: [1] } } }),
    status: 400,
    code: "incorrect_conn_token",
  },
  {
    kind: "http",
    route: "message",
    name: "body is not JSON",
    method: "POST",
    path: "/registry/actors/message",
    headers: messageHeaders(),
    body: '{"b":',
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "message",
    name: "truncated CBOR body",
    method: "POST",
    path: "/registry/actors/message",
    headers: messageHeaders({ "X-RivetKit-Encoding": "cbor" }),
    body: truncatedCborMessage,
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "message",
    name: "body over 64 KiB",
    method: "POST",
    path: "/registry/actors/message",
    headers: messageHeaders(),
    body: oversizedText,
    status: 413,
    code: "message_too_long",
  },
  {
    kind: "http",
    route: "message",
    name: "negative action id",
    method: "POST",
    path: "/registry/actors/message",
    headers: messageHeaders(),
    body: json({ b: { ar: { i: -1, n: "increment", a: [1] } } }),
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "message",
    name: "two tags in one message",
    method: "POST",
    path: "/registry/actors/message",
    headers: messageHeaders(),
    body: json({ b: { ar: { i: 0, n: "increment", a: [1] }, sr: { e: "newCount", s: true } } }),
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "message",
    name: "wrong method GET",
    method: "GET",
    path: "/registry/actors/message",
    headers: messageHeaders(),
    status: 404,
    code: "route_not_found",
  },

  // --- ANY /registry/actors/raw/http/{path} (RivetKit form) ------------------------------------
  {
    kind: "http",
    route: "raw/http",
    name: "query is not JSON",
    method: "GET",
    path: "/registry/actors/raw/http/api/hello",
    headers: { "X-RivetKit-Query": badJson },
    status: 400,
    code: "invalid_query_json",
  },
  { kind: "http", route: "raw/http", name: "no query", method: "GET", path: "/registry/actors/raw/http/api/hello", status: 400, code: "invalid_request" },
  {
    kind: "http",
    route: "raw/http",
    name: "unknown encoding",
    method: "GET",
    path: "/registry/actors/raw/http/api/hello",
    headers: { "X-RivetKit-Query": q.never("myActor"), "X-RivetKit-Encoding": "yaml" },
    status: 400,
    code: "invalid_encoding",
  },
  {
    kind: "http",
    route: "raw/http",
    name: "conn params are not JSON",
    method: "POST",
    path: "/registry/actors/raw/http/api/echo",
    headers: { "X-RivetKit-Query": q.never("myActor"), "X-RivetKit-Conn-Params": "[1,," },
    body: "hi",
    status: 400,
    code: "invalid_params",
  },
  {
    kind: "http",
    route: "raw/http",
    name: "getForKey of a missing actor",
    method: "GET",
    path: "/registry/actors/raw/http/api/hello",
    headers: { "X-RivetKit-Query": q.neverGet("myActor") },
    status: 404,
    code: "actor_not_found",
  },
  {
    kind: "http",
    route: "raw/http",
    name: "actor without onFetch (chat)",
    method: "GET",
    path: "/registry/actors/raw/http/",
    headers: { "X-RivetKit-Query": q.knownChat },
    status: 404,
    code: "fetch_handler_not_defined",
  },
  {
    kind: "http",
    route: "raw/http",
    name: "`..` climbing out of the actor path",
    method: "GET",
    path: "/registry/actors/raw/http/../../nope",
    headers: { "X-RivetKit-Query": q.never("myActor") },
    status: 404,
    code: "route_not_found",
  },
  {
    kind: "http",
    route: "raw/http",
    name: "`%2e%2e` climbing out of the actor path",
    method: "GET",
    path: "/registry/actors/raw/http/%2e%2e/%2e%2e/nope",
    headers: { "X-RivetKit-Query": q.never("myActor") },
    status: 404,
    code: "route_not_found",
  },
  {
    kind: "http",
    route: "raw/http",
    name: "encoded slash in `raw%2Fhttp`",
    method: "GET",
    path: "/registry/actors/raw%2Fhttp/api/hello",
    headers: { "X-RivetKit-Query": q.never("myActor") },
    status: 404,
    code: "route_not_found",
  },
  {
    kind: "http",
    route: "raw/http",
    name: "double slash before `raw`",
    method: "GET",
    path: "/registry/actors//raw/http/api/hello",
    headers: { "X-RivetKit-Query": q.never("myActor") },
    status: 404,
    code: "route_not_found",
  },
  {
    kind: "ws",
    route: "raw/http",
    name: "WebSocket upgrade to a raw HTTP path",
    path: "/registry/actors/raw/http/api/hello",
    protocols: [proto.query(q.never("myActor")), "encoding.json", "rivetkit"],
    expect: { status: 400, code: "invalid_request" },
  },

  // --- ANY /registry/actors/{name}/raw/http/{path} (name form) ---------------------------------
  {
    kind: "http",
    route: "{name}/raw/http",
    name: "X-RivetKit-Actor-Query is not JSON",
    method: "GET",
    path: "/registry/actors/myActor/raw/http/api/hello",
    headers: { "X-RivetKit-Actor-Query": "{nope", "X-RivetKit-Encoding": "json" },
    status: 400,
    code: "invalid_query_json",
  },
  {
    kind: "http",
    route: "{name}/raw/http",
    name: "path names another actor than the query",
    method: "GET",
    path: "/registry/actors/counter/raw/http/",
    headers: { "X-RivetKit-Actor-Query": q.never("myActor") },
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "{name}/raw/http",
    name: "NUL byte in the path's name (`myActor%00`)",
    method: "GET",
    path: "/registry/actors/myActor%00/raw/http/api/hello",
    headers: { "X-RivetKit-Actor-Query": q.never("myActor") },
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "{name}/raw/http",
    name: "encoded `..` in the name (`counter%2F..%2Fchat`)",
    method: "GET",
    path: "/registry/actors/counter%2F..%2Fchat/raw/http/",
    headers: { "X-RivetKit-Actor-Query": q.never("counter") },
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "{name}/raw/http",
    name: "unknown actor in path and query",
    method: "GET",
    path: "/registry/actors/nobody/raw/http/",
    headers: { "X-RivetKit-Actor-Query": q.never("nobody") },
    status: 404,
    code: "actor_not_found",
  },
  {
    kind: "http",
    route: "{name}/raw/http",
    name: "malformed escape in the name (`my%ZZActor`)",
    method: "GET",
    path: "/registry/actors/my%ZZActor/raw/http/api/hello",
    headers: { "X-RivetKit-Actor-Query": q.never("myActor") },
    status: 400,
    code: "invalid_request",
  },
  {
    kind: "http",
    route: "{name}/raw/http",
    name: "encoded slashes (`myActor%2Fraw%2Fhttp`)",
    method: "GET",
    path: "/registry/actors/myActor%2Fraw%2Fhttp/api/hello",
    headers: { "X-RivetKit-Actor-Query": q.never("myActor") },
    status: 404,
    code: "route_not_found",
  },
  {
    kind: "http",
    route: "{name}/raw/http",
    name: "`%2e%2e` as the name",
    method: "GET",
    path: "/registry/actors/%2e%2e/raw/http/api/hello",
    headers: { "X-RivetKit-Actor-Query": q.never("myActor") },
    status: 404,
    code: "route_not_found",
  },
  {
    kind: "http",
    route: "{name}/raw/http",
    name: "`..` climbing out of the actor path",
    method: "POST",
    path: "/registry/actors/myActor/raw/http/../../../nope",
    headers: { "X-RivetKit-Actor-Query": q.never("myActor") },
    body: "x",
    status: 404,
    code: "route_not_found",
  },
  {
    kind: "http",
    route: "{name}/raw/http",
    name: "conn params of 40 KiB, not JSON",
    method: "GET",
    path: "/registry/actors/myActor/raw/http/api/hello",
    headers: { "X-RivetKit-Actor-Query": q.never("myActor"), "X-RivetKit-Conn-Params": bigInvalidParams },
    status: 400,
    code: "invalid_params",
  },
  {
    kind: "ws",
    route: "{name}/raw/http",
    name: "WebSocket upgrade to a raw HTTP path",
    path: "/registry/actors/myActor/raw/http/",
    headers: { "X-RivetKit-Actor-Query": q.never("myActor") },
    expect: { status: 400, code: "invalid_request" },
  },

  // --- GET /registry/actors/raw/websocket/{path} (RivetKit form) -------------------------------
  {
    kind: "http",
    route: "raw/websocket",
    name: "no Upgrade header",
    method: "GET",
    path: "/registry/actors/raw/websocket/",
    headers: { "X-RivetKit-Query": q.never("websocketActor") },
    status: 426,
    code: "upgrade_required",
  },
  {
    kind: "ws",
    route: "raw/websocket",
    name: "no query",
    path: "/registry/actors/raw/websocket/",
    protocols: ["rivetkit"],
    expect: { close: "invalid_request" },
  },
  {
    kind: "ws",
    route: "raw/websocket",
    name: "query subprotocol is not JSON",
    path: "/registry/actors/raw/websocket/",
    protocols: [proto.query(badJson), "rivetkit"],
    expect: { close: "invalid_query_json" },
  },
  {
    kind: "ws",
    route: "raw/websocket",
    name: "unknown encoding",
    path: "/registry/actors/raw/websocket/",
    protocols: [proto.query(q.never("websocketActor")), "encoding.xml", "rivetkit"],
    expect: { close: "invalid_encoding" },
  },
  {
    kind: "ws",
    route: "raw/websocket",
    name: "conn params are not JSON",
    path: "/registry/actors/raw/websocket/",
    protocols: [proto.query(q.never("websocketActor")), proto.params("{bad"), "rivetkit"],
    expect: { close: "invalid_params" },
  },
  {
    kind: "ws",
    route: "raw/websocket",
    name: "unknown actor name",
    path: "/registry/actors/raw/websocket/",
    protocols: [proto.query(q.never("hasOwnProperty")), "rivetkit"],
    expect: { close: "actor_not_found" },
  },
  {
    kind: "ws",
    route: "raw/websocket",
    name: "getForKey of a missing actor",
    path: "/registry/actors/raw/websocket/",
    protocols: [proto.query(q.neverGet("websocketActor")), "rivetkit"],
    expect: { close: "actor_not_found" },
  },
  {
    kind: "ws",
    route: "raw/websocket",
    name: "actor without onWebSocket (counter)",
    path: "/registry/actors/raw/websocket/",
    protocols: [proto.query(q.known), "rivetkit"],
    expect: { close: "websocket_handler_not_defined" },
  },

  // --- GET /registry/actors/{name}/raw/websocket/{path} (name form) ----------------------------
  {
    kind: "http",
    route: "{name}/raw/websocket",
    name: "no Upgrade header",
    method: "GET",
    path: "/registry/actors/websocketActor/raw/websocket/",
    headers: { "X-RivetKit-Actor-Query": q.never("websocketActor") },
    status: 426,
    code: "upgrade_required",
  },
  {
    kind: "ws",
    route: "{name}/raw/websocket",
    name: "path names another actor than the query",
    path: "/registry/actors/counter/raw/websocket/",
    protocols: [proto.query(q.never("websocketActor")), "rivetkit"],
    expect: { close: "invalid_request" },
  },
  {
    kind: "ws",
    route: "{name}/raw/websocket",
    name: "X-RivetKit-Actor-Query header is not JSON",
    path: "/registry/actors/websocketActor/raw/websocket/",
    headers: { "X-RivetKit-Actor-Query": "{nope" },
    expect: { close: "invalid_query_json" },
  },
  {
    kind: "ws",
    route: "{name}/raw/websocket",
    name: "unknown actor in path and query",
    path: "/registry/actors/nobody/raw/websocket/",
    protocols: [proto.query(q.never("nobody")), "rivetkit"],
    expect: { close: "actor_not_found" },
  },
  {
    kind: "ws",
    route: "{name}/raw/websocket",
    name: "encoded slashes in the name",
    path: "/registry/actors/websocketActor%2Fraw%2Fwebsocket/",
    protocols: [proto.query(q.never("websocketActor")), "rivetkit"],
    expect: { status: 404, code: "route_not_found" },
  },

  // --- Upgrades to HTTP-only routes ------------------------------------------------------------
  {
    kind: "ws",
    route: "upgrade to HTTP route",
    name: "upgrade to resolve",
    path: "/registry/actors/resolve",
    protocols: [proto.query(q.never()), "encoding.json", "rivetkit"],
    expect: { status: 404, code: "route_not_found" },
  },
  {
    kind: "ws",
    route: "upgrade to HTTP route",
    name: "upgrade to an action",
    path: "/registry/actors/actions/increment",
    protocols: [proto.query(q.known), "encoding.json", "rivetkit"],
    expect: { status: 404, code: "route_not_found" },
  },
  {
    kind: "ws",
    route: "upgrade to HTTP route",
    name: "upgrade to message",
    path: "/registry/actors/message",
    protocols: ["encoding.json", "rivetkit"],
    expect: { status: 404, code: "route_not_found" },
  },
  // --- the inspector (/registry/inspector; on in the demo with wrangler.toml's dev token) -------
  ...((): HttpCase[] => {
    const bearer = { authorization: "Bearer dev-only-inspector-token-do-not-deploy", "content-type": "application/json" };
    const known = `query=${encodeURIComponent(q.known)}`;
    const inspector = (
      name: string,
      method: string,
      path: string,
      headers: Record<string, string>,
      body: string | undefined,
      status: number,
      code: string,
    ): HttpCase => ({
      kind: "http",
      route: "inspector",
      name,
      method,
      path,
      headers,
      body,
      status,
      code,
    });
    return [
      inspector(
        "no token",
        "PUT",
        `/registry/inspector/api/actor/state?${known}`,
        { "content-type": "application/json" },
        '{"state":{"count":0}}',
        401,
        "unauthorized",
      ),
      inspector(
        "a wrong bearer token",
        "GET",
        `/registry/inspector/api/actor?${known}`,
        { authorization: "Bearer dev-only-inspector-token-do-not-deplox" },
        undefined,
        401,
        "unauthorized",
      ),
      inspector(
        "a forged session cookie",
        "GET",
        `/registry/inspector/api/actor?${known}`,
        { cookie: `actorflare_inspector=${"0".repeat(64)}` },
        undefined,
        401,
        "unauthorized",
      ),
      inspector(
        "a query that would create an actor",
        "GET",
        `/registry/inspector/api/actor?query=${encodeURIComponent(q.never())}`,
        bearer,
        undefined,
        400,
        "invalid_request",
      ),
      inspector("a state edit that is not JSON", "PUT", `/registry/inspector/api/actor/state?${known}`, bearer, '{"state":{"count":0}', 400, "invalid_request"),
      inspector("a state edit without state", "PUT", `/registry/inspector/api/actor/state?${known}`, bearer, '{"count":0}', 400, "invalid_request"),
      inspector(
        "action arguments that are not an array",
        "POST",
        `/registry/inspector/api/actor/action?${known}`,
        bearer,
        '{"name":"increment","args":5}',
        400,
        "invalid_request",
      ),
      inspector(
        "an action that throws",
        "POST",
        `/registry/inspector/api/actor/action?${known}`,
        bearer,
        '{"name":"increment","args":["lots"]}',
        400,
        "invalid_argument",
      ),
    ];
  })(),
];

// ---------------------------------------------------------------------------------------------
// Running a case
// ---------------------------------------------------------------------------------------------

const resolveHeaders = (headers: Headers | undefined) => (typeof headers === "function" ? headers(ctx) : (headers ?? {}));

async function runHttp(c: HttpCase): Promise<void> {
  const body = typeof c.body === "function" ? c.body(ctx) : c.body;
  const response = await send(c.method, c.path, resolveHeaders(c.headers), body);
  expectNoLeak(response.body.toString("utf8"));
  expect({ status: response.status, body: response.body.toString("utf8").slice(0, 300) }).toEqual({ status: c.status, body: expect.any(String) });
  expectErrorBody(errorBodyOf(response), c.code);
}

async function runWs(c: WsCase): Promise<void> {
  const outcome = await openSocket(c.path, c.protocols, resolveHeaders(c.headers), c.frames ?? [], c.afterInit ?? false);
  if ("status" in c.expect) {
    expect(outcome.kind).toBe("http");
    if (outcome.kind !== "http") return;
    expectNoLeak(outcome.response.body.toString("utf8"));
    expect(outcome.response.status).toBe(c.expect.status);
    expectErrorBody(errorBodyOf(outcome.response), c.expect.code);
    return;
  }
  const expected = c.expect;
  expect(outcome.kind).toBe("close");
  if (outcome.kind !== "close") return;
  expect([1011, 1008]).toContain(outcome.code);
  expect(outcome.reason).toBe(expected.close);
  expect(outcome.reason).toMatch(/^[a-z_]+$/);
  // Frames before the close: the init of a connection that opened, or the error itself.
  const decoded = outcome.messages.map((m) => (typeof m === "string" ? JSON.parse(m) : cborDecode(m)) as { b: Record<string, unknown> });
  for (const message of outcome.messages) expectNoLeak(typeof message === "string" ? message : JSON.stringify(cborDecode(message)));
  const errors = decoded.filter((m) => "e" in m.b).map((m) => m.b.e as { c: string; m: string });
  for (const error of errors) expectErrorBody(error, expected.close);
  if (expected.errorMessage) {
    expect(errors).toHaveLength(1);
    expect(typeof outcome.messages[0] === "string" ? "json" : "cbor").toBe(expected.errorMessage);
  }
  if (c.afterInit) expect(Object.keys(decoded[0]?.b ?? {})).toEqual(["i"]);
}

async function runSse(c: SseCase): Promise<void> {
  const { status, contentType, text } = await readSse("/registry/actors/connect/sse", resolveHeaders(c.headers));
  expectNoLeak(text);
  // docs/protocol.md §7.3: the client cannot read an HTTP error body on SSE, so setup errors are a 200
  // stream carrying one error event, which then ends.
  expect(status).toBe(200);
  expect(contentType).toContain("text/event-stream");
  const events = text.split("\n\n").filter((e) => e.trim() !== "" && !e.startsWith(":"));
  expect(events).toHaveLength(1);
  const lines = events[0].split("\n");
  if (c.format === "event") {
    expect(lines).toEqual(["event: error", `data: ${c.code}`]);
    return;
  }
  expect(lines).toHaveLength(1);
  const data = lines[0].replace(/^data: /, "");
  const message = (c.format === "json" ? JSON.parse(data) : cborDecode(Buffer.from(data, "base64"))) as { b: { e: { c: string; m: string } } };
  expect(Object.keys(message.b)).toEqual(["e"]);
  expectErrorBody(message.b.e, c.code);
}

// ---------------------------------------------------------------------------------------------
// Setup
// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  persist = await tempPersistDir();
  server = await startWranglerDev({ persistTo: persist.path });
  port = Number(new URL(server.url).port);

  const created = await send(
    "POST",
    "/registry/actors/actions/increment",
    { ...jsonHeaders, "X-RivetKit-Query": json({ getOrCreateForKey: { name: "counter", key: [KNOWN] } }) },
    json({ a: [KNOWN_COUNT] }),
  );
  expect(created.status).toBe(200);
  expect(JSON.parse(created.body.toString())).toEqual({ o: KNOWN_COUNT });
  const resolved = await send("POST", "/registry/actors/resolve", { ...jsonHeaders, "X-RivetKit-Query": q.known }, "{}");
  ctx.knownId = (JSON.parse(resolved.body.toString()) as { i: string }).i;
  expect(ctx.knownId).toMatch(/^[0-9a-f]{64}$/);
  const chat = await send(
    "POST",
    "/registry/actors/resolve",
    { ...jsonHeaders, "X-RivetKit-Query": json({ getOrCreateForKey: { name: "chat", key: [KNOWN_CHAT] } }) },
    "{}",
  );
  expect(chat.status).toBe(200);

  // An SSE connection on the known counter, for the message route's cases; it stays open.
  sseAbort = new AbortController();
  const response = await fetch(`http://127.0.0.1:${port}/registry/actors/connect/sse`, {
    headers: { "X-RivetKit-Encoding": "json", "X-RivetKit-Query": q.known, Accept: "text/event-stream" },
    signal: sseAbort.signal,
  });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  let buffer = "";
  const deadline = Date.now() + 15_000;
  while (!buffer.includes("\n\n") && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += new TextDecoder().decode(value);
  }
  const init = JSON.parse(buffer.split("\n\n")[0].replace(/^data: /, "")) as { b: { i: Context["conn"] } };
  ctx.conn = init.b.i;
  expect(ctx.conn.ai).toBe(ctx.knownId);
  // Keep draining the stream in the background so the server's writes never back up.
  void (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {
      // aborted in afterAll
    }
  })();
});

afterAll(async () => {
  sseAbort?.abort();
  await server?.stop();
  await persist?.remove();
});

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe("hostile input: every public route", () => {
  it("the table covers at least 40 malformed requests over every public route", () => {
    const perRoute = new Map<string, number>();
    for (const c of cases) perRoute.set(c.route, (perRoute.get(c.route) ?? 0) + 1);
    console.log(`[hostile-input] ${cases.length} malformed requests:\n${[...perRoute].map(([route, n]) => `  ${String(n).padStart(3)}  ${route}`).join("\n")}`);
    expect(cases.length).toBeGreaterThanOrEqual(40);
    for (const route of [
      "resolve",
      "actions",
      "connect/websocket",
      "connect/sse",
      "message",
      "destroy",
      "list",
      "raw/http",
      "{name}/raw/http",
      "raw/websocket",
      "{name}/raw/websocket",
    ]) {
      expect(perRoute.get(route) ?? 0).toBeGreaterThan(0);
    }
  });

  it("the table covers every route of the 2.3 wire", () => {
    const perRoute = new Map<string, number>();
    for (const c of rivet23Cases) perRoute.set(c.route, (perRoute.get(c.route) ?? 0) + 1);
    console.log(
      `[hostile-input] ${rivet23Cases.length} malformed requests on the 2.3 wire:\n${[...perRoute].map(([route, n]) => `  ${String(n).padStart(3)}  ${route}`).join("\n")}`,
    );
    for (const route of [
      "metadata",
      "GET actors",
      "PUT actors",
      "POST actors",
      "DELETE actors",
      "gateway action",
      "gateway request",
      "gateway connect",
      "gateway websocket",
    ]) {
      expect(perRoute.get(`2.3 ${route}`) ?? 0).toBeGreaterThan(0);
    }
  });

  for (const c of cases) {
    it(`${c.route}: ${c.name}`, async () => {
      if (c.kind === "http") await runHttp(c);
      else if (c.kind === "ws") await runWs(c);
      else await runSse(c);
      await expectNothingChanged(c.mustNotExist);
    });
  }

  const known = { never: NEVER, known: KNOWN, knownChat: KNOWN_CHAT, knownId: () => ctx.knownId };
  for (const c of rivet23Cases) {
    it(`${c.route}: ${c.name}`, async () => {
      await runRivet23(c, { send, openSocket, expectNoLeak }, known);
      await expectNothingChanged(c.mustNotExist);
    });
  }
});

describe("internal headers", () => {
  const internal = Object.keys(forgedInternal).map((name) => name.toLowerCase());

  it.each([
    ["name form", "/registry/actors/myActor/raw/http/api/echo", "X-RivetKit-Actor-Query"],
    ["RivetKit form", "/registry/actors/raw/http/api/echo", "X-RivetKit-Query"],
  ])("never reach onFetch (%s): /api/echo sends back only what the client may set", async (_label, path, queryHeader) => {
    const response = await send(
      "POST",
      path,
      {
        ...forgedInternal,
        [queryHeader]: json({ getOrCreateForKey: { name: "myActor", key: ["hostile-echo"] } }),
        "X-RivetKit-Encoding": "json",
        "X-Custom": "kept",
      },
      "ping",
    );
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe("ping");
    // The echo returns the request headers the handler saw as its response headers.
    const seen = response.headers;
    expect(seen["x-custom"]).toBe("kept");
    expect(Object.keys(seen).filter((name) => internal.includes(name) || name.startsWith("x-actorflare-"))).toEqual([]);
  });
});

describe("a GET or HEAD with a body", () => {
  // HTTP allows one; a Request in the Worker may not carry it, so onFetch gets the request without it.
  it.each(["GET", "HEAD"])("%s reaches onFetch without its body, rather than failing in the Worker", async (method) => {
    const headers = { "X-RivetKit-Query": json({ getOrCreateForKey: { name: "myActor", key: ["hostile-get-body"] } }) };
    const response = await send(method, "/registry/actors/raw/http/api/hello", headers, "a body a GET may not carry");
    expect(response.status).toBe(200);
    if (method === "GET") expect(JSON.parse(response.body.toString())).toEqual({ message: "Hello from actor!" });
  });
});

describe("refused by the runtime before the Worker runs (not actorflare's code)", () => {
  // workerd answers these itself, in plain text: the Worker never sees the request, so no
  // `{ c, m }` body is possible. What we check is that nothing breaks and nothing is created.
  it("a 300 KiB query header is 431 from workerd; the Worker keeps answering", async () => {
    const query = json({ getOrCreateForKey: { name: "counter", key: [NEVER], input: "i".repeat(300 * KIB) } });
    const response = await send("POST", "/registry/actors/resolve", { ...jsonHeaders, "X-RivetKit-Query": query }, "{}");
    expect(response.status).toBe(431);
    expectNoLeak(response.body.toString());
    await expectNothingChanged();
  });

  it("a method workerd does not know (`BREW`) is 501 from workerd; the Worker keeps answering", async () => {
    const response = await send("BREW", "/registry/actors/resolve", { ...jsonHeaders, "X-RivetKit-Query": q.never() }, "{}");
    expect(response.status).toBe(501);
    expectNoLeak(response.body.toString());
    await expectNothingChanged();
  });
});
