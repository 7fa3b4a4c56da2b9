import { errors } from "../../protocol/errors";
import type { ActorQuery } from "../../protocol/query";
import { queryActorName } from "../../protocol/query-facts";
import { acceptedProtocol, parseProtocols, rejectionProtocol } from "../../protocol/subprotocols";
import { ACTOR_ORIGIN } from "../../server/contract";
import { publicError, webSocketError } from "../../server/error-answers";
import { readHttpActorRequest, readWebSocketActorRequest } from "../actor-request";
import { authorize, authorizeHttp } from "../auth";
import { optionsResponse } from "../cors";
import { locateActor } from "../locate";
import { workerLog } from "../log";
import { streamToActor } from "../stream";
import type { RouteHandler } from "./types";

/**
 * Raw routes, in two forms: `/registry/actors/raw/{http|websocket}/{path}` (the name in the query)
 * and `/registry/actors/{name}/raw/{http|websocket}/{path}`. The actor sees `/{path}` as it was
 * received (percent-encoding kept) plus the query string; an empty path is `/`.
 */
function actorUrl(url: string, prefixSegments: number): string {
  // Cut from the URL as it came (the runtime already normalised it), without parsing it again.
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  const queryStart = url.indexOf("?", pathStart);
  const path = queryStart < 0 ? url.slice(pathStart) : url.slice(pathStart, queryStart);
  const search = queryStart < 0 || queryStart === url.length - 1 ? "" : url.slice(queryStart);
  // The slash after the last prefix segment: `{path}` follows it (none: the path is `/`).
  let at = 0;
  for (let segment = 0; segment < prefixSegments && at >= 0; segment++) at = path.indexOf("/", at + 1);
  return `${ACTOR_ORIGIN}/${at < 0 ? "" : path.slice(at + 1)}${search}`;
}

/** The name form's segment must agree with the query; a `getForId` without a name takes it. */
function checkPathName(pathName: string | undefined, query: ActorQuery): void {
  if (pathName === undefined) return;
  const name = queryActorName(query);
  if (name !== undefined && name !== pathName) throw errors.invalidRequest(`The path names actor '${pathName}' but the query names '${name}'.`);
  if ("getForId" in query && name === undefined) query.getForId.name = pathName;
}

/**
 * Raw HTTP to onFetch. `prefixSegments`: how many path segments come before `{path}`. While CORS
 * is on, an `OPTIONS` request is answered here, before its query is read or onAuth runs, as
 * RivetKit 2.0 answers it (docs/protocol.md §5.6).
 */
export function rawHttp(prefixSegments: number): RouteHandler {
  return async (runtime, { request, env, params }) => {
    if (request.method === "OPTIONS" && runtime.cors) return optionsResponse(runtime.cors, request);
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
      throw errors.invalidRequest("WebSocket upgrades go to /registry/actors/raw/websocket/{path}, not to a raw HTTP path.");
    }
    const info = readHttpActorRequest(request, { encodingRequired: false });
    checkPathName(params.name, info.query);
    const located = locateActor(runtime, env, info.query);
    const auth = await authorizeHttp(located, request, info, "action");
    return streamToActor(located, request, actorUrl(request.url, prefixSegments), { route: "raw-http", encoding: info.encoding, auth });
  };
}

/** A raw WebSocket to onWebSocket; a refusal closes the accepted socket with 1011 and the code. */
export function rawWebSocket(prefixSegments: number): RouteHandler {
  return async (runtime, { request, env, params }) => {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") throw errors.upgradeRequired();
    // Read before anything can fail: even a refusal must echo one offered protocol, or the
    // client's handshake fails and it never sees the error code.
    const offered = parseProtocols(request.headers.get("sec-websocket-protocol") ?? null).offered;
    try {
      const info = readWebSocketActorRequest(request, { encodingRequired: false });
      checkPathName(params.name, info.query);
      const located = locateActor(runtime, env, info.query);
      // RivetKit gives raw sockets the `action` intent; a socket is also a connection: onAuth sees both.
      const auth = await authorize(located, request, info, "action", "connect");
      const url = actorUrl(request.url, prefixSegments);
      return await streamToActor(located, request, url, { route: "raw-websocket", encoding: info.encoding, auth, protocol: acceptedProtocol(offered) });
    } catch (error) {
      return webSocketError(publicError(error, workerLog, "raw WebSocket").body, rejectionProtocol(offered));
    }
  };
}
