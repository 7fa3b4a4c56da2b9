import { optionsOf } from "../actor/options";
import { errors } from "../protocol/errors";
import { inspectorErrors } from "../protocol/inspector-errors";
import type { InspectorOp } from "../protocol/inspector";
import { parseActorQueryJson } from "../protocol/query";
import { ACTOR_ORIGIN } from "../server/contract";
import { httpError, publicError, webSocketError } from "../server/error-answers";
import { readBodyWithin } from "../worker/body";
import { callActor } from "../worker/call";
import { listActors, parseListRequest } from "../worker/list";
import { locateActor, type LocatedActor } from "../worker/locate";
import { workerLog } from "../worker/log";
import { streamToActor } from "../worker/stream";
import type { RegistryRuntime } from "../worker/registry-runtime";
import type { ExtraRoute } from "../worker/router";
import type { RouteContext, RouteHandler } from "../worker/routes/types";
import { clearedCookie, INSPECTOR_PATH, type InspectorGate } from "./auth";
import { INSPECTOR_CSP, INSPECTOR_PAGE } from "./page-html";

const NO_STORE = { "cache-control": "no-store" };

function json(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json", ...NO_STORE, ...headers } });
}

/** The actor a request names: `?query=` with a getForKey or getForId query (the inspector never creates actors). */
function locate(runtime: RegistryRuntime, route: RouteContext): LocatedActor {
  const text = new URL(route.request.url).searchParams.get("query");
  if (text === null) throw errors.invalidRequest('Name the actor with ?query={"getForKey":{"name":"counter","key":["a"]}} or {"getForId":{"actorId":"…"}}.');
  const query = parseActorQueryJson(text);
  if (!("getForKey" in query || "getForId" in query))
    throw errors.invalidRequest("The inspector finds actors with getForKey or getForId only; it never creates one.");
  return locateActor(runtime, route.env, query);
}

/** The JSON body of a request, within the actor's message limit: `invalid_request` when it is not a JSON object. */
async function jsonBody(located: LocatedActor, request: Request): Promise<Record<string, unknown>> {
  const bytes = await readBodyWithin(request, optionsOf(located.definition).maxIncomingMessageSize);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw errors.invalidRequest(`The body is not valid JSON (${error instanceof Error ? error.message : "parse failed"}). Nothing was changed.`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw errors.invalidRequest("The body must be a JSON object. Nothing was changed.");
  return value as Record<string, unknown>;
}

/** The token a sign-in posts: `invalid_request` when the body is not `{"token": "…"}` (a wrong token is the caller's 401). */
function signInToken(bytes: Uint8Array): string {
  const needed = 'Sign in with the JSON body {"token":"<the inspector\'s token>"}';
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw errors.invalidRequest(`${needed}; this body is not valid JSON (${error instanceof Error ? error.message : "parse failed"}). No cookie was set.`);
  }
  const token = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as { token?: unknown }).token : undefined;
  if (typeof token !== "string") throw errors.invalidRequest(`${needed}; this body has no "token" string. No cookie was set.`);
  return token;
}

/**
 * Refuses a POST or PUT whose body is not declared JSON (415 `invalid_request`). A page of another
 * origin can send a form or `text/plain` body without asking first; declaring JSON makes the
 * browser ask (a CORS preflight, which the inspector never grants), so this closes that path for
 * bearer and cookie requests alike.
 */
function requireJson(request: Request): void {
  if (request.method !== "POST" && request.method !== "PUT") return;
  const type = request.headers.get("content-type");
  if (type?.split(";")[0]?.trim().toLowerCase() !== "application/json") throw inspectorErrors.needsJson(type);
}

/** Sends one request to the actor's object and answers `{ value }` or the error. */
async function ask(located: LocatedActor, op: InspectorOp): Promise<Response> {
  const outcome = await callActor(located, (stub) => stub.inspect(op));
  return outcome.ok ? json({ value: outcome.value ?? null }) : httpError(outcome.status, outcome.error, "json");
}

const snapshot: RouteHandler = (runtime, route) => ask(locate(runtime, route), { op: "snapshot" });

const action: RouteHandler = async (runtime, route) => {
  const located = locate(runtime, route);
  const body = await jsonBody(located, route.request);
  if (typeof body.name !== "string" || body.name === "") throw errors.invalidRequest('The body needs the action\'s "name". Nothing was changed.');
  if (!Array.isArray(body.args)) throw errors.invalidRequest('The body needs "args", a JSON array of the action\'s arguments. Nothing was changed.');
  return ask(located, { op: "action", name: body.name, args: body.args });
};

const setState: RouteHandler = async (runtime, route) => {
  const located = locate(runtime, route);
  const body = await jsonBody(located, route.request);
  if (!("state" in body)) throw errors.invalidRequest('The body needs "state", the whole new state as JSON. Nothing was changed.');
  const { ifStateDigest } = body;
  if (ifStateDigest !== undefined && typeof ifStateDigest !== "string") {
    throw errors.invalidRequest('"ifStateDigest" must be the stateDigest string of the snapshot the edit started from, or left out. Nothing was changed.');
  }
  return ask(located, { op: "setState", state: body.state, ...(ifStateDigest === undefined ? {} : { ifStateDigest }) });
};

const disconnect: RouteHandler = (runtime, route) => ask(locate(runtime, route), { op: "disconnect", connectionId: route.params.id ?? "" });

const cancelJob: RouteHandler = (runtime, route) => ask(locate(runtime, route), { op: "cancelJob", jobId: route.params.id ?? "" });

/**
 * The live view: a WebSocket on which the actor's object sends a snapshot now and after each
 * change. It hibernates with the actor. A refusal past the token check (an unknown actor, a bad
 * query) closes it at once with 1011 and the error code as the reason.
 */
const live: RouteHandler = async (runtime, route) => {
  if (route.request.headers.get("upgrade")?.toLowerCase() !== "websocket") throw errors.upgradeRequired();
  try {
    return await streamToActor(locate(runtime, route), route.request, `${ACTOR_ORIGIN}/`, { route: "inspector-websocket", encoding: "json" });
  } catch (error) {
    return webSocketError(publicError(error, workerLog, "inspector").body, undefined, undefined, false);
  }
};

const actorNames: RouteHandler = async (runtime) => json({ value: Object.keys(runtime.actors) });

/** `?name=<actor>&cursor=<c>`: one page of the actors of that name, from the actor index, without their onAuth. */
const listing: RouteHandler = async (runtime, route) => {
  const search = new URL(route.request.url).searchParams;
  const name = search.get("name");
  if (!name) throw errors.invalidRequest("Name the actors to list: ?name=<actor name>.");
  return json({ value: await listActors(runtime, route.env, name, parseListRequest(search.get("cursor"), search.get("limit"))) });
};

/**
 * The inspector's routes under /registry/inspector (docs/protocol.md, "Inspector"). Each checks
 * the token first and reaches the actor's object directly: no actor's onAuth runs. The page
 * itself holds nothing about actors; without the token it is answered with 401 and shows only
 * its sign-in form.
 */
export function inspectorRoutes(gate: InspectorGate): ExtraRoute[] {
  const guarded =
    (handler: RouteHandler): RouteHandler =>
    async (runtime, route) => {
      await gate.check(route.request);
      requireJson(route.request);
      return handler(runtime, route);
    };
  const page: RouteHandler = async (_runtime, route) =>
    new Response(INSPECTOR_PAGE, {
      status: (await gate.signedIn(route.request)) ? 200 : 401,
      headers: { "content-type": "text/html; charset=UTF-8", "content-security-policy": INSPECTOR_CSP, "x-frame-options": "DENY", ...NO_STORE },
    });
  const signIn: RouteHandler = async (_runtime, route) => {
    requireJson(route.request);
    const token = signInToken(await readBodyWithin(route.request, 1024, "Send only { token }."));
    if (!(await gate.tokenMatches(token))) throw inspectorErrors.unauthorized();
    return new Response(null, { status: 204, headers: { "set-cookie": await gate.sessionCookie(route.request), ...NO_STORE } });
  };
  const signOut: RouteHandler = async (_runtime, route) =>
    new Response(null, { status: 204, headers: { "set-cookie": clearedCookie(route.request), ...NO_STORE } });
  const api = `${INSPECTOR_PATH}/api`;
  const routes: Omit<ExtraRoute, "sameOriginOnly">[] = [
    { method: "GET", path: INSPECTOR_PATH, handler: page },
    { method: "POST", path: `${INSPECTOR_PATH}/session`, handler: signIn },
    { method: "DELETE", path: `${INSPECTOR_PATH}/session`, handler: guarded(signOut) },
    { method: "GET", path: `${api}/actors`, handler: guarded(actorNames) },
    { method: "GET", path: `${api}/list`, handler: guarded(listing) },
    { method: "GET", path: `${api}/actor`, handler: guarded(snapshot) },
    { method: "GET", path: `${api}/actor/live`, handler: guarded(live) },
    { method: "POST", path: `${api}/actor/action`, handler: guarded(action) },
    { method: "PUT", path: `${api}/actor/state`, handler: guarded(setState) },
    { method: "DELETE", path: `${api}/actor/connections/:id`, handler: guarded(disconnect) },
    { method: "DELETE", path: `${api}/actor/schedule/:id`, handler: guarded(cancelJob) },
  ];
  // An admin page for its own origin: `setup({ cors })` grants nothing under INSPECTOR_PATH.
  return routes.map((route) => ({ ...route, sameOriginOnly: true }));
}
