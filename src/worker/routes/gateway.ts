import { actionAnswerResponse } from "../../protocol/action-answer";
import { errors } from "../../protocol/errors";
import { type GatewayPath, splitGatewayPath } from "../../protocol/rivet23/gateway";
import { acceptedProtocol23, HEADER23_ENCODING, parseProtocols23 } from "../../protocol/rivet23/headers";
import { decodeActionArgs23 } from "../../protocol/rivet23/messages";
import { rivet23Wire, type Wire } from "../../protocol/wire";
import { ACTOR_ORIGIN } from "../../server/contract";
import { httpError, publicError, webSocketError } from "../../server/error-answers";
import { authorize, authorizeHttp } from "../auth";
import { locateActor } from "../locate";
import { workerLog } from "../log";
import { gatewayQuery, rivet23Encoding, rivet23Params, rivet23Route } from "../rivet23-request";
import { streamToActor } from "../stream";
import { decodePathSegment, pathAndQuery } from "../url";
import { callHttpAction } from "./action";
import type { RouteContext, RouteHandler } from "./types";

/**
 * `/registry/gateway/{actor}{path}`: RivetKit 2.3's way to reach an actor (docs/protocol.md
 * §12.1). The actor is found as a 2.0 query would find it; what follows is an action, a
 * connection, raw HTTP or a raw WebSocket, handed on by the same calls and streams as the 2.0
 * routes, with the 2.3 wire named in the stream's context.
 */

const PREFIX = "/registry/gateway";

const isUpgrade = (request: Request) => request.headers.get("upgrade")?.toLowerCase() === "websocket";

/** `/request/{path}` or `/websocket/{path}` (`prefix`) → the URL the actor sees: `/{path}` and the query less `rvt-`. */
function actorUrl(path: GatewayPath, prefix: string): string {
  return `${ACTOR_ORIGIN}/${path.actorPath.slice(prefix.length + 1)}${path.search}`;
}

/** Whether the actor path is `prefix` itself or below it. */
const under = (actorPath: string, prefix: string) => actorPath === prefix || actorPath.startsWith(`${prefix}/`);

async function action(runtime: Parameters<RouteHandler>[0], route: RouteContext, path: GatewayPath, name: string): Promise<Response> {
  const encoding = rivet23Encoding(route.request.headers.get(HEADER23_ENCODING), true);
  const info = { query: gatewayQuery(path), params: rivet23Params(route.request, undefined, null) };
  const wire = rivet23Wire(encoding);
  const outcome = await callHttpAction(runtime, route, info, name, wire, (body) => decodeActionArgs23(encoding, body));
  return outcome.ok ? actionAnswerResponse(wire, outcome.value) : httpError(outcome.status, outcome.error, wire);
}

async function rawHttp(runtime: Parameters<RouteHandler>[0], { request, env }: RouteContext, path: GatewayPath): Promise<Response> {
  if (isUpgrade(request)) throw errors.invalidRequest("WebSocket upgrades go to /websocket/{path} on the gateway, not to /request/{path}.");
  const wire = rivet23Wire(rivet23Encoding(request.headers.get(HEADER23_ENCODING), false));
  const query = gatewayQuery(path);
  const located = locateActor(runtime, env, query);
  // As on the 2.0 raw HTTP route: an onAuth that throws something of its own is 400 proxy_error.
  const auth = await authorizeHttp(located, request, { query, params: rivet23Params(request, undefined, null) }, "action");
  return streamToActor(located, request, actorUrl(path, "/request"), { route: "raw-http", encoding: wire, auth });
}

/**
 * A connection (`/connect`) or a raw WebSocket (`/websocket/{path}`). A refusal is a 101 closed
 * at once with 1011 and `group.code`; a connection whose encoding is known first gets the error
 * as a message, which is how RivetKit's client learns the code and message.
 */
async function socket(runtime: Parameters<RouteHandler>[0], { request, env }: RouteContext, path: GatewayPath, connection: boolean): Promise<Response> {
  if (!isUpgrade(request)) throw errors.upgradeRequired();
  const protocols = parseProtocols23(request.headers.get("sec-websocket-protocol"));
  const protocol = acceptedProtocol23(protocols.offered);
  let wire: Wire | undefined;
  try {
    wire = rivet23Wire(rivet23Encoding(protocols.encoding ?? request.headers.get(HEADER23_ENCODING), connection));
    const query = gatewayQuery(path);
    const params = rivet23Params(request, protocols.connParams, undefined);
    const located = locateActor(runtime, env, query);
    if (connection) {
      const auth = await authorize(located, request, { query, params }, "connect");
      return await streamToActor(located, request, `${ACTOR_ORIGIN}/`, { route: "connect-websocket", encoding: wire, auth, params, protocol });
    }
    // A raw socket is an action and a connection at once, as on the 2.0 routes.
    const auth = await authorize(located, request, { query, params }, "action", "connect");
    return await streamToActor(located, request, actorUrl(path, "/websocket"), { route: "raw-websocket", encoding: wire, auth, protocol });
  } catch (error) {
    const { body } = publicError(error, workerLog, connection ? "connection" : "raw WebSocket");
    return webSocketError(body, protocol, wire ?? rivet23Wire("json"), connection && wire !== undefined);
  }
}

export const gateway: RouteHandler = rivet23Route(async (runtime, route) => {
  const { path: fullPath, query } = pathAndQuery(route.request.url);
  const path = splitGatewayPath(fullPath.slice(PREFIX.length), query);
  const { actorPath } = path;
  const method = route.request.method;
  const actionName = /^\/action\/([^/]+)$/.exec(actorPath)?.[1];
  if (actionName !== undefined && method === "POST") return action(runtime, route, path, decodePathSegment(actionName));
  if (actorPath === "/connect" && method === "GET") return socket(runtime, route, path, true);
  if (under(actorPath, "/websocket") && method === "GET") return socket(runtime, route, path, false);
  if (under(actorPath, "/request")) return rawHttp(runtime, route, path);
  const queue = /^\/queue\/([^/]+)$/.exec(actorPath)?.[1];
  if (queue !== undefined && method === "POST") throw errors.gatewayQueueNotSupported(decodePathSegment(queue));
  throw errors.gatewayPathNotFound(`${method} ${actorPath}`);
});
