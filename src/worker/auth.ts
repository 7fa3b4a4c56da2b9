import type { AnyActorDefinition, AuthOptions } from "../actor/definition";
import { ActorflareError, errors } from "../protocol/errors";
import type { ActorQuery, Intent } from "../protocol/query";
import { rivetKitPublicError } from "../protocol/rivet23/errors";
import { queryIntents } from "../protocol/query-facts";
import type { ActorRequestInfo } from "./actor-request";
import type { LocatedActor } from "./locate";
import { workerLog } from "./log";

/**
 * Runs the actor's onAuth in the front Worker, before any Durable Object is addressed and before
 * any body is read. Returns the auth data that reaches the actor; throws to refuse the request.
 */
export function authorize(
  located: LocatedActor,
  request: Request,
  info: Pick<ActorRequestInfo, "query" | "params">,
  ...routeIntents: Intent[]
): Promise<unknown> {
  const options: AuthOptions = {
    request,
    intents: new Set([...queryIntents(info.query), ...routeIntents]),
    query: info.query,
    actor: actorAsked(located.name, info.query),
  };
  return runOnAuth(located.definition, located.name, options, info.params);
}

/** onAuth for a listing of the actors named `name`: the intent `list`, no query, no actor key. */
export function authorizeList(definition: AnyActorDefinition, name: string, request: Request, params: unknown): Promise<unknown> {
  return runOnAuth(definition, name, { request, intents: new Set(["list"]), actor: { name } }, params);
}

async function runOnAuth(definition: AnyActorDefinition, name: string, options: AuthOptions, params: unknown): Promise<unknown> {
  const { onAuth } = definition.config;
  if (!onAuth) throw errors.forbiddenWithoutOnAuth(name);
  return await onAuth(options, params);
}

/**
 * `authorize` for HTTP actions and raw HTTP, where RivetKit 2.0 answers an onAuth that throws
 * something other than its own errors with 400 `proxy_error` rather than 500 `internal_error`.
 * An `ActorflareError` (public or not), or a public error of RivetKit's, is answered as
 * everywhere else; the message of anything else stays in the log, as an internal error's does.
 */
export async function authorizeHttp(
  located: LocatedActor,
  request: Request,
  info: Pick<ActorRequestInfo, "query" | "params">,
  ...routeIntents: Intent[]
): Promise<unknown> {
  try {
    return await authorize(located, request, info, ...routeIntents);
  } catch (error) {
    // RivetKit's own public errors (ported onAuth code) are answered as ours are.
    if (error instanceof ActorflareError || rivetKitPublicError(error)) throw error;
    workerLog(`onAuth of actor '${located.name}' failed:`, error);
    throw errors.onAuthFailed(located.name);
  }
}

function actorAsked(name: string, query: ActorQuery): AuthOptions["actor"] {
  if ("getForId" in query) return { name, id: query.getForId.actorId };
  const { key } = "getForKey" in query ? query.getForKey : "getOrCreateForKey" in query ? query.getOrCreateForKey : query.create;
  return { name, key };
}
