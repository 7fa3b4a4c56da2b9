import { HEADER_ACCEPT_PROTOCOL } from "../../protocol/internal";
import { actorRequest, type RouteContext } from "../route-context";

/**
 * A connection over WebSocket (PROTOCOL.md §5.3), accepted with the Hibernation API: the
 * socket stays open while the actor is out of memory (see hibernatable-sockets.ts). A connection
 * the hooks refuse throws, and the object answers with a socket closed with the error.
 */
export function connectWebSocket({ instance, sockets, request, encoding, auth, params }: RouteContext): Promise<Response> {
  return sockets.open(instance, { request: actorRequest(request), encoding, params, auth }, request.headers.get(HEADER_ACCEPT_PROTOCOL));
}
