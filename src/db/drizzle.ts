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
      // Drizzle's types take an async function here; it must be refused before any of it runs.
      const transaction = db.transaction.bind(db);
      db.transaction = (body, config) => {
        refuseAsyncFunction(body, "c.db.transaction(body)");
        return transaction(body, config);
      };
      return db;
    },
    migrate: migrations ? (_db, storage) => applyDrizzleMigrations(storage as DurableObjectStorage, migrations) : undefined,
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
