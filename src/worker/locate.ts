import type { AnyActorDefinition } from "../actor/definition";
import { nearestName } from "../actor/nearest-name";
import { ActorflareError, errors } from "../protocol/errors";
import type { ActorObjectRpc, ActorTarget } from "../server/contract";
import { locationHintOf } from "../protocol/placement";
import type { ActorQuery } from "../protocol/query";
import { inJurisdiction } from "../server/jurisdiction";
import { keyToName } from "../server/object-names";
import { exportLine, wranglerLines } from "./names";

export { keyToName };
import type { RegistryRuntime } from "./registry-runtime";

/** An actor's Durable Object as the Worker calls it: its RPC methods, and fetch for streams. */
export type ActorStub = ActorObjectRpc & { fetch(request: Request): Promise<Response> };

/** Where a query leads: the actor's definition, its Durable Object, and what the object must do. */
export interface LocatedActor {
  name: string;
  definition: AnyActorDefinition;
  /** The object's id (an actor calling through `c.client()` compares it with its own). */
  id: DurableObjectId;
  stub: ActorStub;
  target: ActorTarget;
}

/**
 * Resolves a query to a Durable Object without touching it. A key maps to an object through
 * `idFromName`, so the same key always reaches the same object, and whether it exists is
 * decided inside that object (atomically, for getOrCreate).
 */
export function locateActor(runtime: RegistryRuntime, env: unknown, query: ActorQuery): LocatedActor {
  if ("getForId" in query) return locateById(runtime, env, query.getForId.actorId, query.getForId.name);
  const [variant, kind]: [{ name: string; key: string[]; region?: unknown }, ActorTarget] =
    "getForKey" in query
      ? [query.getForKey, { kind: "get" }]
      : "getOrCreateForKey" in query
        ? [query.getOrCreateForKey, { kind: "getOrCreate", key: query.getOrCreateForKey.key, input: query.getOrCreateForKey.input }]
        : [query.create, { kind: "create", key: query.create.key, input: query.create.input }];
  const target: ActorTarget = { ...kind, actor: variant.name };
  const definition = definitionOf(runtime, variant.name);
  const namespace = namespaceOf(runtime, env, variant.name, definition);
  const id = namespace.idFromName(keyToName(variant.key));
  // The hint only counts when this request creates the object; for one that exists it changes nothing.
  const region = "region" in variant && variant.region !== undefined ? locationHintOf(variant.region) : undefined;
  const stub = stubOf(namespace, id, region && { locationHint: region });
  return { name: variant.name, definition, id, stub, target };
}

function locateById(runtime: RegistryRuntime, env: unknown, actorId: string, name: string | undefined): LocatedActor {
  // An id embeds its namespace, so the id alone tells which actor class it belongs to.
  const candidates = name === undefined ? Object.keys(runtime.actors) : [name];
  for (const candidate of candidates) {
    const definition = definitionOf(runtime, candidate);
    const namespace = namespaceOf(runtime, env, candidate, definition);
    const id = idFromString(namespace, actorId);
    if (id) return { name: candidate, definition, id, stub: stubOf(namespace, id), target: { kind: "get", actor: candidate } };
  }
  throw errors.actorNotFound(`No actor${name ? ` '${name}'` : ""} has id '${actorId}'.`);
}

/** The object's stub; the namespace's type does not know our class, which implements ActorObjectRpc. */
function stubOf(namespace: DurableObjectNamespace, id: DurableObjectId, options?: DurableObjectNamespaceGetDurableObjectOptions): ActorStub {
  return namespace.get(id, options) as unknown as ActorStub;
}

function idFromString(namespace: DurableObjectNamespace, actorId: string): DurableObjectId | undefined {
  try {
    return namespace.idFromString(actorId);
  } catch {
    return undefined;
  }
}

/** An actor name's definition and namespace, without addressing any object (`actor_not_found`, `binding_not_found`). */
export function locateName(runtime: RegistryRuntime, env: unknown, name: string): { definition: AnyActorDefinition; namespace: DurableObjectNamespace } {
  const definition = definitionOf(runtime, name);
  return { definition, namespace: namespaceOf(runtime, env, name, definition) };
}

function definitionOf(runtime: RegistryRuntime, name: string): AnyActorDefinition {
  const definition = Object.hasOwn(runtime.actors, name) ? runtime.actors[name] : undefined;
  if (!definition) {
    const registered = Object.keys(runtime.actors);
    const nearest = nearestName(name, registered);
    const hint = nearest ? ` Did you mean '${nearest}'?` : "";
    throw errors.actorNotFound(`No actor named '${name}' is registered.${hint} Registered actors: ${registered.join(", ") || "(none)"}.`);
  }
  return definition;
}

/** The actor's namespace: its binding, inside the definition's jurisdiction if it has one. */
function namespaceOf(runtime: RegistryRuntime, env: unknown, name: string, definition: AnyActorDefinition): DurableObjectNamespace {
  const binding = runtime.bindingName(name);
  const namespace = (env as Record<string, unknown> | undefined)?.[binding];
  if (typeof namespace === "object" && namespace !== null && "idFromName" in namespace) {
    return inJurisdiction(namespace as DurableObjectNamespace, definition.config.jurisdiction);
  }
  throw new ActorflareError(
    "binding_not_found",
    `The Durable Object binding '${binding}' for actor '${name}' is missing. Add to wrangler.toml (or the same keys to wrangler.jsonc):\n\n${wranglerLines(name, binding)}\n\nand export the class from your worker entry: ${exportLine(name)}\n\nIf the class is already bound under another name, rename that binding to '${binding}', or name it in setup({ bindings: { ${JSON.stringify(name)}: "<that name>" } }).`,
    { status: 500 },
  );
}
