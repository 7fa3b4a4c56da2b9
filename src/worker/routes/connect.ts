import { isEncoding, parseEncoding } from "../../protocol/encoding";
import { ActorflareError, errors } from "../../protocol/errors";
import { HEADER_ACTOR, HEADER_CONN, HEADER_CONN_TOKEN, HEADER_ENCODING } from "../../protocol/headers";
import { decodeToServer, type ToServer } from "../../protocol/messages";
import { acceptedProtocol, parseProtocols } from "../../protocol/subprotocols";
import { optionsOf } from "../../actor/options";
import { ACTOR_ORIGIN } from "../../server/contract";
import { httpError, publicError, sseError, webSocketError } from "../../server/error-answers";
import { readHttpActorRequest, readSubscriptions, readWebSocketActorRequest } from "../actor-request";
import { authorize } from "../auth";
import { readBodyWithin } from "../body";
import { callActor } from "../call";
import { locateActor } from "../locate";
import { workerLog } from "../log";
import { streamToActor } from "../stream";
import type { RouteHandler } from "./types";

/** `GET /registry/actors/connect/websocket`: a connection; a refusal is an error message, then close 1011. */
export const connectWebSocket: RouteHandler = async (runtime, { request, env }) => {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") throw errors.upgradeRequired();
  const protocols = parseProtocols(request.headers.get("sec-websocket-protocol") ?? null);
  const protocol = acceptedProtocol(protocols.offered);
  try {
    const info = readWebSocketActorRequest(request, { encodingRequired: true });
    const subscriptions = readSubscriptions(new URL(request.url));
    const located = locateActor(runtime, env, info.query);
    const auth = await authorize(located, request, info, "connect");
    return await streamToActor(located, request, `${ACTOR_ORIGIN}/`, {
      route: "connect-websocket",
      encoding: info.encoding,
      auth,
      params: info.params,
      ...(subscriptions.length > 0 && { subscriptions }),
      protocol,
    });
  } catch (error) {
    const offered = protocols.encoding ?? request.headers.get(HEADER_ENCODING);
    return webSocketError(publicError(error, workerLog, "connection").body, protocol, isEncoding(offered) ? offered : undefined);
  }
};

/** `GET /registry/actors/connect/sse`: a connection; a refusal is one error event on a 200 stream. */
export const connectSse: RouteHandler = async (runtime, { request, env }) => {
  const encoding = request.headers.get(HEADER_ENCODING);
  try {
    const info = readHttpActorRequest(request, { encodingRequired: true });
    const subscriptions = readSubscriptions(new URL(request.url));
    const located = locateActor(runtime, env, info.query);
    const auth = await authorize(located, request, info, "connect");
    return await streamToActor(located, request, `${ACTOR_ORIGIN}/`, {
      route: "connect-sse",
      encoding: info.encoding,
      auth,
      params: info.params,
      ...(subscriptions.length > 0 && { subscriptions }),
    });
  } catch (error) {
    return sseError(publicError(error, workerLog, "connection").body, isEncoding(encoding) ? encoding : undefined);
  }
};

/**
 * `POST /registry/actors/message`: a message for an SSE connection. No onAuth: the connection
 * token is the credential. The body is read and checked here, within the actor's limit, before
 * the actor is woken; results travel on the stream, so the answer is always JSON `{}`.
 */
export const connectionMessage: RouteHandler = async (runtime, { request, env }) => {
  const encoding = parseEncoding(request.headers.get(HEADER_ENCODING) ?? null);
  const actorId = request.headers.get(HEADER_ACTOR);
  if (!actorId) throw errors.invalidRequest("Missing X-RivetKit-Actor header: send the actor id from the connection's init message.");
  const located = locateActor(runtime, env, { getForId: { actorId } });
  const limit = optionsOf(located.definition).maxIncomingMessageSize;
  const body = await readBodyWithin(request, limit);
  let message: ToServer;
  try {
    message = decodeToServer(encoding, encoding === "json" ? new TextDecoder().decode(body) : body, limit);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ActorflareError(error instanceof ActorflareError && error.code === "message_too_long" ? "message_too_long" : "invalid_request", detail);
  }
  const call = { connectionId: request.headers.get(HEADER_CONN) ?? "", token: request.headers.get(HEADER_CONN_TOKEN) ?? "", message };
  const outcome = await callActor(located, (stub) => stub.message(call));
  if (!outcome.ok) return httpError(outcome.status, outcome.error, encoding);
  return new Response("{}", { headers: { "content-type": "application/json" } });
};
