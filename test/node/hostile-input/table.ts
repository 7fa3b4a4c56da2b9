import { encode as cborEncode } from "cbor-x";

// The hostile-input table's case types and the constants its rows share. The rows are in the
// files beside this one, one per route group; hostile-input.test.ts runs them in that order.

/** A key no request may create, for every actor name. */
export const NEVER = "hostile-never";
/** A counter created before the table runs; its count must stay KNOWN_COUNT. */
export const KNOWN = "hostile-known";
export const KNOWN_COUNT = 7;
/** A chat (no onFetch), for fetch_handler_not_defined. */
export const KNOWN_CHAT = "hostile-chat";
export const ACTOR_NAMES = ["myActor", "httpActor", "counter", "websocketActor", "chat"] as const;

/** What the cases need from the running server: the known counter's id and an open SSE connection on it. */
export interface Context {
  knownId: string;
  conn: { ai: string; ci: string; ct: string };
}

export const json = (value: unknown) => JSON.stringify(value);
export const jsonHeaders = { "X-RivetKit-Encoding": "json", "Content-Type": "application/json" };

export type Headers = Record<string, string> | ((c: Context) => Record<string, string>);
type Body = string | Uint8Array | ((c: Context) => string | Uint8Array);

interface Common {
  route: string;
  name: string;
  /** Actors (name, key) this case must not create, besides the sentinels. */
  mustNotExist?: Array<[string, string]>;
}
export interface HttpCase extends Common {
  kind: "http";
  method: string;
  path: string;
  headers?: Headers;
  body?: Body;
  status: number;
  code: string;
}
export interface WsCase extends Common {
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
export interface SseCase extends Common {
  kind: "sse";
  /** The route's path and a query string; `/registry/actors/connect/sse` when absent. */
  path?: string;
  headers: Headers;
  code: string;
  /** How the error event is encoded: a `data:` line (json / base64 cbor) or `event: error`. */
  format: "json" | "cbor" | "event";
}
export type Case = HttpCase | WsCase | SseCase;

export const q = {
  never: (name = "counter") => json({ getOrCreateForKey: { name, key: [NEVER] } }),
  neverGet: (name = "counter") => json({ getForKey: { name, key: [NEVER] } }),
  known: json({ getForKey: { name: "counter", key: [KNOWN] } }),
  knownChat: json({ getForKey: { name: "chat", key: [KNOWN_CHAT] } }),
};
export const proto = {
  query: (query: string) => `query.${encodeURIComponent(query)}`,
  params: (params: string) => `conn_params.${encodeURIComponent(params)}`,
};
export const KIB = 1024;
export const badJson = '{"getOrCreateForKey":{"name":"counter","key":["hostile-never"]';
export const deepNever = `{"getForKey":{"name":"counter","key":["${NEVER}"]},"x":${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
export const bigInvalidParams = `{${"a".repeat(40 * KIB)}`;
export const bigValidParams = json({ blob: "b".repeat(40 * KIB) });
export const cborAction = cborEncode({ a: [1] });
export const truncatedCborAction = cborAction.subarray(0, cborAction.length - 1);
const cborMessage = cborEncode({ b: { ar: { i: 0, n: "increment", a: [1] } } });
export const truncatedCborMessage = cborMessage.subarray(0, cborMessage.length - 3);
export const oversizedText = json({ b: { ar: { i: 0, n: "increment", a: ["x".repeat(70 * KIB)] } } });
export const oversizedCbor = cborEncode({ b: { ar: { i: 0, n: "increment", a: [new Uint8Array(70 * KIB)] } } });
export const messageHeaders =
  (extra: Record<string, string> = {}) =>
  (c: Context) => ({
    "X-RivetKit-Encoding": "json",
    "X-RivetKit-Actor": c.knownId,
    "X-RivetKit-Conn": c.conn.ci,
    "X-RivetKit-Conn-Token": c.conn.ct,
    ...extra,
  });
/** Every internal header a client might try to forge, with values that would matter if obeyed. */
export const forgedInternal = {
  "X-RivetKit-Auth-Data": encodeURIComponent(json({ admin: true })),
  "X-RivetKit-Expose-Internal-Error": "true",
  // The one header the Worker tells the object its decisions in (route, target, auth, params).
  "X-Actorflare-Context": encodeURIComponent(
    json({ route: "raw-http", target: { kind: "getOrCreate", key: [NEVER] }, encoding: "cbor", auth: { admin: true } }),
  ),
};
