/**
 * A database for `actor({ db })`, such as `drizzle({ schema, migrations })` from
 * `actorflare/db/drizzle`: built over the object's storage on every wake and brought up to date
 * before the actor serves anything. The actor reaches it as `c.db`.
 */
export interface DatabaseProvider<DB> {
  /** Builds the database client over the Durable Object's storage (its SQLite). */
  create(storage: ObjectStorage): DB;
  /**
   * Brings the schema up to date, all or nothing (in one transaction, as the Drizzle provider
   * does); runs once per wake, before onCreate and onStart. If it throws, the wake fails with
   * `migration_failed` and the next request tries again.
   */
  migrate?(db: DB, storage: ObjectStorage): void | Promise<void>;
}

/** The `c.db` type of a config's `db`: the provider's client, or `undefined` without one. */
export type DatabaseOf<P> = P extends DatabaseProvider<infer DB> ? DB : undefined;

/**
 * The Durable Object's storage: Workers' `DurableObjectStorage`, which a provider casts to, named
 * by the few members every provider needs so that client projects importing `typeof registry`
 * type-check without the Workers types.
 */
export interface ObjectStorage {
  readonly sql: object;
  transactionSync<T>(closure: () => T): T;
}
