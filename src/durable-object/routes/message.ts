import { ActorflareError } from "../../protocol/errors";
import { HEADER_CONN, HEADER_CONN_TOKEN } from "../../protocol/headers";
import { decodeToServer } from "../../protocol/messages";
import type { RouteContext } from "../route-context";

/**
 * A client→server message for an SSE connection (PROTOCOL.md §5.5). The connection token is
 * the credential; results travel on the SSE stream, so the answer is always JSON `{}`.
 */
export async function connectionMessage({ instance, request, encoding }: RouteContext): Promise<Response> {
  // Read the body first: answering before the Worker finished sending it breaks its stream.
  const body = encoding === "json" ? await request.text() : new Uint8Array(await request.arrayBuffer());
  const conn = instance.connections.all.get(request.headers.get(HEADER_CONN) ?? "");
  if (!conn) throw new ActorflareError("conn_not_found", "No open connection has that id; it may have closed. Reconnect to get a new one.");
  if (!sameSecret(conn.token, request.headers.get(HEADER_CONN_TOKEN) ?? "")) {
    throw new ActorflareError("incorrect_conn_token", "The connection token does not match the connection.");
  }
  let message;
  try {
    message = decodeToServer(encoding, body, instance.options.maxIncomingMessageSize);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ActorflareError(error instanceof ActorflareError && error.code === "message_too_long" ? "message_too_long" : "invalid_request", detail);
  }
  // Answered once the message is taken in, not when its action finishes: the result travels on the
  // stream, and a client that sends one message at a time (to keep their order) is not held up.
  instance.connections.handle(conn, message).catch((error: unknown) => instance.log.error("connection message failed:", error));
  return new Response("{}", { headers: { "content-type": "application/json" } });
}

/** Compares secrets in time independent of where they differ. */
function sameSecret(expected: string, given: string): boolean {
  const a = new TextEncoder().encode(expected);
  const b = new TextEncoder().encode(given);
  return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}
