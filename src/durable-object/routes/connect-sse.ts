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
  // A client that vanished is not always reported: a comment line every few seconds finds out,
  // because writing to a stream nobody reads any more fails.
  const ping = setInterval(() => {
    if (ended) return clearInterval(ping);
    writer.write(encoder.encode(": ping\n\n")).catch(end);
  }, instance.definition.config.options?.sseKeepAlive ?? DEFAULT_SSE_KEEP_ALIVE_MS);

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

const DEFAULT_SSE_KEEP_ALIVE_MS = 5_000;
