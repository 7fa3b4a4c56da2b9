import { encodeContext, HEADER_CONTEXT, stripInternalHeaders, type StreamContext } from "../server/contract";
import { fetchActor } from "./call";
import type { LocatedActor } from "./locate";

/**
 * Hands a streaming request (raw HTTP, a WebSocket upgrade, an SSE stream) to the actor's object
 * with the Worker's decisions in one header. Client-sent internal headers are deleted first, on
 * every route, and only then is the context set: a client can neither forge nor read it.
 */
export function streamToActor(located: LocatedActor, request: Request, url: string, context: Omit<StreamContext, "target">): Promise<Response> {
  const contextHeader = encodeContext({ ...context, target: located.target });
  // Raw HTTP bodies stream through untouched (they may be large or endless); other routes carry
  // none, nor does a GET or HEAD, which a Request may not be made with (a client may send one).
  const bodyless = context.route !== "raw-http" || request.method === "GET" || request.method === "HEAD";
  const body = bodyless ? null : request.body;
  // The client's abort travels on to the object (with `request_signal_passthrough`): onFetch and SSE streams see it.
  const init: RequestInit = { method: request.method, headers: request.headers, body, redirect: "manual", signal: request.signal };
  return fetchActor(located, () => forwardedRequest(url, init, contextHeader), body === null);
}

/** A new Request has headers of its own, changed here without touching the client's. */
function forwardedRequest(url: string, init: RequestInit, contextHeader: string): Request {
  const next = new Request(url, init);
  stripInternalHeaders(next.headers);
  next.headers.set(HEADER_CONTEXT, contextHeader);
  return next;
}
