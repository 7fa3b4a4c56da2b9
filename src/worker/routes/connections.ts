import type { Context } from "hono";
import { isEncoding, parseEncoding } from "../../protocol/encoding";
import { findAction } from "../../actor/actions";
import { errorToBody, errors } from "../../protocol/errors";
import { HEADER_ACTOR, HEADER_ENCODING } from "../../protocol/headers";
import { ACTOR_ORIGIN } from "../../protocol/internal";
import { decodeActionArgs, toClient } from "../../protocol/messages";
import { acceptedProtocol, parseProtocols } from "../../protocol/subprotocols";
import { rejectWebSocket } from "../../protocol/websocket-rejection";
import type { RegistryRuntime } from "../../registry/config";
import { sseEvent, sseHeaders } from "../../protocol/sse";
import { readHttpActorRequest, readWebSocketActorRequest } from "../actor-request";
import { optionsOf } from "../../actor/options";
import { authorize } from "../auth";
import { readBodyWithin } from "../body";
import { forwardToActor } from "../forward";
import { locateActor } from "../locate";
import type { WorkerEnv } from "./types";

const ACTIONS_PREFIX = "/registry/actors/actions/";

/**
 * An action over HTTP (PROTOCOL.md §5.2): `POST /registry/actors/actions/{action}`. onAuth runs
 * before the body is read, and the body is read within the actor's limit; a bad body or an
 * unknown action is refused here, before the actor is created or woken.
 */
export async function httpAction(runtime: RegistryRuntime, c: Context<WorkerEnv>): Promise<Response> {
  const info = readHttpActorRequest(c.req.raw, { encodingRequired: true });
  const action = decodePathSegment(new URL(c.req.url).pathname.slice(ACTIONS_PREFIX.length));
  const located = locateActor(runtime, c.env, info.query);
  const auth = await authorize(located, c.req.raw, info, "action");
  findAction(located.definition, action);
  const body = await readBodyWithin(c.req.raw, optionsOf(located.definition).maxIncomingMessageSize);
  decodeActionArgs(info.encoding, body);
  return forwardToActor(located, c.req.raw, { route: "action", encoding: info.encoding, auth, params: info.params, action, body, url: `${ACTOR_ORIGIN}/` });
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw errors.invalidRequest(`The action name in the path is not valid percent-encoding: '${segment}'.`);
  }
}

/** A connection over WebSocket (PROTOCOL.md §5.3). Setup errors: an `e` message, then close 1011. */
export async function connectWebSocket(runtime: RegistryRuntime, c: Context<WorkerEnv>): Promise<Response> {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw errors.upgradeRequired();
  const protocols = parseProtocols(c.req.header("sec-websocket-protocol") ?? null);
  const offeredEncoding = protocols.encoding ?? c.req.header(HEADER_ENCODING) ?? null;
  try {
    const info = readWebSocketActorRequest(c.req.raw, { encodingRequired: true });
    const located = locateActor(runtime, c.env, info.query);
    const auth = await authorize(located, c.req.raw, info, "connect");
    return await forwardToActor(located, c.req.raw, {
      route: "connect-websocket",
      encoding: info.encoding,
      auth,
      params: info.params,
      url: `${ACTOR_ORIGIN}/`,
      acceptProtocol: acceptedProtocol(protocols.offered),
    });
  } catch (error) {
    const { status, body } = errorToBody(error);
    if (status === 500) console.error("[actorflare] connection failed:", error);
    return rejectWebSocket(body, acceptedProtocol(protocols.offered), isEncoding(offeredEncoding) ? offeredEncoding : undefined);
  }
}

/** A connection over SSE (PROTOCOL.md §5.4). Setup errors travel as one event on a 200 stream. */
export async function connectSse(runtime: RegistryRuntime, c: Context<WorkerEnv>): Promise<Response> {
  const encodingHeader = c.req.header(HEADER_ENCODING) ?? null;
  try {
    const info = readHttpActorRequest(c.req.raw, { encodingRequired: true });
    const located = locateActor(runtime, c.env, info.query);
    const auth = await authorize(located, c.req.raw, info, "connect");
    return await forwardToActor(located, c.req.raw, { route: "connect-sse", encoding: info.encoding, auth, params: info.params, url: `${ACTOR_ORIGIN}/` });
  } catch (error) {
    const { status, body } = errorToBody(error);
    if (status === 500) console.error("[actorflare] connection failed:", error);
    const event = isEncoding(encodingHeader) ? sseEvent(encodingHeader, toClient.error(body)) : `event: error\ndata: ${body.c}\n\n`;
    return new Response(event, { headers: sseHeaders });
  }
}

/**
 * A message for an SSE connection (PROTOCOL.md §5.5): no onAuth, the connection token is the
 * credential. The body is read here within the actor's limit, before the actor is woken.
 */
export async function connectionMessage(runtime: RegistryRuntime, c: Context<WorkerEnv>): Promise<Response> {
  const encoding = parseEncoding(c.req.header(HEADER_ENCODING) ?? null);
  const actorId = c.req.header(HEADER_ACTOR);
  if (!actorId) throw errors.invalidRequest("Missing X-RivetKit-Actor header: send the actor id from the connection's init message.");
  const located = locateActor(runtime, c.env, { getForId: { actorId } });
  const body = await readBodyWithin(c.req.raw, optionsOf(located.definition).maxIncomingMessageSize);
  return forwardToActor(located, c.req.raw, { route: "message", encoding, auth: undefined, body, url: `${ACTOR_ORIGIN}/` });
}
