import { Hono, type Context } from "hono";
import { errorResponse } from "../protocol/encoding";
import { errorToBody, errors } from "../protocol/errors";
import { ACTOR_ORIGIN } from "../protocol/internal";
import type { ActorQuery, Intent } from "../protocol/query";
import { queryActorName, queryIntents } from "../protocol/query-facts";
import { acceptedProtocol, rejectionProtocol } from "../protocol/subprotocols";
import { rejectWebSocket } from "../protocol/websocket-rejection";
import type { RegistryRuntime } from "../registry/config";
import { errorEncoding, readHttpActorRequest, readWebSocketActorRequest } from "./actor-request";
import { authorize } from "./auth";
import { preflightResponse, withCors } from "./cors";
import { forwardToActor } from "./forward";
import { locateActor } from "./locate";
import { collapseLeadingSlashes, parseRawRoute, type RawRoute } from "./paths";

type Env = { Bindings: Record<string, unknown> };

/**
 * The front Worker's routes (PROTOCOL.md §1). Each request is validated, authorized with the
 * actor's onAuth and only then forwarded to the actor's Durable Object.
 */
export function createRegistryRouter(runtime: RegistryRuntime): Hono<Env> {
  const app = new Hono<Env>();

  app.get("/registry", (c) => c.text(banner(runtime)));
  app.get("/registry/", (c) => c.text(banner(runtime)));

  app.post("/registry/actors/resolve", async (c) => {
    const info = readHttpActorRequest(c.req.raw, { encodingRequired: true });
    const located = locateActor(runtime, c.env, info.query);
    const auth = await authorize(located.name, located.definition, c.req.raw, queryIntents(info.query), info.params);
    return forwardToActor(located, c.req.raw, { route: "resolve", encoding: info.encoding, auth, url: `${ACTOR_ORIGIN}/` });
  });

  app.all("/registry/actors/*", async (c) => {
    const url = new URL(c.req.url);
    const route = parseRawRoute(url.pathname);
    if (!route) throw errors.routeNotFound(c.req.method, url.pathname);
    return route.transport === "http" ? rawHttp(runtime, c, route, url) : rawWebSocket(runtime, c, route, url);
  });

  app.notFound((c) => {
    const { status, body } = errorToBody(errors.routeNotFound(c.req.method, new URL(c.req.url).pathname));
    return errorResponse(errorEncoding(c.req.raw), status, body);
  });

  app.onError((error, c) => {
    const { status, body } = errorToBody(error);
    if (status === 500) console.error("[actorflare] request failed:", error);
    return errorResponse(errorEncoding(c.req.raw), status, body);
  });

  return app;
}

async function rawHttp(runtime: RegistryRuntime, c: Context<Env>, route: RawRoute, url: URL): Promise<Response> {
  if (c.req.header("upgrade")?.toLowerCase() === "websocket") {
    throw errors.invalidRequest("WebSocket upgrades go to /registry/actors/raw/websocket/{path}, not to a raw HTTP path.");
  }
  const info = readHttpActorRequest(c.req.raw, { encodingRequired: false });
  checkPathName(route, info.query);
  const located = locateActor(runtime, c.env, info.query);
  const auth = await authorize(located.name, located.definition, c.req.raw, [...queryIntents(info.query), "action"], info.params);
  return forwardToActor(located, c.req.raw, { route: "raw-http", encoding: info.encoding, auth, url: ACTOR_ORIGIN + route.actorPath + url.search });
}

/** Raw WebSocket: errors before the socket exists close it with 1011 and the code (PROTOCOL.md §7). */
async function rawWebSocket(runtime: RegistryRuntime, c: Context<Env>, route: RawRoute, url: URL): Promise<Response> {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw errors.upgradeRequired();
  let offered: string[] = [];
  try {
    const info = readWebSocketActorRequest(c.req.raw, { encodingRequired: false });
    offered = info.offeredProtocols;
    checkPathName(route, info.query);
    const located = locateActor(runtime, c.env, info.query);
    // PROTOCOL.md lists `action` for raw sockets and RivetKit's docs `connect`; onAuth sees both.
    const intents: Intent[] = [...queryIntents(info.query), "action", "connect"];
    const auth = await authorize(located.name, located.definition, c.req.raw, intents, info.params);
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

function banner(runtime: RegistryRuntime): string {
  return `actorflare registry: ${Object.keys(runtime.actors).join(", ")}\n`;
}

/** The registry's fetch handler: leading-slash cleanup and CORS around the router. */
export function registryFetch(runtime: RegistryRuntime) {
  const router = createRegistryRouter(runtime);
  return async (request: Request, env: Record<string, unknown> | undefined, ctx?: ExecutionContext): Promise<Response> => {
    const cleaned = collapseLeadingSlashes(request);
    if (runtime.cors) {
      const preflight = preflightResponse(runtime.cors, cleaned);
      if (preflight) return preflight;
      return withCors(runtime.cors, cleaned, await router.fetch(cleaned, env, ctx));
    }
    return router.fetch(cleaned, env, ctx);
  };
}
