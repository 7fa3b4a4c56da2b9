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
