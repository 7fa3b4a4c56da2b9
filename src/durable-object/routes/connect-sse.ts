import type { Connection, ConnectionTransport } from "../../actor/connection";
import { errorToBody } from "../../protocol/errors";
import { toClient } from "../../protocol/messages";
import { sseEvent, sseHeaders } from "../../protocol/sse";
import { actorRequest, type RouteContext } from "../route-context";

/**
 * A connection over Server-Sent Events (PROTOCOL.md §5.4): each server→client message is one
 * `data:` event (JSON text, or base64 CBOR). Client→server messages come as message POSTs.
 * The connection ends when the client drops the stream.
 */
export function connectSse({ instance, request, encoding, auth, params }: RouteContext): Response {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  let conn: Connection | undefined;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    if (conn) void instance.connections.close(conn);
    writer.close().catch(() => {});
  };
  const transport: ConnectionTransport = {
    encoding,
    send: (message) => {
      if (!ended) writer.write(encoder.encode(sseEvent(encoding, message))).catch(end);
    },
    close: end,
  };
  // The client aborting the request cancels the stream; that ends the connection.
  writer.closed.then(end, end);
  // Where the runtime passes the client's abort through (compatibility flags
  // `enable_request_signal` and `request_signal_passthrough`), it is noticed at once.
  request.signal?.addEventListener("abort", end);
  // Otherwise a client that went away is not reported until a write fails, so a comment line
  // goes out several times a second: writing to a stream nobody reads fails within one or two.
  const ping = setInterval(() => {
    if (ended) return clearInterval(ping);
    writer.write(encoder.encode(": ping\n\n")).catch(end);
  }, instance.options.sseKeepAlive);

  void (async () => {
    try {
      conn = await instance.connections.open(transport, { request: actorRequest(request), params: params ?? null, auth });
    } catch (error) {
      const { status, body } = errorToBody(error);
      if (status === 500) instance.log.error("connection refused by an error:", error);
      transport.send(toClient.error(body));
      end();
      return;
    }
    if (ended) return void instance.connections.close(conn);
    conn.deliver(toClient.init(instance.actorId, conn.id, conn.token));
  })();

  return new Response(readable, { headers: sseHeaders });
}
