import type { Connection, ConnectionTransport } from "../../actor/connection";
import { encode, type Encoding } from "../../protocol/encoding";
import { errorToBody } from "../../protocol/errors";
import { toClient, type ToClient } from "../../protocol/messages";
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

export const sseHeaders = { "content-type": "text/event-stream", "cache-control": "no-cache" };

/** One SSE event with only a `data:` field. */
export function sseEvent(encoding: Encoding, message: ToClient): string {
  const data = encode(encoding, message);
  return `data: ${typeof data === "string" ? data : base64(data)}\n\n`;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
