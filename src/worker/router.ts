import { Hono } from "hono";
import { errorResponse } from "../protocol/encoding";
import { errorToBody, errors } from "../protocol/errors";
import { ACTOR_ORIGIN } from "../protocol/internal";
import type { RegistryRuntime } from "../registry/config";
import { errorEncoding, readHttpActorRequest } from "./actor-request";
import { authorize } from "./auth";
import { preflightResponse, withCors } from "./cors";
import { forwardToActor } from "./forward";
import { locateActor } from "./locate";
import { collapseLeadingSlashes, parseRawRoute } from "./paths";
import { connectionMessage, connectSse, connectWebSocket, httpAction } from "./routes/connections";
import { rawHttp, rawWebSocket } from "./routes/raw";
import type { WorkerEnv } from "./routes/types";

/**
 * The front Worker's routes (PROTOCOL.md §1). Each request is validated, authorized with the
 * actor's onAuth and only then forwarded to the actor's Durable Object.
 */
export function createRegistryRouter(runtime: RegistryRuntime): Hono<WorkerEnv> {
  const app = new Hono<WorkerEnv>();

  app.get("/registry", (c) => c.text(banner(runtime)));
  app.get("/registry/", (c) => c.text(banner(runtime)));

  app.post("/registry/actors/resolve", async (c) => {
    const info = readHttpActorRequest(c.req.raw, { encodingRequired: true });
    const located = locateActor(runtime, c.env, info.query);
    const auth = await authorize(located, c.req.raw, info);
    return forwardToActor(located, c.req.raw, { route: "resolve", encoding: info.encoding, auth, url: `${ACTOR_ORIGIN}/` });
  });
  app.post("/registry/actors/actions/:action", (c) => httpAction(runtime, c));
  app.get("/registry/actors/connect/websocket", (c) => connectWebSocket(runtime, c));
  app.get("/registry/actors/connect/sse", (c) => connectSse(runtime, c));
  app.post("/registry/actors/message", (c) => connectionMessage(runtime, c));

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
