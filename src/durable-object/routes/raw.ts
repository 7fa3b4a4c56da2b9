import { errors, errorToBody } from "../../protocol/errors";
import { HEADER_ACTOR_QUERY, HEADER_CONN_PARAMS, HEADER_QUERY } from "../../protocol/headers";
import { HEADER23_CONN_PARAMS } from "../../protocol/rivet23/headers";
import { closeReasonOn } from "../../protocol/wire";
import { headAnswer } from "../../server/head-answer";
import { standardSocketResponse } from "../../server/websocket-upgrade";
import { actorRequest } from "../actor-request";
import { answerCloses, closeQuietly } from "../socket-closing";
import type { StreamRequest } from "./stream-context";

/**
 * The request headers that say which actor answers, and with which conn params. Every actor of a
 * name shares the raw route's URLs (the key travels in a header), so an answer a cache may keep
 * (`Cache-Control: max-age`, say) must vary by them, or a browser hands one actor's answer to a
 * request for another.
 */
const VARY_BY_ACTOR = [HEADER_QUERY, HEADER_ACTOR_QUERY, HEADER_CONN_PARAMS, HEADER23_CONN_PARAMS].join(", ");

/** Raw HTTP: the request, minus internal headers, to onFetch; its Response back, varying by the actor. */
export async function rawHttp({ instance, request, context }: StreamRequest): Promise<Response> {
  const response = varyByActor(await instance.handleFetch(actorRequest(request), context.auth));
  return request.method === "HEAD" ? headAnswer(response) : response;
}

function varyByActor(response: Response): Response {
  try {
    response.headers.append("vary", VARY_BY_ACTOR);
    return response;
  } catch {
    // Its headers are immutable (a fetch() answer, Response.redirect()): a copy has its own.
    const copy = new Response(response.body, response);
    copy.headers.append("vary", VARY_BY_ACTOR);
    return copy;
  }
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
