import { PatternRouter } from "hono/router/pattern-router";
import { errors } from "../protocol/errors";
import { httpError, publicError } from "../server/error-answers";
import { headAnswer } from "../server/head-answer";
import { errorEncoding } from "./actor-request";
import { gateOrigin, preflightResponse, withCors } from "./cors";
import { workerLog } from "./log";
import type { RegistryRuntime } from "./registry-runtime";
import { httpAction } from "./routes/action";
import { createActor, destroyActor, getOrCreateActor, listActors, metadata, rootMetadata } from "./routes/actors-api";
import { connectionMessage, connectSse, connectWebSocket } from "./routes/connect";
import { gateway } from "./routes/gateway";
import { rawHttp, rawWebSocket } from "./routes/raw";
import { destroy } from "./routes/destroy";
import { list } from "./routes/list";
import { resolve } from "./routes/resolve";
import type { RouteHandler } from "./routes/types";
import { collapsedPath, decodePathSegment, pathAndQuery, pathStart } from "./url";

interface Route {
  handler: RouteHandler;
  /**
   * Whether the path may end in a slash the declared path lacks. PatternRouter lets one through
   * on every route; ours are exact (`/registry/actors/resolve/` is not a route) unless they say so.
   */
  trailingSlash: boolean;
  /** Whether HEAD runs the route as GET does; not for a connection, which lives as long as its answer's body. */
  head: boolean;
}

/** A route registered besides the registry's own (the inspector's, when it is on). */
export interface ExtraRoute {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  handler: RouteHandler;
  /**
   * For a page and API of the Worker's own origin (the inspector's): this path and every path
   * below it get no CORS headers and no preflight grant, whatever `setup({ cors })` says.
   */
  sameOriginOnly?: boolean;
}

/**
 * The front Worker's routes (docs/protocol.md, "Routes"). Each request is validated, authorized
 * with the actor's onAuth and only then handed to the actor's Durable Object.
 *
 * Routes are declared in Hono's PatternRouter and their params read from its match. The router
 * alone, not a Hono app: the app's Context and request wrappers would cost about a third of the
 * framework's bundle budget, and these handlers need only the Request, the bindings and params.
 */
export function createRegistryRouter(
  runtime: RegistryRuntime,
  extraRoutes: readonly ExtraRoute[] = [],
): (request: Request, env: Record<string, unknown>) => Promise<Response> {
  const router = new PatternRouter<Route>();
  const add = (method: "GET" | "POST" | "PUT" | "DELETE" | "ALL", path: string, handler: RouteHandler, trailingSlash = path.endsWith("*"), head = true) =>
    router.add(method, path, { handler, trailingSlash, head });

  const banner = `actorflare registry: ${Object.keys(runtime.actors).join(", ")}\n`;
  add("GET", "/registry", async () => new Response(banner, { headers: { "content-type": "text/plain; charset=UTF-8" } }), true);

  add("POST", "/registry/actors/resolve", resolve);
  add("POST", "/registry/actors/actions/:action", httpAction);
  add("GET", "/registry/actors/connect/websocket", connectWebSocket, false, false);
  add("GET", "/registry/actors/connect/sse", connectSse, false, false);
  add("POST", "/registry/actors/message", connectionMessage);
  add("POST", "/registry/actors/destroy", destroy);
  add("GET", "/registry/actors/list", list);

  // Raw routes: RivetKit's form (the name in the query) and the form that names the actor.
  // `*` also matches the bare prefix, whose actor path is `/`.
  for (const [path, segments] of [
    ["/registry/actors/raw", 4],
    ["/registry/actors/:name/raw", 5],
  ] as const) {
    add("ALL", `${path}/http/*`, rawHttp(segments));
    add("ALL", `${path}/websocket/*`, rawWebSocket(segments));
  }

  // RivetKit 2.3's wire: its actor API, metadata and gateway (docs/protocol.md §12), for a
  // client whose endpoint is `{origin}/registry`.
  add("GET", "/registry/metadata", metadata);
  // The same for a RivetKit client given the bare origin, which it then sends to `/registry`.
  add("GET", "/metadata", rootMetadata);
  add("GET", "/registry/actors", listActors);
  add("PUT", "/registry/actors", getOrCreateActor);
  add("POST", "/registry/actors", createActor);
  add("DELETE", "/registry/actors/:id", destroyActor);
  add("ALL", "/registry/gateway/*", gateway);

  for (const { method, path, handler } of extraRoutes) add(method, path, handler);

  return async (request, env) => {
    const { path } = pathAndQuery(request.url);
    try {
      // PatternRouter's matches come as [route, params] pairs (it has no param stash).
      const [matches] = router.match(request.method === "HEAD" ? "GET" : request.method, path) as [[Route, Record<string, string>][]];
      const found = matches.find(([route]) => route.trailingSlash || !path.endsWith("/"));
      if (!found) throw errors.routeNotFound(request.method, path);
      const [route, params] = found;
      const head = request.method === "HEAD";
      if (head && !route.head) throw errors.headOpensNoConnection(path);
      const decoded: Record<string, string> = {};
      for (const key in params) decoded[key] = decodePathSegment(params[key]!);
      const response = await route.handler(runtime, { request, env, params: decoded });
      return head ? headAnswer(response) : response;
    } catch (error) {
      return errorAnswer(error, request);
    }
  };
}

/** A refusal as the registry answers it: the public error, in the request's encoding. */
function errorAnswer(error: unknown, request: Request): Response {
  const { status, body } = publicError(error, workerLog, "request");
  return httpError(status, body, errorEncoding(request));
}

/** `{endpoint}/` + `/registry` gives `//registry`: leading slashes collapse to one. */
function collapseLeadingSlashes(request: Request): Request {
  const start = pathStart(request.url);
  if (start < 0 || request.url[start + 1] !== "/") return request;
  const url = new URL(request.url);
  url.pathname = url.pathname.replace(/^\/+/, "/");
  return new Request(url, request);
}

/** Whether a request is for the registry's routes (`/registry` and below), leading slashes collapsed. */
export function isRegistryPath(url: string): boolean {
  const path = collapsedPath(url);
  return path === "/registry" || path.startsWith("/registry/");
}

/** `GET /metadata` at the root, which RivetKit's client asks first when given the bare origin. */
export function isRootMetadataRequest(request: Request): boolean {
  return (request.method === "GET" || request.method === "HEAD") && collapsedPath(request.url) === "/metadata";
}

/** The registry's fetch handler: leading-slash cleanup and CORS around the router. */
export function registryFetch(runtime: RegistryRuntime, extraRoutes: readonly ExtraRoute[] = []) {
  const route = createRegistryRouter(runtime, extraRoutes);
  const sameOriginPaths = extraRoutes.filter((extra) => extra.sameOriginOnly).map((extra) => extra.path);
  // The path as it came, as the router matches it (an encoded `%69nspector` is no route of the inspector's).
  const sameOriginOnly = (url: string) => {
    // With the inspector off there are none: no second look at the path on every request.
    if (sameOriginPaths.length === 0) return false;
    const { path } = pathAndQuery(url);
    return sameOriginPaths.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
  };
  return async (request: Request, env: unknown): Promise<Response> => {
    const cleaned = collapseLeadingSlashes(request);
    // The Worker's bindings, looked up by name (a typed Env interface has no index signature).
    const bindings = (env ?? {}) as Record<string, unknown>;
    if (runtime.cors && !sameOriginOnly(cleaned.url)) {
      const preflight = preflightResponse(runtime.cors, cleaned);
      if (preflight) return preflight;
      let gated: Request;
      try {
        gated = gateOrigin(runtime.cors, cleaned);
      } catch (error) {
        return withCors(runtime.cors, cleaned, errorAnswer(error, cleaned));
      }
      return withCors(runtime.cors, cleaned, await route(gated, bindings));
    }
    return route(cleaned, bindings);
  };
}
