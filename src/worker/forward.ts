import type { Encoding } from "../protocol/encoding";
import { errors } from "../protocol/errors";
import { HEADER_AUTH_DATA } from "../protocol/headers";
import {
  encodeHeaderJson,
  HEADER_ACCEPT_PROTOCOL,
  HEADER_ACTION,
  HEADER_ERROR_ENCODING,
  HEADER_INTERNAL_CONN_PARAMS,
  HEADER_ROUTE,
  HEADER_TARGET,
  stripInternalHeaders,
  type InternalRoute,
} from "../protocol/internal";
import type { LocatedActor } from "./locate";

export interface ForwardOptions {
  route: InternalRoute;
  encoding: Encoding;
  /** onAuth's value; `undefined` sends none (also for the server-side client, which skips onAuth). */
  auth: unknown;
  /** The URL the actor sees (`http://actor/{path}?{query}`). */
  url: string;
  /** The subprotocol to echo on a WebSocket upgrade. */
  acceptProtocol?: string;
  /** Parsed conn params, for the connection hooks. */
  params?: unknown;
  /** The action an HTTP action request calls. */
  action?: string;
  /**
   * A protocol body the Worker already read (within its limit), for action and message routes:
   * such a request can be retried, and an early error answer never cuts a stream.
   */
  body?: Uint8Array<ArrayBuffer>;
}

/**
 * Hands a request to the actor's Durable Object. Client-sent internal headers are dropped
 * here, on every route, and only then are the Worker's own set: auth cannot be spoofed.
 */
export async function forwardToActor(located: LocatedActor, request: Request, options: ForwardOptions): Promise<Response> {
  const headers = new Headers(request.headers);
  stripInternalHeaders(headers);
  headers.set(HEADER_ROUTE, options.route);
  headers.set(HEADER_TARGET, encodeHeaderJson(located.target));
  headers.set(HEADER_ERROR_ENCODING, options.encoding);
  if (options.auth !== undefined) headers.set(HEADER_AUTH_DATA, encodeHeaderJson(options.auth));
  if (options.acceptProtocol !== undefined) headers.set(HEADER_ACCEPT_PROTOCOL, options.acceptProtocol);
  if (options.params !== undefined) headers.set(HEADER_INTERNAL_CONN_PARAMS, encodeHeaderJson(options.params));
  if (options.action !== undefined) headers.set(HEADER_ACTION, encodeURIComponent(options.action));
  // Raw HTTP bodies stream through untouched (they may be large or endless); other routes carry none.
  const body = options.route === "raw-http" ? request.body : (options.body ?? null);
  // The client's abort travels on to the object (with `request_signal_passthrough`): onFetch and SSE streams see it.
  const init: RequestInit = { method: request.method, headers, body, redirect: "manual", signal: request.signal };
  // A fresh Request per attempt; a streamed body cannot be replayed, so that request is tried once.
  return await callWithRetry(() => located.stub.fetch(new Request(options.url, init)), !(body instanceof ReadableStream));
}

const MAX_ATTEMPTS = 3;
const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 800;

interface DurableObjectError {
  retryable?: boolean;
  overloaded?: boolean;
}

/**
 * Retries a Durable Object call only when the runtime marks the error retryable and not
 * overloaded (PLATFORM.md §2), with full-jitter exponential backoff. A request whose body was
 * already streamed cannot be replayed, so it is tried once.
 */
async function callWithRetry(call: () => Promise<Response>, replayable: boolean): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const { retryable, overloaded } = (error ?? {}) as DurableObjectError;
      if (overloaded) throw errors.actorOverloaded();
      if (!retryable || !replayable || attempt >= MAX_ATTEMPTS) {
        throw errors.proxyError(error instanceof Error ? error.message : String(error));
      }
      const cap = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * cap));
    }
  }
}
