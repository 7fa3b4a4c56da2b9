import { actorRequest } from "../actor-request";
import type { StreamRequest } from "./stream-context";

/**
 * A connection over WebSocket, accepted with the Hibernation API: the socket stays open while
 * the actor is out of memory (see hibernatable-sockets.ts). A connection the hooks refuse
 * throws, and the object answers with a socket closed with the error.
 */
export function connectWebSocket({ instance, sockets, request, context }: StreamRequest): Promise<Response> {
  const { encoding, params, auth, subscriptions } = context;
  return sockets.open(instance, { request: actorRequest(request, { body: false }), encoding, params, auth, subscriptions }, context.protocol);
}
