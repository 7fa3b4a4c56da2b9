import type { ActorInstance } from "../../actor/instance";
import { ActorflareError, errors } from "../../protocol/errors";
import type { MessageCall } from "../../server/contract";
import { sameSecret } from "../../server/secrets";

/**
 * A client→server message for an SSE connection. The connection token is the credential. The
 * message is taken in at once, not when its action finishes: results travel on the stream, and
 * a client that sends one message at a time (to keep their order) is not held up.
 */
export function connectionMessage(instance: ActorInstance, call: MessageCall): void {
  const conn = instance.connections.all.get(call.connectionId);
  // A connection the actor is closing takes no more messages: say so, rather than take one in and drop it.
  if (!conn || conn.leaving) throw errors.connNotFound();
  if (!sameSecret(conn.token, call.token)) throw new ActorflareError("incorrect_conn_token", "The connection token does not match the connection.");
  instance.connections.handle(conn, call.message).catch((error: unknown) => instance.log.error("connection message failed:", error));
}
