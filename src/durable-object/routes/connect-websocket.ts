import { HEADER_ACCEPT_PROTOCOL } from "../../protocol/internal";
import { upgradeResponse } from "../../protocol/websocket-upgrade";
import { actorRequest, type RouteContext } from "../route-context";

/**
 * A connection over WebSocket (PROTOCOL.md §5.3), accepted with the Hibernation API: the
 * socket stays open while the actor is out of memory (see hibernatable-sockets.ts).
 */
export function connectWebSocket({ instance, sockets, request, encoding, auth, params }: RouteContext): Response {
  const { 0: client, 1: socket } = new WebSocketPair();
  sockets.accept(instance, socket, { request: actorRequest(request), encoding, params, auth });
  return upgradeResponse(client, request.headers.get(HEADER_ACCEPT_PROTOCOL));
}
