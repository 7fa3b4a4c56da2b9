import { ActorflareError, errors } from "../../protocol/errors";
import { HEADER_ACCEPT_PROTOCOL } from "../../protocol/internal";
import { standardSocketResponse } from "../../protocol/websocket-upgrade";
import { actorRequest, type RouteContext } from "../route-context";
import { answerCloses, closeQuietly } from "../socket-closing";

/** Raw HTTP: the request, minus internal headers, to onFetch; its Response back as it is. */
export function rawHttp({ instance, request, auth }: RouteContext): Promise<Response> {
  return instance.handleFetch(actorRequest(request), auth);
}

/** Raw WebSocket: a standard accepted socket for onWebSocket (it needs a live W3C object). */
export function rawWebSocket({ instance, request, auth }: RouteContext): Response {
  if (!instance.definition.config.onWebSocket) throw errors.webSocketHandlerNotDefined(instance.meta.name);
  const handlerRequest = actorRequest(request);
  return standardSocketResponse(request.headers.get(HEADER_ACCEPT_PROTOCOL), (server) => {
    // Binary frames arrive as ArrayBuffer (as with `binaryType = "arraybuffer"` in browsers), so
    // an echo of `event.data` sends the bytes back rather than "[object Blob]".
    server.binaryType = "arraybuffer";
    const handling = instance.handleWebSocket(server, handlerRequest, auth);
    answerCloses(server);
    handling.catch((error: unknown) => {
      instance.log.error("onWebSocket failed:", error);
      closeQuietly(server, 1011, error instanceof ActorflareError && error.public ? error.code : "internal_error");
    });
  });
}
