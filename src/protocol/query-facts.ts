import type { ActorQuery, Intent } from "./query";

// Facts about a parsed query, apart from the parser, so the browser client bundles only these.

/** The registry name a query addresses, when it names one. */
export function queryActorName(query: ActorQuery): string | undefined {
  if ("getForId" in query) return query.getForId.name;
  if ("getForKey" in query) return query.getForKey.name;
  if ("getOrCreateForKey" in query) return query.getOrCreateForKey.name;
  return query.create.name;
}

/** The intents a query carries on its own (docs/protocol.md §2, §8). */
export function queryIntents(query: ActorQuery): Intent[] {
  if ("getOrCreateForKey" in query) return ["get", "create"];
  if ("create" in query) return ["create"];
  return ["get"];
}

/** The query that reaches the actor a query names without ever creating it: `getForKey` for the key variants. */
export function existingActorQuery(query: ActorQuery): ActorQuery {
  if ("getOrCreateForKey" in query) return { getForKey: { name: query.getOrCreateForKey.name, key: query.getOrCreateForKey.key } };
  if ("create" in query) return { getForKey: { name: query.create.name, key: query.create.key } };
  return query;
}
