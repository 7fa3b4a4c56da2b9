/**
 * How objects of an actor's Durable Object namespace are named. An actor is the object named by
 * the JSON of its key, which always starts with `[`; the actor index (server/actor-index.ts)
 * lives in the same namespace under names that never do, so no key can reach it.
 */

/** The object name of a key: JSON keeps `["a,b"]` and `["a","b"]` apart. */
export function keyToName(key: string[]): string {
  return JSON.stringify(key);
}

/**
 * How many index objects share the listing of one actor name. Part of the stored layout: an
 * entry is found only in the shard its key hashes to, so the number may never change without a
 * migration that moves every entry.
 */
export const INDEX_SHARDS = 16;

/** The object name of index shard `shard` (0 to INDEX_SHARDS - 1). */
export function indexShardName(shard: number): string {
  return `actorflare:index:${shard}`;
}

/** The shard that keeps the entry of the actor named `objectName` (FNV-1a of its UTF-16 units; fixed forever). */
export function indexShardOf(objectName: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < objectName.length; i++) hash = Math.imul(hash ^ objectName.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % INDEX_SHARDS;
}
