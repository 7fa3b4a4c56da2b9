import { errors } from "./errors";

/** One actor in a listing (`GET /registry/actors/list`, `client.<name>.list()`). */
export interface ActorListing {
  /** The actor's id, as `resolve()` answers it. */
  id: string;
  /** Its name in the registry. */
  name: string;
  key: string[];
  /** When it was created, in ms since the epoch. */
  createdAt: number;
}

/** One page of a listing: actors in the order they were created, and where the next page starts. */
export interface ActorListPage {
  actors: ActorListing[];
  /** Absent on the last page; otherwise pass it back to get the next one. */
  cursor?: string;
}

/** How many actors one page holds at most, and by default. */
export const MAX_LIST_LIMIT = 100;

/** A page size from a request: a whole number from 1 to MAX_LIST_LIMIT, MAX_LIST_LIMIT when absent. */
export function parseListLimit(value: string | number | null | undefined): number {
  if (value === null || value === undefined) return MAX_LIST_LIMIT;
  const limit = typeof value === "number" ? value : /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw errors.invalidRequest(`The list limit must be a whole number from 1 to ${MAX_LIST_LIMIT} (got ${JSON.stringify(value)}).`, { path: ["limit"] });
  }
  return limit;
}
