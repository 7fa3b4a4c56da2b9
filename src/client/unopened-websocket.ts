import { ActorError, isForeignNotFound } from "./errors";
import { protocolRequest } from "./protocol-request";

/**
 * Why a WebSocket closed before it opened. The W3C interface (browsers, and `ws` on Node) hides
 * the HTTP answer to a refused upgrade, so a wrong endpoint looks like a network failure, which a
 * connection would retry for ever. A plain GET of the same URL asks the route itself: ours answer
 * `upgrade_required` before any other work, so any other error of ours (`route_not_found` for an
 * endpoint with a path it should not have, `endpoint_redirected` for one that redirects) is the
 * reason. The GET carries the socket's query and params as headers, so headers too large for the
 * runtime get its 431 here too; like the client's other requests it follows no redirect and has
 * the actionTimeout as deadline. A 404 that is not ours is the reason too: nothing serves actorflare
 * there. Undefined when the GET finds none: the server is unreachable or slow, the route exists,
 * or the answer is another that is not ours.
 */
export async function refusalBehindClose(fetchFn: typeof fetch, url: string, headers: Headers, timeout: number): Promise<ActorError | undefined> {
  try {
    return await protocolRequest(fetchFn, {
      url,
      init: { headers },
      read: async (response) => void (await response.body?.cancel()),
      timeout,
      what: "The GET behind a closed WebSocket",
    });
  } catch (error) {
    if (!(error instanceof ActorError)) return undefined;
    if (isForeignNotFound(error)) return error;
    return ["upgrade_required", "http_error", "action_timed_out"].includes(error.code) ? undefined : error;
  }
}
