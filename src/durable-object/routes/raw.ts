import { ActorflareError, errors } from "../../protocol/errors";
import { actorRequest, type RouteContext } from "../route-context";
import { answerCloses, closeQuietly, upgradeResponse } from "../socket-closing";

/** Raw HTTP: the request, minus internal headers, to onFetch; its Response back as it is. */
export function rawHttp({ instance, request, auth }: RouteContext): Promise<Response> {
  return instance.handleFetch(actorRequest(request), auth);
}

/** Raw WebSocket: a standard accepted socket for onWebSocket (it needs a live W3C object). */
export function rawWebSocket({ instance, request, auth }: RouteContext): Response {
  if (!instance.definition.config.onWebSocket) throw errors.webSocketHandlerNotDefined(instance.meta.name);
  const { 0: client, 1: server } = new WebSocketPair();
  server.accept();
  // Binary frames arrive as ArrayBuffer (as with `binaryType = "arraybuffer"` in browsers), so
  // an echo of `event.data` sends the bytes back rather than "[object Blob]".
  server.binaryType = "arraybuffer";
  const handling = instance.handleWebSocket(server, actorRequest(request), auth);
  answerCloses(server);
  handling.catch((error: unknown) => {
    instance.log.error("onWebSocket failed:", error);
    closeQuietly(server, 1011, error instanceof ActorflareError && error.public ? error.code : "internal_error");
  });
  return upgradeResponse(client, request);
}
