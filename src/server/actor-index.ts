/**
 * The actor index: which actors of one name exist, for listings. Durable Objects cannot be
 * listed from a Worker, so each actor records itself in one of INDEX_SHARDS index objects of its
 * own namespace (server/object-names.ts), by a hash of its key. docs/architecture.md §8 explains
 * the design: an entry is written *pending* before the actor is created or destroyed; a destroy
 * settles it after, a creation leaves that to the first listing. A listing asks the actor itself
 * about a pending entry, so a crash between the two steps leaves neither a lost actor nor a
 * phantom one.
 */

/** What the index keeps about one actor. */
export interface IndexEntry {
  key: string[];
  /** The actor's id (its object's id). */
  id: string;
  createdAt: number;
}

/** Where a page starts: after this actor, in the order (createdAt, id). Both parts compare alike in SQLite and JavaScript. */
export interface IndexPosition {
  createdAt: number;
  id: string;
}

export interface IndexPage {
  entries: IndexEntry[];
  /** Whether rows remain after the last entry (some may turn out to be gone). */
  more: boolean;
}

/** An actor object's answer about itself: it exists, it does not, or a destroy is under way. */
export type Existence = "exists" | "missing" | "changing";

/** The RPC methods of the index, on every actor object (the index shards are objects of the actor's class). */
export interface ActorIndexRpc {
  /** Records an entry: pending under `token` (a change is under way), or settled when `token` is null. */
  indexWrite(entry: IndexEntry, token: string | null): Promise<void>;
  /** Settles a pending entry if it is still pending under `token`: kept when the actor exists, deleted when not. */
  indexSettle(key: string[], token: string, exists: boolean): Promise<void>;
  /** Up to `limit` existing actors after `after`, pending entries checked with their actors first. */
  indexPage(after: IndexPosition | undefined, limit: number): Promise<IndexPage>;
  /** Asked of an actor's own object: whether the actor exists. Creates nothing. */
  existence(): Promise<Existence>;
}
