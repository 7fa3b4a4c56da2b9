/** Closes a socket that may already be closed. */
export function closeQuietly(socket: WebSocket, code: number, reason: string): void {
  try {
    socket.close(code, reason);
  } catch {
    // Already closed.
  }
}

/** A close the peer started: its code and reason, and whether a close frame came at all. */
export interface PeerClose {
  code: number;
  reason: string;
  /** False when the connection ended without a close frame (code 1006): there is nothing to answer. */
  wasClean: boolean;
}

/**
 * Answers the peer's close frame at once: neither the Hibernation API nor, on compatibility
 * dates before 2026-04-07, the standard `accept()` API does it, and an unanswered client sits
 * in CLOSING until it gives up (10 to 30 s) and then reports 1006.
 *
 * The code and reason are echoed. A close frame without a code (what browsers send for a plain
 * `close()`, seen here as 1005) is answered with one without a code, `close()` with no
 * arguments; so is a code that may be received but not sent (1004, 1015, outside 1000–4999).
 * A socket that already sent its close frame ignores the call.
 */
export function answerClose(socket: WebSocket, { code, reason, wasClean }: PeerClose): void {
  if (!wasClean) return;
  try {
    if (code === 1005) socket.close();
    else socket.close(code, reason);
  } catch {
    try {
      socket.close();
    } catch {
      // The socket failed meanwhile; there is nobody left to answer.
    }
  }
}

/** For standard sockets: answer closes after the actor's own listeners (a handler that already closed makes it a no-op). */
export function answerCloses(socket: WebSocket): void {
  socket.addEventListener("close", (event) => answerClose(socket, event));
}
