import { drizzle as drizzleOverStorage, type DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import type { DatabaseProvider } from "../actor/database";
import { refuseAsyncFunction, refusedStatement, synchronousResult } from "../actor/sql";
import { applyDrizzleMigrations, type DrizzleMigrations } from "./drizzle-migrations";

export interface DrizzleOptions<TSchema extends Record<string, unknown>> {
  /** The tables (and relations) of `c.db.query`: `import * as schema from "./schema"`. */
  schema?: TSchema;
  /** drizzle-kit's migrations (`driver: "durable-sqlite"`), applied on every wake before the actor starts (those not applied yet). */
  migrations?: DrizzleMigrations;
  /** Logs every query (Drizzle's logger). */
  logger?: boolean | undefined;
}

/**
 * Drizzle ORM over the actor's own SQLite, as `c.db`:
 *
 *   actor({ db: drizzle({ schema, migrations }), actions: { add: (c, title: string) => c.db.insert(todos).values({ title }).run() } })
 *
 * Which migrations ran is kept in Drizzle's own `__drizzle_migrations` table; the rest are
 * applied in one transaction.
 */
export function drizzle<TSchema extends Record<string, unknown> = Record<string, never>>(
  options: DrizzleOptions<TSchema> = {},
): DatabaseProvider<DrizzleSqliteDODatabase<TSchema>> {
  const { schema, migrations, logger } = options;
  return {
    // The provider is handed the object's DurableObjectStorage (typed loosely in DatabaseProvider).
    create: (storage) => {
      const durable = storage as DurableObjectStorage;
      const db = drizzleOverStorage(refusalsAsSqlErrors(durable), { schema, logger });
      // Queries run through the adapter; `c.db.$client` is the storage itself, as Drizzle promises.
      db.$client = durable;
      refusingAsyncBodies(db, "c.db.transaction(body)");
      return db;
    },
    migrate: migrations ? (_db, storage) => applyDrizzleMigrations(storage as DurableObjectStorage, migrations) : undefined,
  };
}

/** What has Drizzle's `transaction(body)`: the database, and each transaction, for a nested one (a savepoint). */
interface Transactional<Tx> {
  transaction<T>(body: (tx: Tx) => T, ...rest: never[]): T;
}

/**
 * Drizzle's types take an async function in `transaction`, on the database and on a transaction
 * alike: it must be refused before any of it runs (`refuseAsyncFunction`), at every depth.
 */
function refusingAsyncBodies<Tx extends Transactional<Tx>>(target: Transactional<Tx>, what: string): void {
  const transaction = target.transaction.bind(target);
  target.transaction = (body, ...rest) => {
    refuseAsyncFunction(body, what);
    return transaction(
      (tx) => {
        refusingAsyncBodies(tx, "tx.transaction(body)");
        return body(tx);
      },
      ...rest,
    );
  };
}

/**
 * The storage as Drizzle's Durable Objects session uses it (`sql.exec` and `transactionSync`,
 * nothing else), with a statement the runtime refuses thrown as `sql_error`, as `c.sql` throws
 * it: actions catch the same error from either, and the client gets SQLite's message.
 */
function refusalsAsSqlErrors(storage: DurableObjectStorage): DurableObjectStorage {
  const exec = <T extends Record<string, SqlStorageValue>>(query: string, ...bindings: unknown[]): SqlStorageCursor<T> => {
    try {
      return storage.sql.exec<T>(query, ...bindings);
    } catch (error) {
      throw refusedStatement(error);
    }
  };
  const used: { sql: Pick<SqlStorage, "exec">; transactionSync: DurableObjectStorage["transactionSync"] } = {
    sql: { exec },
    transactionSync: (closure) => storage.transactionSync(() => synchronousResult(closure(), "c.db.transaction(body)")),
  };
  return used as DurableObjectStorage;
}

export type { DrizzleMigrations, DrizzleSqliteDODatabase };
