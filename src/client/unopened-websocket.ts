import { type ActorError, errorFromResponse } from "./errors";

/**
 * Why a WebSocket closed before it opened. The W3C interface (browsers, and `ws` on Node) hides
 * the HTTP answer to a refused upgrade, so a wrong endpoint looks like a network failure, which a
 * connection would retry for ever. A plain GET of the same URL asks the route itself: ours answer
 * `upgrade_required` before any other work, so any other error of ours (`route_not_found` for an
 * endpoint with a path it should not have) is the reason. The GET carries the socket's query and
 * params as headers, so headers too large for the runtime get its 431 here too. Undefined when the GET finds none: the
 * server is unreachable, the route exists, or the answer is not ours.
 */
export async function refusalBehindClose(fetchFn: typeof fetch, url: string, headers: Headers): Promise<ActorError | undefined> {
  let response: Response;
  try {
    response = await fetchFn(url, { headers });
  } catch {
    return undefined;
  }
  if (response.ok) {
    await response.body?.cancel();
    return undefined;
  }
  const error = await errorFromResponse(response);
  return error.code === "upgrade_required" || error.code === "http_error" ? undefined : error;
}
