import type { AuthOptions } from "../actor/definition";
import { errors } from "../protocol/errors";
import type { ActorQuery, Intent } from "../protocol/query";
import { queryIntents } from "../protocol/query-facts";
import type { ActorRequestInfo } from "./actor-request";
import type { LocatedActor } from "./locate";

/**
 * Runs the actor's onAuth in the front Worker, before any Durable Object is addressed and before
 * any body is read. Returns the auth data that reaches the actor; throws to refuse the request.
 */
export async function authorize(
  located: LocatedActor,
  request: Request,
  info: Pick<ActorRequestInfo, "query" | "params">,
  ...routeIntents: Intent[]
): Promise<unknown> {
  const { onAuth } = located.definition.config;
  if (!onAuth) throw errors.forbiddenWithoutOnAuth(located.name);
  const options: AuthOptions = {
    request,
    intents: new Set([...queryIntents(info.query), ...routeIntents]),
    query: info.query,
    actor: actorAsked(located.name, info.query),
  };
  return await onAuth(options, info.params);
}

function actorAsked(name: string, query: ActorQuery): AuthOptions["actor"] {
  if ("getForId" in query) return { name, id: query.getForId.actorId };
  const { key } = "getForKey" in query ? query.getForKey : "getOrCreateForKey" in query ? query.getOrCreateForKey : query.create;
  return { name, key };
}
