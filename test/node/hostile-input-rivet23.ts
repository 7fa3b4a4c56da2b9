import * as bare from "@rivetkit/bare-ts";
import { decode as cborDecode, encode as cborEncode } from "cbor-x";
import { expect } from "vitest";

// The 2.3 wire's rows of the hostile-input table (hostile-input.test.ts runs them with the rest):
// malformed requests to the actor API, the metadata and the gateway (docs/protocol.md §12). Each
// must get a 4xx with RivetKit's error shape `{ group, code, message, metadata? }` in the
// request's encoding (WebSockets: a 101 closed with 1011 and `group.code`, after an error message
// when the encoding is known), never a 5xx, never a leak.

/** What the table runs on, from hostile-input.test.ts. */
export interface Tools {
  send(
    method: string,
    path: string,
    headers?: Record<string, string>,
    body?: string | Uint8Array,
  ): Promise<{ status: number; contentType: string; body: Buffer }>;
  openSocket(
    path: string,
    protocols: string[] | undefined,
    headers: Record<string, string>,
    frames: Array<string | Uint8Array>,
    afterFirstMessage: boolean,
  ): Promise<
    | { kind: "close"; code: number; reason: string; messages: Array<string | Buffer> }
    | { kind: "http"; response: { status: number; contentType: string; body: Buffer } }
  >;
  expectNoLeak(text: string): void;
}

/** Known actors and the sentinel key, from the table's setup. */
export interface Known {
  never: string;
  known: string;
  knownChat: string;
  knownId: () => string;
}

type Encoding = "json" | "cbor" | "bare";
type Headers = Record<string, string> | ((known: Known) => Record<string, string>);
type Path = string | ((known: Known) => string);

interface Common {
  route: string;
  name: string;
  path: Path;
  headers?: Headers;
  mustNotExist?: Array<[string, string]>;
}
interface Http23Case extends Common {
  kind: "http23";
  method: string;
  body?: string | Uint8Array | ((known: Known) => string);
  /** The encoding the error body comes in (JSON unless the request asked for another). */
  encoding?: Encoding;
  status: number;
  /** `group.code` */
  error: string;
}
interface Ws23Case extends Common {
  kind: "ws23";
  protocols?: string[];
  frames?: Array<string | Uint8Array>;
  afterInit?: boolean;
  /** Close with 1011 and `group.code`, after an error message in `message` when given; or an HTTP answer. */
  expect: { close: string; message?: Encoding } | { status: number; error: string };
}
export type Rivet23Case = Http23Case | Ws23Case;

const NEVER = "hostile-never";
const query = (method: "get" | "getOrCreate", key: string, extra = "") =>
  `rvt-namespace=default&rvt-method=${method}${method === "getOrCreate" ? "&rvt-runner=default" : ""}&rvt-key=${key}${extra}`;
const never = (path: string, extra = "") => `/registry/gateway/counter${path}?${query("getOrCreate", NEVER, extra)}`;
const knownPath = (path: string) => (k: Known) => `/registry/gateway/counter${path}?${query("get", k.known)}`;
const bareBody = (...bytes: number[]) => new Uint8Array([4, 0, ...bytes]);
const bareArgs = (args: unknown[]) => {
  const cbor = cborEncode(args);
  return bareBody(cbor.length, ...cbor);
};
const encodingHeader = (encoding: Encoding) => ({ "X-Rivet-Encoding": encoding });
const protocols = (encoding: string, ...extra: string[]) => ["rivet", `rivet_encoding.${encoding}`, ...extra];
const KIB = 1024;

export const rivet23Cases: Rivet23Case[] = [
  // --- GET /registry/metadata --------------------------------------------------------------
  {
    kind: "http23",
    route: "2.3 metadata",
    name: "another namespace",
    method: "GET",
    path: "/registry/metadata?namespace=prod",
    status: 404,
    error: "actorflare.namespace_not_found",
  },

  // --- GET /registry/actors ----------------------------------------------------------------
  {
    kind: "http23",
    route: "2.3 GET actors",
    name: "neither ids nor a name",
    method: "GET",
    path: "/registry/actors",
    status: 400,
    error: "actorflare.invalid_request",
  },
  {
    kind: "http23",
    route: "2.3 GET actors",
    name: "a listing with a page size of 0",
    method: "GET",
    path: "/registry/actors?name=counter&limit=0",
    status: 400,
    error: "actorflare.invalid_request",
  },
  {
    kind: "http23",
    route: "2.3 GET actors",
    name: "a listing with a cursor this server never gave out",
    method: "GET",
    path: "/registry/actors?name=counter&cursor=W1tdXQ",
    status: 400,
    error: "actorflare.invalid_request",
  },
  {
    kind: "http23",
    route: "2.3 GET actors",
    name: "forty ids",
    method: "GET",
    path: `/registry/actors?actor_ids=${Array.from({ length: 40 }, (_, i) => i.toString(16).padStart(64, "0")).join(",")}`,
    status: 400,
    error: "actorflare.invalid_request",
  },
  {
    kind: "http23",
    route: "2.3 GET actors",
    name: "a key part of 129 characters",
    method: "GET",
    path: `/registry/actors?name=counter&key=${"k".repeat(129)}`,
    status: 400,
    error: "actorflare.invalid_request",
  },
  {
    kind: "http23",
    route: "2.3 GET actors",
    name: "a key of 17 parts",
    method: "GET",
    path: `/registry/actors?name=counter&key=${"k/".repeat(16)}k`,
    status: 400,
    error: "actorflare.invalid_request",
  },
  {
    kind: "http23",
    route: "2.3 GET actors",
    name: "another namespace",
    method: "GET",
    path: "/registry/actors?name=counter&key=k&namespace=prod",
    status: 404,
    error: "actorflare.namespace_not_found",
  },

  // --- PUT /registry/actors (getOrCreate) --------------------------------------------------
  ...(
    [
      ["not JSON", "{name"],
      ["an array", "[]"],
      ["no key", JSON.stringify({ name: "counter" })],
      ["a key of the wrong type", JSON.stringify({ name: "counter", key: 5 })],
      ["a name of the wrong type", JSON.stringify({ name: 5, key: NEVER })],
      ["an empty name", JSON.stringify({ name: "", key: NEVER })],
      ["input that is not base64", JSON.stringify({ name: "counter", key: NEVER, input: "%%%" })],
      ["input that is not CBOR", JSON.stringify({ name: "counter", key: NEVER, input: Buffer.from([0xff, 0xfe]).toString("base64") })],
      ["input of the wrong type", JSON.stringify({ name: "counter", key: NEVER, input: 5 })],
    ] as const
  ).map(
    ([name, body]): Rivet23Case => ({
      kind: "http23",
      route: "2.3 PUT actors",
      name,
      method: "PUT",
      path: "/registry/actors?namespace=default",
      body,
      status: 400,
      error: "actorflare.invalid_request",
    }),
  ),
  {
    kind: "http23",
    route: "2.3 PUT actors",
    name: "an unregistered actor name",
    method: "PUT",
    path: "/registry/actors",
    body: JSON.stringify({ name: "nope", key: NEVER }),
    status: 404,
    error: "actor.not_found",
  },
  {
    kind: "http23",
    route: "2.3 PUT actors",
    name: "a body over a megabyte",
    method: "PUT",
    path: "/registry/actors",
    body: JSON.stringify({ name: "counter", key: NEVER, input: "A".repeat(1100 * KIB) }),
    status: 413,
    error: "message.incoming_too_long",
  },

  // --- POST /registry/actors (create) ------------------------------------------------------
  {
    kind: "http23",
    route: "2.3 POST actors",
    name: "a key in use",
    method: "POST",
    path: "/registry/actors",
    body: (k) => JSON.stringify({ name: "counter", key: k.known }),
    status: 409,
    error: "actor.duplicate_key",
  },
  {
    kind: "http23",
    route: "2.3 POST actors",
    name: "a null key",
    method: "POST",
    path: "/registry/actors",
    body: JSON.stringify({ name: "counter", key: null }),
    status: 400,
    error: "actorflare.invalid_request",
  },

  // --- DELETE /registry/actors/{id} --------------------------------------------------------
  {
    kind: "http23",
    route: "2.3 DELETE actors",
    name: "destroy an id no actor has",
    method: "DELETE",
    path: `/registry/actors/${"0".repeat(64)}`,
    status: 404,
    error: "actor.not_found",
  },
  {
    kind: "http23",
    route: "2.3 DELETE actors",
    name: "destroy something that is not an id",
    method: "DELETE",
    path: "/registry/actors/not-an-id",
    status: 404,
    error: "actor.not_found",
  },

  // --- /registry/gateway/.../action/{name} -------------------------------------------------
  {
    kind: "http23",
    route: "2.3 gateway action",
    name: "no encoding",
    method: "POST",
    path: never("/action/increment"),
    body: bareArgs([1]),
    status: 400,
    error: "encoding.invalid",
  },
  {
    kind: "http23",
    route: "2.3 gateway action",
    name: "an unknown encoding",
    method: "POST",
    path: never("/action/increment"),
    headers: encodingHeader("xml" as Encoding),
    body: "<a/>",
    status: 400,
    error: "encoding.invalid",
  },
  ...(
    [
      ["a BARE length past the end", "bare", bareBody(5, 1)],
      ["a BARE version from the future", "bare", new Uint8Array([9, 0, 1, 0x80])],
      ["a BARE body with bytes left over", "bare", new Uint8Array([...bareArgs([1]), 0])],
      ["BARE arguments that are not an array", "bare", bareArgs({ a: 1 } as unknown as unknown[])],
      ["CBOR that does not decode", "cbor", new Uint8Array([0xff])],
      ["CBOR without args", "cbor", cborEncode({ a: [1] })],
      ["JSON args that are an object", "json", '{"args":{}}'],
      ["JSON with an unknown tag", "json", '{"args":[["$Nope",1]]}'],
    ] as const
  ).map(
    ([name, encoding, body]): Rivet23Case => ({
      kind: "http23",
      route: "2.3 gateway action",
      name,
      method: "POST",
      path: never("/action/increment"),
      headers: encodingHeader(encoding),
      body,
      encoding,
      status: 400,
      error: "actorflare.invalid_action_request",
    }),
  ),
  {
    kind: "http23",
    route: "2.3 gateway action",
    name: "an unknown action",
    method: "POST",
    path: never("/action/toString"),
    headers: encodingHeader("bare"),
    body: bareArgs([]),
    encoding: "bare",
    status: 400,
    error: "actor.action_not_found",
  },
  {
    kind: "http23",
    route: "2.3 gateway action",
    name: "a body over the limit",
    method: "POST",
    path: never("/action/increment"),
    headers: encodingHeader("cbor"),
    body: cborEncode({ args: [new Uint8Array(70 * KIB)] }),
    encoding: "cbor",
    status: 413,
    error: "message.incoming_too_long",
  },
  {
    kind: "http23",
    route: "2.3 gateway action",
    name: "conn params that are not JSON",
    method: "POST",
    path: never("/action/increment"),
    headers: { ...encodingHeader("json"), "X-Rivet-Conn-Params": "{nope" },
    body: '{"args":[1]}',
    status: 400,
    error: "actorflare.invalid_params",
  },
  ...(
    [
      ["rvt-method=create", `/registry/gateway/counter/action/increment?rvt-namespace=default&rvt-method=create&rvt-key=${NEVER}`],
      ["an unknown rvt- parameter", never("/action/increment", "&rvt-color=blue")],
      ["rvt-key twice", never("/action/increment", `&rvt-key=${NEVER}`)],
      ["rvt-input that is not base64url", never("/action/increment", "&rvt-input=***")],
      ["no rvt-namespace", `/registry/gateway/counter/action/increment?rvt-method=get&rvt-key=${NEVER}`],
      ["a malformed percent-escape", never("/action/increment", "&rvt-region=%E0%A4%A")],
      ["a key of 17 parts", `/registry/gateway/counter/action/increment?${query("getOrCreate", `${NEVER},${"k,".repeat(15)}k`)}`],
      ["an empty actor name", `/registry/gateway//action/increment?${query("get", NEVER)}`],
    ] as const
  ).map(
    ([name, path]): Rivet23Case => ({
      kind: "http23",
      route: "2.3 gateway action",
      name,
      method: "POST",
      path,
      headers: encodingHeader("json"),
      body: '{"args":[1]}',
      status: 400,
      error: "actorflare.invalid_request",
    }),
  ),
  {
    kind: "http23",
    route: "2.3 gateway action",
    name: "an rvt-region that is no location hint",
    method: "POST",
    path: never("/action/increment", "&rvt-region=atl"),
    headers: encodingHeader("json"),
    body: '{"args":[1]}',
    status: 400,
    error: "actorflare.invalid_region",
  },
  {
    kind: "http23",
    route: "2.3 gateway action",
    name: "another namespace",
    method: "POST",
    path: `/registry/gateway/counter/action/increment?rvt-namespace=prod&rvt-method=getOrCreate&rvt-key=${NEVER}`,
    headers: encodingHeader("json"),
    body: '{"args":[1]}',
    status: 404,
    error: "actorflare.namespace_not_found",
  },
  {
    kind: "http23",
    route: "2.3 gateway action",
    name: "an id that is not one",
    method: "POST",
    path: "/registry/gateway/not-an-id/action/increment",
    headers: encodingHeader("json"),
    body: '{"args":[1]}',
    status: 404,
    error: "actor.not_found",
  },
  {
    kind: "http23",
    route: "2.3 gateway action",
    name: "an unregistered actor name",
    method: "POST",
    path: `/registry/gateway/nope/action/increment?${query("getOrCreate", NEVER)}`,
    headers: encodingHeader("json"),
    body: '{"args":[1]}',
    status: 404,
    error: "actor.not_found",
  },
  {
    kind: "http23",
    route: "2.3 gateway (other)",
    name: "an action by GET",
    method: "GET",
    path: never("/action/increment"),
    status: 404,
    error: "actorflare.route_not_found",
  },
  {
    kind: "http23",
    route: "2.3 gateway (other)",
    name: "a queue (not supported)",
    method: "POST",
    path: never("/queue/jobs"),
    body: "{}",
    status: 404,
    error: "actorflare.route_not_found",
  },
  {
    kind: "http23",
    route: "2.3 gateway (other)",
    name: "no actor at all",
    method: "GET",
    path: "/registry/gateway",
    status: 404,
    error: "actorflare.route_not_found",
  },

  // --- /registry/gateway/.../request/{path} ------------------------------------------------
  {
    kind: "http23",
    route: "2.3 gateway request",
    name: "an actor without onFetch",
    method: "GET",
    path: (k) => `/registry/gateway/chat/request/hello?${query("get", k.knownChat)}`,
    status: 404,
    error: "actorflare.fetch_handler_not_defined",
  },
  {
    kind: "http23",
    route: "2.3 gateway request",
    name: "an upgrade to a raw HTTP path",
    method: "GET",
    path: never("/request/x"),
    headers: { Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13" },
    status: 400,
    error: "actorflare.invalid_request",
  },
  {
    kind: "http23",
    route: "2.3 gateway request",
    name: "an unknown encoding",
    method: "GET",
    path: never("/request/x"),
    headers: encodingHeader("yaml" as Encoding),
    status: 400,
    error: "encoding.invalid",
  },
  {
    kind: "http23",
    route: "2.3 gateway request",
    name: "a get of a key nobody created",
    method: "GET",
    path: `/registry/gateway/counter/request/?${query("get", NEVER)}`,
    status: 404,
    error: "actor.not_found",
  },

  // --- /registry/gateway/.../connect -------------------------------------------------------
  {
    kind: "http23",
    route: "2.3 gateway connect",
    name: "no upgrade",
    method: "GET",
    path: never("/connect"),
    status: 426,
    error: "actorflare.upgrade_required",
  },
  { kind: "ws23", route: "2.3 gateway connect", name: "no encoding", path: never("/connect"), protocols: ["rivet"], expect: { close: "encoding.invalid" } },
  {
    kind: "ws23",
    route: "2.3 gateway connect",
    name: "an unknown encoding",
    path: never("/connect"),
    protocols: protocols("msgpack"),
    expect: { close: "encoding.invalid" },
  },
  {
    kind: "ws23",
    route: "2.3 gateway connect",
    name: "conn params that are not JSON",
    path: never("/connect"),
    protocols: protocols("bare", "rivet_conn_params.%7Bnope"),
    expect: { close: "actorflare.invalid_params", message: "bare" },
  },
  {
    kind: "ws23",
    route: "2.3 gateway connect",
    name: "an unknown method",
    path: `/registry/gateway/counter/connect?rvt-namespace=default&rvt-method=list`,
    protocols: protocols("json"),
    expect: { close: "actorflare.invalid_request", message: "json" },
  },
  {
    kind: "ws23",
    route: "2.3 gateway connect",
    name: "a get of a key nobody created",
    path: `/registry/gateway/counter/connect?${query("get", NEVER)}`,
    protocols: protocols("cbor"),
    expect: { close: "actor.not_found", message: "cbor" },
  },
  ...(
    [
      ["bare", "a BARE frame with an unknown tag", bareBody(7), "actorflare.malformed_message"],
      ["bare", "a text frame on BARE", "hello", "actorflare.malformed_message"],
      ["json", "a binary frame on JSON", new Uint8Array([0x7b, 0x7d]), "actorflare.malformed_message"],
      ["json", "JSON of the wrong shape", '{"body":{"tag":"ActionRequest","val":{"id":-1}}}', "actorflare.malformed_message"],
      [
        "cbor",
        "a frame over the limit",
        cborEncode({ body: { tag: "ActionRequest", val: { id: 0, name: "increment", args: [new Uint8Array(70 * KIB)] } } }),
        "message.incoming_too_long",
      ],
    ] as const
  ).map(
    ([encoding, name, frame, close]): Rivet23Case => ({
      kind: "ws23",
      route: "2.3 gateway connect",
      name,
      path: knownPath("/connect"),
      protocols: protocols(encoding),
      frames: [frame],
      afterInit: true,
      expect: { close },
    }),
  ),

  // --- /registry/gateway/.../websocket/{path} ----------------------------------------------
  {
    kind: "http23",
    route: "2.3 gateway websocket",
    name: "no upgrade",
    method: "GET",
    path: never("/websocket/x"),
    status: 426,
    error: "actorflare.upgrade_required",
  },
  {
    kind: "ws23",
    route: "2.3 gateway websocket",
    name: "an actor without onWebSocket",
    path: knownPath("/websocket/x"),
    protocols: protocols("bare"),
    expect: { close: "actorflare.websocket_handler_not_defined" },
  },
  {
    kind: "ws23",
    route: "2.3 gateway websocket",
    name: "an unknown encoding",
    path: never("/websocket/"),
    protocols: protocols("xml"),
    expect: { close: "encoding.invalid" },
  },
  {
    kind: "ws23",
    route: "2.3 gateway websocket",
    name: "an unregistered actor name",
    path: `/registry/gateway/nope/websocket/?${query("getOrCreate", NEVER)}`,
    protocols: protocols("bare"),
    expect: { close: "actor.not_found" },
  },
];

// ---------------------------------------------------------------------------------------------
// Reading 2.3 errors
// ---------------------------------------------------------------------------------------------

interface RivetError {
  group: string;
  code: string;
  message: string;
  metadata?: unknown;
}

function readBare(bytes: Uint8Array): { bc: bare.ByteCursor; version: number } {
  const bc = new bare.ByteCursor(bytes, bare.Config({}));
  return { bc, version: bare.readU16(bc) };
}

/** group, code, message, optional CBOR metadata: how both BARE error shapes start. */
function readBareError(bc: bare.ByteCursor): RivetError {
  const error: RivetError = { group: bare.readString(bc), code: bare.readString(bc), message: bare.readString(bc) };
  if (bare.readBool(bc)) error.metadata = cborDecode(new Uint8Array(bare.readData(bc)));
  return error;
}

/** An HTTP error body: JSON by its content type, else in the request's encoding. */
function httpErrorOf(response: { contentType: string; body: Buffer }, encoding: Encoding): RivetError {
  if (response.contentType.includes("application/json")) return JSON.parse(response.body.toString("utf8")) as RivetError;
  if (encoding === "cbor") return cborDecode(response.body) as RivetError;
  const { bc, version } = readBare(new Uint8Array(response.body));
  expect(version).toBe(4);
  const error = readBareError(bc);
  expect(bare.readBool(bc)).toBe(false); // no actor specifier
  return error;
}

/** A connection message's tag and, for an error, the error. */
function messageOf(message: string | Buffer, encoding: Encoding): { tag: string; error?: RivetError } {
  if (typeof message === "string" || encoding !== "bare") {
    const { body } = (typeof message === "string" ? JSON.parse(message) : cborDecode(message)) as {
      body: { tag: string; val: RivetError & { actionId: unknown } };
    };
    if (body.tag !== "Error") return { tag: body.tag };
    const { actionId, ...error } = body.val;
    expect(actionId).toBeNull();
    return { tag: body.tag, error };
  }
  const { bc } = readBare(new Uint8Array(message));
  const tag = ["Init", "Error", "ActionResponse", "Event"][bare.readU8(bc)]!;
  return tag === "Error" ? { tag, error: readBareError(bc) } : { tag };
}

function expectRivetError(error: RivetError, expected: string, tools: Tools): void {
  expect(`${error.group}.${error.code}`).toBe(expected);
  expect(Object.keys(error).every((key) => ["group", "code", "message", "metadata"].includes(key))).toBe(true);
  expect(error.message.length).toBeGreaterThan(5);
  tools.expectNoLeak(JSON.stringify(error));
}

export async function runRivet23(c: Rivet23Case, tools: Tools, known: Known): Promise<void> {
  const path = typeof c.path === "function" ? c.path(known) : c.path;
  const headers = typeof c.headers === "function" ? c.headers(known) : (c.headers ?? {});
  if (c.kind === "http23") {
    const response = await tools.send(c.method, path, headers, typeof c.body === "function" ? c.body(known) : c.body);
    tools.expectNoLeak(response.body.toString("utf8"));
    expect(response.status).toBe(c.status);
    expectRivetError(httpErrorOf(response, c.encoding ?? "json"), c.error, tools);
    return;
  }
  const outcome = await tools.openSocket(path, c.protocols, headers, c.frames ?? [], c.afterInit ?? false);
  if ("status" in c.expect) {
    expect(outcome.kind).toBe("http");
    if (outcome.kind !== "http") return;
    expect(outcome.response.status).toBe(c.expect.status);
    expectRivetError(httpErrorOf(outcome.response, "json"), c.expect.error, tools);
    return;
  }
  expect(outcome.kind).toBe("close");
  if (outcome.kind !== "close") return;
  expect([outcome.code, outcome.reason]).toEqual([1011, c.expect.close]);
  const encoding = (c.protocols?.find((entry) => entry.startsWith("rivet_encoding."))?.slice("rivet_encoding.".length) ?? "json") as Encoding;
  const messages = outcome.messages.map((message) => messageOf(message, encoding));
  const errors = messages.filter((message) => message.error);
  for (const { error } of errors) expectRivetError(error!, c.expect.close, tools);
  if (c.afterInit) expect(messages[0]?.tag).toBe("Init");
  if (c.expect.message) {
    expect(errors).toHaveLength(1);
    expect(typeof outcome.messages[0] === "string" ? "json" : encoding).toBe(c.expect.message);
  } else if (!c.afterInit) expect(messages).toEqual([]);
}
