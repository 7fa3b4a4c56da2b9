import { ActorflareError } from "../protocol/errors";

/**
 * The migrations drizzle-kit writes for the `durable-sqlite` driver: its `migrations.js` exports
 * `{ journal, migrations }`, one SQL text per journal entry (`m0000`, `m0001`, …) whose statements
 * are separated by `--> statement-breakpoint`.
 */
export interface DrizzleMigrations {
  journal: { entries: { idx: number; when: number; tag: string; breakpoints: boolean }[] };
  migrations: Record<string, string>;
}

/** Drizzle's own bookkeeping table, kept as Drizzle's migrator keeps it, so either can take over. */
const MIGRATIONS_TABLE = "__drizzle_migrations";

/**
 * Applies the migrations not applied yet, in one transaction: all of them or none. This follows
 * Drizzle's migrator for Durable Objects (same table, same rule: an entry runs when it is newer
 * than the newest recorded) but is ours because Drizzle's replaces a failing statement's error
 * with a bare "Rollback"; here the error names the migration and carries SQLite's message.
 */
export function applyDrizzleMigrations(storage: DurableObjectStorage, { journal, migrations }: DrizzleMigrations): void {
  const { sql } = storage;
  storage.transactionSync(() => {
    sql.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`);
    const [newest] = sql.exec<{ created_at: number }>(`SELECT created_at FROM ${MIGRATIONS_TABLE} ORDER BY created_at DESC LIMIT 1`).toArray();
    for (const entry of journal.entries) {
      if (newest && Number(newest.created_at) >= entry.when) continue;
      const text = migrations[`m${String(entry.idx).padStart(4, "0")}`];
      if (text === undefined) throw new MigrationError(entry.tag, `its SQL is missing from migrations (expected m${String(entry.idx).padStart(4, "0")})`);
      for (const statement of text.split("--> statement-breakpoint")) {
        if (statement.trim() === "") continue;
        try {
          sql.exec(statement);
        } catch (error) {
          throw new MigrationError(entry.tag, error instanceof Error ? error.message : String(error));
        }
      }
      sql.exec(`INSERT INTO ${MIGRATIONS_TABLE} (hash, created_at) VALUES (?, ?)`, "", entry.when);
    }
  });
}

/** A migration that could not be applied; the actor turns it into `migration_failed`. */
export class MigrationError extends ActorflareError {
  constructor(tag: string, problem: string) {
    super("migration_failed", `migration ${tag}: ${problem}`, { status: 500 });
    this.name = "MigrationError";
  }
}
