import type { Connection, ConnectionTransport } from "../../actor/connection";
import { isEncoding } from "../../protocol/encoding";
import { errors } from "../../protocol/errors";
import { publicError } from "../../server/error-answers";
import { toClient } from "../../protocol/messages";
import { sseEvent, sseHeaders } from "../../protocol/sse";
import { actorRequest } from "../actor-request";
import { SseWriter, STALLED_STREAM_MS } from "../sse-writer";
import type { StreamRequest } from "./stream-context";

/**
 * A connection over Server-Sent Events: each server→client message is one `data:` event (JSON
 * text, or base64 CBOR). Client→server messages come as message POSTs (the object's `message`
 * method). The connection ends when the client drops the stream.
 */
export function connectSse({ instance, request, context }: StreamRequest): Response {
  const { encoding, auth, params, subscriptions } = context;
  if (!isEncoding(encoding)) throw errors.invalidRequest("SSE connections speak actorflare's own wire: encoding json or cbor.");
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const stream = new SseWriter(writable, () => end());
  let conn: Connection | undefined;
  let ended = false;
  const end = (stalled = false) => {
    if (ended) return;
    ended = true;
    if (conn) void instance.connections.close(conn);
    if (stalled) stream.abort();
    else stream.close();
  };
  const transport: ConnectionTransport = {
    encoding,
    kind: "sse",
    send: (message) => {
      if (!ended) stream.write(sseEvent(encoding, message));
    },
    close: () => end(),
  };
  // The client aborting the request cancels the stream; that ends the connection.
  stream.closed.then(
    () => end(),
    () => end(),
  );
  // Where the runtime passes the client's abort through (compatibility flags
  // `enable_request_signal` and `request_signal_passthrough`), it is noticed at once.
  request.signal?.addEventListener("abort", () => end());
  // Otherwise a client that went away is not reported until a write fails, so a comment line
  // goes out several times a second: one to a stream the client dropped fails within one or
  // two. A stream whose writes only wait, none taken, is gone too (SseWriter says why).
  const ping = setInterval(() => {
    if (ended) return clearInterval(ping);
    if (stream.stalled(STALLED_STREAM_MS)) return end(true);
    stream.write(": ping\n\n");
  }, instance.options.sseKeepAlive);

  void (async () => {
    try {
      const hookRequest = actorRequest(request, { body: false });
      conn = await instance.connections.open(transport, { request: () => hookRequest, params: params ?? null, auth, subscriptions });
    } catch (error) {
      const { body } = publicError(error, instance.log.error, "connection");
      transport.send(toClient.error(body));
      end();
      return;
    }
    if (ended) void instance.connections.close(conn);
  })();

  return new Response(readable, { headers: sseHeaders });
}
