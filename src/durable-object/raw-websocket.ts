import { HEADER_ACCEPT_PROTOCOL } from "../protocol/internal";

/** The 101 answer that hands `client` to the caller, echoing the protocol the Worker chose. */
export function upgradeResponse(client: WebSocket, request: Request): Response {
  const protocol = request.headers.get(HEADER_ACCEPT_PROTOCOL);
  return new Response(null, {
    status: 101,
    webSocket: client,
    headers: protocol ? { "sec-websocket-protocol": protocol } : undefined,
  });
}

/** Close codes that must not be sent back (they are never sent on the wire). */
const UNECHOABLE_CLOSE_CODES = new Set([1005, 1006, 1015]);

/**
 * Answers the peer's close frame. With the standard `accept()` API on compatibility dates
 * before 2026-04-07 the runtime does not, and the client would sit in CLOSING and then see
 * 1006. Registered after the actor's listeners; a handler that already closed makes this a no-op.
 */
export function answerCloses(socket: WebSocket): void {
  socket.addEventListener("close", (event) => {
    if (UNECHOABLE_CLOSE_CODES.has(event.code)) return;
    try {
      socket.close(event.code, event.reason);
    } catch {
      // Already answered by the actor's own close listener.
    }
  });
}
