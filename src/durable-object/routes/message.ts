import type { ActorInstance } from "../../actor/instance";
import { ActorflareError } from "../../protocol/errors";
import type { MessageCall } from "../../server/contract";

/**
 * A client→server message for an SSE connection. The connection token is the credential. The
 * message is taken in at once, not when its action finishes: results travel on the stream, and
 * a client that sends one message at a time (to keep their order) is not held up.
 */
export function connectionMessage(instance: ActorInstance, call: MessageCall): void {
  const conn = instance.connections.all.get(call.connectionId);
  if (!conn) throw new ActorflareError("conn_not_found", "No open connection has that id; it may have closed. Reconnect to get a new one.");
  if (!sameSecret(conn.token, call.token)) throw new ActorflareError("incorrect_conn_token", "The connection token does not match the connection.");
  instance.connections.handle(conn, call.message).catch((error: unknown) => instance.log.error("connection message failed:", error));
}

/** Compares secrets in time independent of where they differ. */
function sameSecret(expected: string, given: string): boolean {
  const a = new TextEncoder().encode(expected);
  const b = new TextEncoder().encode(given);
  return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}
