import { Hono } from "hono/tiny";
import { errors } from "../protocol/errors";
import type { RegistryRuntime } from "./registry-runtime";
import { httpError, publicError } from "../server/error-answers";
import { errorEncoding } from "./actor-request";
import { preflightResponse, withCors } from "./cors";
import { workerLog } from "./log";
import { httpAction } from "./routes/action";
import { connectionMessage, connectSse, connectWebSocket } from "./routes/connect";
import { rawHttp, rawWebSocket } from "./routes/raw";
import { resolve } from "./routes/resolve";
import type { RouteHandler, WorkerEnv } from "./routes/types";

/**
 * The front Worker's routes (docs/protocol.md, "Routes"). Each request is validated, authorized
 * with the actor's onAuth and only then handed to the actor's Durable Object.
 */
export function createRegistryRouter(runtime: RegistryRuntime): Hono<WorkerEnv> {
  const app = new Hono<WorkerEnv>();
  const route = (handler: RouteHandler) => (c: Parameters<RouteHandler>[1]) => handler(runtime, c);
  // Hono's smallest router (hono/tiny) also matches a path with a trailing slash; the fixed
  // routes are exact, so `/registry/actors/resolve/` is not a route.
  const exact = (path: string, handler: RouteHandler) => (c: Parameters<RouteHandler>[1]) => (c.req.path === path ? handler(runtime, c) : c.notFound());

  const banner = `actorflare registry: ${Object.keys(runtime.actors).join(", ")}\n`;
  app.get("/registry", (c) => c.text(banner));
  app.get("/registry/", (c) => c.text(banner));

  app.post("/registry/actors/resolve", exact("/registry/actors/resolve", resolve));
  app.post("/registry/actors/actions/:action", (c) => (c.req.path.endsWith("/") ? c.notFound() : httpAction(runtime, c)));
  app.get("/registry/actors/connect/websocket", exact("/registry/actors/connect/websocket", connectWebSocket));
  app.get("/registry/actors/connect/sse", exact("/registry/actors/connect/sse", connectSse));
  app.post("/registry/actors/message", exact("/registry/actors/message", connectionMessage));

  // Raw routes: RivetKit's form (the name in the query) and the form that names the actor.
  // `*` also matches the bare prefix, whose actor path is `/`.
  for (const [path, segments] of [
    ["/registry/actors/raw", 4],
    ["/registry/actors/:name/raw", 5],
  ] as const) {
    app.all(`${path}/http/*`, route(rawHttp(segments)));
    app.all(`${path}/websocket/*`, route(rawWebSocket(segments)));
  }

  app.notFound((c) => {
    const { status, body } = publicError(errors.routeNotFound(c.req.method, new URL(c.req.url).pathname), workerLog, "request");
    return httpError(status, body, errorEncoding(c.req.raw));
  });

  app.onError((error, c) => {
    const { status, body } = publicError(error, workerLog, "request");
    return httpError(status, body, errorEncoding(c.req.raw));
  });

  return app;
}

/** Where the path starts in an absolute URL, found without parsing the whole URL (-1: no path). */
function pathStart(url: string): number {
  return url.indexOf("/", url.indexOf("//") + 2);
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
  const start = pathStart(url);
  if (start < 0) return false;
  const path = url.slice(start).replace(/^\/+/, "/");
  return path === "/registry" || path.startsWith("/registry/") || path.startsWith("/registry?");
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
