import { errors, errorToBody } from "../../protocol/errors";
import { closeReasonOn } from "../../protocol/wire";
import { standardSocketResponse } from "../../server/websocket-upgrade";
import { actorRequest } from "../actor-request";
import { answerCloses, closeQuietly } from "../socket-closing";
import type { StreamRequest } from "./stream-context";

/** Raw HTTP: the request, minus internal headers, to onFetch; its Response back as it is. */
export function rawHttp({ instance, request, context }: StreamRequest): Promise<Response> {
  return instance.handleFetch(actorRequest(request), context.auth);
}

/** Raw WebSocket: a standard accepted socket for onWebSocket (it needs a live W3C object). */
export function rawWebSocket({ instance, request, context }: StreamRequest): Response {
  if (!instance.definition.config.onWebSocket) throw errors.webSocketHandlerNotDefined(instance.meta.name);
  const handlerRequest = actorRequest(request);
  return standardSocketResponse(context.protocol, (server) => {
    // Binary frames arrive as ArrayBuffer (as with `binaryType = "arraybuffer"` in browsers), so
    // an echo of `event.data` sends the bytes back rather than "[object Blob]".
    server.binaryType = "arraybuffer";
    const handling = instance.handleWebSocket(server, handlerRequest, context.auth);
    answerCloses(server);
    handling.catch((error: unknown) => {
      instance.log.error("onWebSocket failed:", error);
      closeQuietly(server, 1011, closeReasonOn(context.encoding, errorToBody(error).body));
    });
  });
}
