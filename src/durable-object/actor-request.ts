import { ACTOR_ORIGIN, stripInternalHeaders, type RequestHead } from "../server/contract";

/**
 * The request as the actor sees it: the Worker's request with its URL, method, body and signal,
 * without internal headers. Connection hooks get it without the body, which the route read.
 */
export function actorRequest(request: Request, options: { body: boolean } = { body: true }): Request {
  // A GET or HEAD may arrive with a body (HTTP allows it; its Content-Length makes one here too),
  // but a Request may not be made with one.
  const bodyless = !options.body || request.method === "GET" || request.method === "HEAD";
  const clean = new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: bodyless ? null : request.body,
    redirect: "manual",
    signal: request.signal,
  });
  stripInternalHeaders(clean.headers);
  return clean;
}

/** The connection hooks' `{ request }` for an RPC call: built from its head only if a hook reads it. */
export function lazyRequest(head: RequestHead | undefined): () => Request | undefined {
  let built: Request | undefined;
  return () => {
    if (!head) return undefined;
    if (!built) {
      built = new Request(head.url || `${ACTOR_ORIGIN}/`, { method: head.method, headers: head.headers });
      stripInternalHeaders(built.headers);
    }
    return built;
  };
}
