import type { AnyActorDefinition } from "../actor/definition";
import { errors } from "../protocol/errors";
import type { Intent } from "../protocol/query";

/**
 * Runs the actor's onAuth in the front Worker, before any Durable Object is addressed.
 * Returns the auth data that reaches the actor; throws to refuse the request.
 */
export async function authorize(
  name: string,
  definition: AnyActorDefinition,
  request: Request,
  intents: Intent[],
  params: unknown,
): Promise<unknown> {
  const { onAuth } = definition.config;
  if (!onAuth) throw errors.forbiddenWithoutOnAuth(name);
  return await onAuth({ request, intents: new Set(intents) }, params);
}
