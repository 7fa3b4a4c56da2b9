import { ActorflareError, errors } from "../protocol/errors";
import type { ActorIndexRpc, IndexEntry } from "../server/actor-index";
import { indexShardName, indexShardOf, keyToName } from "../server/object-names";
import { isRpcMissing, withRuntimeRetries } from "../server/runtime-retries";

/**
 * An actor's own entry in the actor index (server/actor-index.ts), written by the actor's object
 * into the index shard its key hashes to, in the same namespace.
 */
export class IndexClient {
  readonly #namespace: () => DurableObjectNamespace;
  readonly #log: (...args: unknown[]) => void;

  constructor(namespace: () => DurableObjectNamespace, log: (...args: unknown[]) => void) {
    this.#namespace = namespace;
    this.#log = log;
  }

  /**
   * Writes the entry pending, before the actor is created or destroyed, and resolves with the
   * token that settles it. Throws `index_unavailable` when the shard cannot be reached: the change
   * must not go ahead, or the index could miss an actor or keep a destroyed one.
   */
  async mark(entry: IndexEntry): Promise<string> {
    const token = crypto.randomUUID();
    await this.#call(entry.key, (shard) => shard.indexWrite(entry, token));
    return token;
  }

  /** Writes the settled entry of an actor that exists (one made before the index existed). Throws `index_unavailable`. */
  put(entry: IndexEntry): Promise<void> {
    return this.#call(entry.key, (shard) => shard.indexWrite(entry, null));
  }

  /**
   * Settles a pending entry after a change that left no actor (a destroy, a failed creation): the
   * entry is deleted. A creation that succeeds leaves its entry for the first listing to settle.
   * Never rejects: if the shard cannot be reached the entry stays pending, and listings ask the actor.
   */
  async settleGone(key: string[], token: string): Promise<void> {
    try {
      await this.#call(key, (shard) => shard.indexSettle(key, token, false));
    } catch (error) {
      this.#log("the actor index entry stays pending (listings will ask the actor):", error);
    }
  }

  async #call(key: string[], call: (shard: ActorIndexRpc) => Promise<void>): Promise<void> {
    const namespace = this.#namespace();
    const shard = namespace.get(namespace.idFromName(indexShardName(indexShardOf(keyToName(key))))) as unknown as ActorIndexRpc;
    try {
      await withRuntimeRetries(() => call(shard));
    } catch (error) {
      if (isRpcMissing(shard, "indexWrite", error)) throw errors.rpcUnavailable();
      throw errors.indexUnavailable(error instanceof Error ? error.message : String(error));
    }
  }
}

/** The actor's namespace in the object's `env`, through which it reaches the actor index. */
export function namespaceIn(env: unknown, binding: string, name: string): DurableObjectNamespace {
  const namespace = (env as Record<string, unknown> | undefined)?.[binding];
  if (typeof namespace === "object" && namespace !== null && "idFromName" in namespace) return namespace as DurableObjectNamespace;
  throw new ActorflareError(
    "binding_not_found",
    `The Durable Object binding '${binding}' of actor '${name}' is missing from its object's env; the object needs it to reach the actor index.`,
    { status: 500 },
  );
}
