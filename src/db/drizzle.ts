import { drizzle as drizzleOverStorage, type DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import type { DatabaseProvider } from "../actor/database";
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
    create: (storage) => drizzleOverStorage(storage as DurableObjectStorage, { schema, logger }),
    migrate: migrations ? (_db, storage) => applyDrizzleMigrations(storage as DurableObjectStorage, migrations) : undefined,
  };
}

export type { DrizzleMigrations, DrizzleSqliteDODatabase };
