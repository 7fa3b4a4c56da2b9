import { encode as cborEncode } from "cbor-x";
import { NEVER } from "./table";

// The 2.3 wire's rows of the hostile-input table (rivet23-actors.ts, rivet23-gateway.ts; run by
// rivet23-run.ts with the rest in hostile-input.test.ts): malformed requests to the actor API,
// the metadata and the gateway (docs/protocol.md §12); here, their types and shared builders. Each
// must get a 4xx with RivetKit's error shape `{ group, code, message, metadata? }` in the
// request's encoding (WebSockets: a 101 closed with 1011 and `group.code`, after an error message
// when the encoding is known), never a 5xx, never a leak.

/** Known actors and the sentinel key, from the table's setup. */
export interface Known {
  never: string;
  known: string;
  knownChat: string;
  knownId: () => string;
}

export type Encoding = "json" | "cbor" | "bare";
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

export const query = (method: "get" | "getOrCreate", key: string, extra = "") =>
  `rvt-namespace=default&rvt-method=${method}${method === "getOrCreate" ? "&rvt-runner=default" : ""}&rvt-key=${key}${extra}`;
export const never = (path: string, extra = "") => `/registry/gateway/counter${path}?${query("getOrCreate", NEVER, extra)}`;
export const knownPath = (path: string) => (k: Known) => `/registry/gateway/counter${path}?${query("get", k.known)}`;
export const bareBody = (...bytes: number[]) => new Uint8Array([4, 0, ...bytes]);
export const bareArgs = (args: unknown[]) => {
  const cbor = cborEncode(args);
  return bareBody(cbor.length, ...cbor);
};
export const encodingHeader = (encoding: Encoding) => ({ "X-Rivet-Encoding": encoding });
export const protocols = (encoding: string, ...extra: string[]) => ["rivet", `rivet_encoding.${encoding}`, ...extra];
