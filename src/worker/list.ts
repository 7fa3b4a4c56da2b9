import { type ActorListPage, parseListLimit } from "../protocol/actor-list";
import { errors } from "../protocol/errors";
import type { ActorIndexRpc, IndexEntry, IndexPage, IndexPosition } from "../server/actor-index";
import { INDEX_SHARDS, indexShardName } from "../server/object-names";
import { withRuntimeRetries } from "../server/runtime-retries";
import { locateName } from "./locate";
import type { RegistryRuntime } from "./registry-runtime";

/** A page asked for, checked: where it starts and how long it is. */
export interface ListRequest {
  after: IndexPosition | undefined;
  limit: number;
}

/** Reads a page's cursor and limit as a client sends them; `invalid_request` for a bad one. */
export function parseListRequest(cursor: string | null | undefined, limit: string | number | null | undefined): ListRequest {
  return { after: cursor === null || cursor === undefined ? undefined : decodeCursor(cursor), limit: parseListLimit(limit) };
}

/**
 * A page of the actors named `name`, in the order they were created (then by id), merged from
 * every shard of the actor index (server/actor-index.ts): each shard answers its first `limit`
 * actors after the cursor, which together hold the first `limit` of all.
 */
export async function listActors(runtime: RegistryRuntime, env: unknown, name: string, { after, limit }: ListRequest): Promise<ActorListPage> {
  const { namespace } = locateName(runtime, env, name);
  let pages: IndexPage[];
  try {
    pages = await Promise.all(
      indexShardIds(namespace).map((id) => {
        const stub = namespace.get(id) as unknown as ActorIndexRpc;
        return withRuntimeRetries(() => stub.indexPage(after, limit));
      }),
    );
  } catch (error) {
    throw errors.indexUnavailable(error instanceof Error ? error.message : String(error));
  }
  const merged = pages.flatMap((page) => page.entries).sort(byPosition);
  const entries = merged.slice(0, limit);
  const more = merged.length > limit || pages.some((page) => page.more);
  const last = entries[entries.length - 1];
  const actors = entries.map(({ id, key, createdAt }) => ({ id, name, key, createdAt }));
  return more && last ? { actors, cursor: encodeCursor(last) } : { actors };
}

/** The ids of the actor index's objects in an actor's namespace (they are not actors). */
export function indexShardIds(namespace: DurableObjectNamespace): DurableObjectId[] {
  return Array.from({ length: INDEX_SHARDS }, (_, shard) => namespace.idFromName(indexShardName(shard)));
}

/** Creation time, then id: both compare the same in SQLite (the shards' order) and here. */
function byPosition(a: IndexEntry, b: IndexEntry): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The cursor after an entry: base64url of `[createdAt, id]`, opaque to clients. */
function encodeCursor({ createdAt, id }: IndexEntry): string {
  return btoa(JSON.stringify([createdAt, id]))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

function decodeCursor(cursor: string): IndexPosition {
  let value: unknown;
  try {
    value = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")));
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || value.length !== 2 || !Number.isSafeInteger(value[0]) || typeof value[1] !== "string" || !/^[0-9a-f]{1,128}$/.test(value[1])) {
    throw errors.invalidRequest("The list cursor is not one this server gave out: pass the `cursor` of the previous page back unchanged.", {
      path: ["cursor"],
    });
  }
  return { createdAt: value[0] as number, id: value[1] };
}
