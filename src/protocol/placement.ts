import { errors } from "./errors";

/**
 * Where a new actor's Durable Object lives. A region hint (`getOrCreate(key, { createInRegion })`,
 * `create(key, { region })`, the query's `region`) is a Durable Objects location hint: the
 * object is created near it, on its first request, and stays there. A jurisdiction (the actor
 * definition's `jurisdiction`) keeps every object of the actor, and its storage, inside it.
 */

/** Durable Objects' location hints. */
export const LOCATION_HINTS = ["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"] as const;
export type LocationHint = (typeof LOCATION_HINTS)[number];

/** Durable Objects' jurisdictions. */
export const JURISDICTIONS = ["eu", "fedramp", "fedramp-high"] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

const HINTS: ReadonlySet<string> = new Set(LOCATION_HINTS);

/** The region as a location hint; `invalid_region` for anything else. */
export function locationHintOf(region: unknown): LocationHint {
  if (typeof region === "string" && HINTS.has(region)) return region as LocationHint;
  throw errors.invalidRegion(region, LOCATION_HINTS);
}

export function isJurisdiction(value: unknown): value is Jurisdiction {
  return typeof value === "string" && (JURISDICTIONS as readonly string[]).includes(value);
}
