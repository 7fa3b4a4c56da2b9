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

/** Closes a socket that may already be closed. */
export function closeQuietly(socket: WebSocket, code: number, reason: string): void {
  try {
    socket.close(code, reason);
  } catch {
    // Already closed.
  }
}

/** Close codes that must not be sent back (they are never sent on the wire). */
const UNECHOABLE_CLOSE_CODES = new Set([1005, 1006, 1015]);

/**
 * Answers the peer's close frame with the same code. Neither the Hibernation API nor, on
 * compatibility dates before 2026-04-07, the standard `accept()` API does it, and a client
 * would sit in CLOSING and then see 1006.
 */
export function answerClose(socket: WebSocket, code: number, reason: string): void {
  if (!UNECHOABLE_CLOSE_CODES.has(code)) closeQuietly(socket, code, reason);
}

/** For standard sockets: answer closes, after the actor's own listeners (a handler that already closed makes it a no-op). */
export function answerCloses(socket: WebSocket): void {
  socket.addEventListener("close", (event) => answerClose(socket, event.code, event.reason));
}
