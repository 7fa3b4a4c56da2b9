import type { Context } from "hono";
import { errorToBody, errors } from "../../protocol/errors";
import { ACTOR_ORIGIN } from "../../protocol/internal";
import type { ActorQuery } from "../../protocol/query";
import { queryActorName } from "../../protocol/query-facts";
import { acceptedProtocol, parseProtocols, rejectionProtocol } from "../../protocol/subprotocols";
import { rejectWebSocket } from "../../protocol/websocket-rejection";
import type { RegistryRuntime } from "../../registry/config";
import { readHttpActorRequest, readWebSocketActorRequest } from "../actor-request";
import { authorize } from "../auth";
import { forwardToActor } from "../forward";
import { locateActor } from "../locate";
import type { RawRoute } from "../paths";
import type { WorkerEnv } from "./types";

/** Raw HTTP to onFetch (PROTOCOL.md §5.6). */
export async function rawHttp(runtime: RegistryRuntime, c: Context<WorkerEnv>, route: RawRoute, url: URL): Promise<Response> {
  if (c.req.header("upgrade")?.toLowerCase() === "websocket") {
    throw errors.invalidRequest("WebSocket upgrades go to /registry/actors/raw/websocket/{path}, not to a raw HTTP path.");
  }
  const info = readHttpActorRequest(c.req.raw, { encodingRequired: false });
  checkPathName(route, info.query);
  const located = locateActor(runtime, c.env, info.query);
  const auth = await authorize(located, c.req.raw, info, "action");
  return forwardToActor(located, c.req.raw, { route: "raw-http", encoding: info.encoding, auth, url: ACTOR_ORIGIN + route.actorPath + url.search });
}

/** Raw WebSocket to onWebSocket (PROTOCOL.md §5.7); errors close the accepted socket with 1011. */
export async function rawWebSocket(runtime: RegistryRuntime, c: Context<WorkerEnv>, route: RawRoute, url: URL): Promise<Response> {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw errors.upgradeRequired();
  // Read before anything can fail: even a refusal must echo one offered protocol, or the
  // client's handshake fails and it never sees the error code.
  const offered = parseProtocols(c.req.header("sec-websocket-protocol") ?? null).offered;
  try {
    const info = readWebSocketActorRequest(c.req.raw, { encodingRequired: false });
    checkPathName(route, info.query);
    const located = locateActor(runtime, c.env, info.query);
    // RivetKit gives raw sockets the `action` intent; a socket is also a connection: onAuth sees both.
    const auth = await authorize(located, c.req.raw, info, "action", "connect");
    return await forwardToActor(located, c.req.raw, {
      route: "raw-websocket",
      encoding: info.encoding,
      auth,
      url: ACTOR_ORIGIN + route.actorPath + url.search,
      acceptProtocol: acceptedProtocol(offered),
    });
  } catch (error) {
    const { status, body } = errorToBody(error);
    if (status === 500) console.error("[actorflare] raw WebSocket failed:", error);
    return rejectWebSocket(body, rejectionProtocol(offered));
  }
}

/** The seed form names the actor in the path; it must agree with the query. */
function checkPathName(route: RawRoute, query: ActorQuery): void {
  if (route.pathName === undefined) return;
  const name = queryActorName(query);
  if (name !== undefined && name !== route.pathName) {
    throw errors.invalidRequest(`The path names actor '${route.pathName}' but the query names '${name}'.`);
  }
  if ("getForId" in query && name === undefined) query.getForId.name = route.pathName;
}
