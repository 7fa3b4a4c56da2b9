import type { ErrorBody } from "../../protocol/errors";
import { isEncoding } from "../../protocol/encoding";
import { parseProtocols, rejectionProtocol } from "../../protocol/subprotocols";
import type { StreamContext } from "../../server/contract";
import { httpError, sseError, webSocketError } from "../../server/error-answers";

/**
 * A streaming request the object refuses (the actor not found, its start failed), answered in
 * the form its route expects: an upgrade closed with the error, an SSE error event, or an HTTP body.
 */
export function streamRefusal(request: Request, context: StreamContext, status: number, body: ErrorBody): Response {
  // Say the body is not wanted, rather than answer while the Worker is still sending it.
  request.body?.cancel().catch(() => {});
  switch (context.route) {
    case "raw-websocket":
      return webSocketError(body, rejectionProtocol(parseProtocols(request.headers.get("sec-websocket-protocol")).offered), context.encoding, false);
    case "connect-websocket":
      // The connection protocol reports the error as a message before the close, so the chosen protocol is echoed.
      return webSocketError(body, context.protocol, context.encoding);
    case "inspector-websocket":
      return webSocketError(body, undefined, undefined, false);
    case "connect-sse":
      return sseError(body, isEncoding(context.encoding) ? context.encoding : undefined);
    default:
      return httpError(status, body, context.encoding);
  }
}
