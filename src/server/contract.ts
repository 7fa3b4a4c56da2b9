import type { EncodedAnswer } from "../protocol/action-answer";
import type { ErrorBody } from "../protocol/errors";
import { HEADER_AUTH_DATA, HEADER_EXPOSE_INTERNAL_ERROR } from "../protocol/headers";
import type { InspectorOp } from "../protocol/inspector";
import { isEventNames, type ToServer } from "../protocol/messages";
import { isWire, type Wire } from "../protocol/wire";

/**
 * The contract between the front Worker (and the server-side client) and an actor's Durable
 * Object. What returns a value is a JS RPC method of the object (`ActorObjectRpc`); what streams
 * (raw HTTP, WebSocket upgrades, SSE) goes through `fetch`, with everything the Worker decided
 * in one header (`StreamContext`). docs/architecture.md describes both.
 */

/** How the object must treat a missing or existing actor. */
export type ActorTarget = ({ kind: "get" } | { kind: "getOrCreate"; key: string[]; input?: unknown } | { kind: "create"; key: string[]; input?: unknown }) & {
  /** The actor name the Worker addressed: the object checks it is its own, or a binding leads to another actor's class. */
  actor?: string;
};

/**
 * What an RPC method answers. An exception crossing RPC keeps only its message, so errors
 * travel as values: the public code, message, metadata and status of protocol/errors.ts.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; status: number; error: ErrorBody };

/** The request a call came with, for the connection hooks (`{ request }`); rebuilt only if a hook reads it. */
export interface RequestHead {
  url: string;
  method: string;
  headers: [string, string][];
}

/** An action over HTTP: it runs on a short-lived connection with these params and auth. */
export interface ActionCall {
  target: ActorTarget;
  name: string;
  args: unknown[];
  /** Conn params (`null` when the client sent none). */
  params: unknown;
  /** onAuth's value; undefined for the server-side client. */
  auth: unknown;
  request: RequestHead | undefined;
  /**
   * The wire the object encodes the answer in (protocol/action-answer.ts): the request's on the
   * routes, CBOR for the server's own clients, which decode it (CBOR keeps a Date, a Map, a bigint).
   */
  encoding: Wire;
}

/** A message for an SSE connection; the token proves it is the connection's own client. */
export interface MessageCall {
  connectionId: string;
  token: string;
  message: ToServer;
}

/** What the actor API of the 2.3 wire says about an actor (docs/protocol.md §12.2). */
export interface ActorDescription {
  id: string;
  name: string;
  key: string[];
  /** When it was created, in ms since the epoch. */
  createdAt: number;
  /** Whether this call created it. */
  created: boolean;
}

/** The RPC methods every actor's Durable Object has. */
export interface ActorObjectRpc {
  /** The actor's id, creating the actor first when the target allows it. */
  resolve(target: ActorTarget): Promise<Outcome<string>>;
  /** The actor's id, name, key and creation time, creating it first when the target allows; a `get` does not wake it. */
  describe(target: ActorTarget): Promise<Outcome<ActorDescription>>;
  action(call: ActionCall): Promise<Outcome<EncodedAnswer>>;
  message(call: MessageCall): Promise<Outcome<null>>;
  /** The inspector's requests (reached only through the inspector's routes, which check its token): never creates an actor. */
  inspect(request: InspectorOp): Promise<Outcome<unknown>>;
  /** Destroys the actor (its hooks run, its connections close, its storage is deleted); `actor_not_found` if there is none. */
  destroy(): Promise<Outcome<null>>;
}

const STREAM_ROUTES = ["raw-http", "raw-websocket", "connect-websocket", "connect-sse", "inspector-websocket"] as const;
export type StreamRoute = (typeof STREAM_ROUTES)[number];

/** What a streaming request carries besides itself: the route, the target and what the Worker decided. */
export interface StreamContext {
  route: StreamRoute;
  target: ActorTarget;
  /** The wire of protocol messages and error answers: actorflare's own or RivetKit 2.3's. */
  encoding: Wire;
  /** onAuth's value; absent for the server-side client or when onAuth returned nothing. */
  auth?: unknown;
  /** Conn params, for connections; absent when none were sent. */
  params?: unknown;
  /** The events a connection subscribes to before its init goes out; absent when none. */
  subscriptions?: string[];
  /** The subprotocol to answer a WebSocket upgrade with. */
  protocol?: string;
}

/** The one header a streaming request carries the context in; only the Worker sets it. */
export const HEADER_CONTEXT = "x-actorflare-context";

/**
 * Headers no client may send to an actor: RivetKit's internal ones (actorflare never honours
 * them) and actorflare's own. The Worker deletes them before it sets the context, and the object
 * deletes them again before a handler sees the request.
 */
const INTERNAL_HEADERS = [HEADER_AUTH_DATA, HEADER_EXPOSE_INTERNAL_ERROR, HEADER_CONTEXT];

/** Deletes every internal header, in place (a fixed list: no walk over the request's headers). */
export function stripInternalHeaders(headers: Headers): void {
  for (const name of INTERNAL_HEADERS) headers.delete(name);
}

/** Host of the requests handed to onFetch / onWebSocket: only their path and query mean something. */
export const ACTOR_ORIGIN = "http://actor";

/**
 * The context as a header value. Header values are ASCII: JSON that is (the usual case) goes as it
 * is; JSON with other characters (in a key, input or auth data) goes percent-encoded, which can
 * never start with `{`.
 */
export function encodeContext(context: StreamContext): string {
  const json = JSON.stringify(context);
  return /^[\x20-\x7e]*$/.test(json) ? json : encodeURIComponent(json);
}

/** The context of a request from the Worker, or undefined for any other request. */
export function decodeContext(header: string | null): StreamContext | undefined {
  if (header === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(header.startsWith("{") ? header : decodeURIComponent(header));
  } catch {
    return undefined;
  }
  const context = value as Partial<StreamContext> | null;
  if (typeof context !== "object" || context === null || !(STREAM_ROUTES as readonly string[]).includes(context.route ?? "")) return undefined;
  if (!isWire(context.encoding)) return undefined;
  if (typeof context.target !== "object" || context.target === null || !["get", "getOrCreate", "create"].includes(context.target.kind)) return undefined;
  if (context.subscriptions !== undefined && !isEventNames(context.subscriptions)) return undefined;
  return context as StreamContext;
}

/** The request head of a request, for `ActionCall.request`. */
export function requestHead(request: Request): RequestHead {
  const headers: [string, string][] = [];
  for (const entry of request.headers) headers.push(entry);
  return { url: request.url, method: request.method, headers };
}
