import { RECORD_VERSION, tableExists } from "./storage-layout";

/** A job waiting to run: an action, its arguments, and when. */
export interface ScheduledJob {
  id: string;
  at: number;
  action: string;
  args: unknown[];
  attempts: number;
}

const TABLE = "actorflare_schedule";

/**
 * Scheduled jobs in the object's SQLite storage. A Durable Object has one alarm, so the jobs
 * live in a table and the alarm is always set to the earliest one (see scheduler.ts).
 */
export class ScheduleStore {
  readonly #sql: SqlStorage;
  /** The table is made by the first job, so an actor that never schedules has none. */
  #exists: boolean | undefined;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  #tableExists(): boolean {
    this.#exists ??= tableExists(this.#sql, TABLE);
    return this.#exists;
  }

  #createTable(): void {
    if (this.#tableExists()) return;
    this.#exists = true;
    this.#sql.exec(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (id TEXT PRIMARY KEY, at INTEGER NOT NULL, action TEXT NOT NULL, args TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, v INTEGER NOT NULL)`,
    );
  }

  insert(job: ScheduledJob): void {
    this.#createTable();
    this.#sql.exec(
      `INSERT INTO ${TABLE} (id, at, action, args, attempts, v) VALUES (?, ?, ?, ?, ?, ?)`,
      job.id,
      job.at,
      job.action,
      JSON.stringify(job.args),
      job.attempts,
      RECORD_VERSION,
    );
  }

  /** Jobs due at `now`, earliest first. */
  due(now: number): ScheduledJob[] {
    if (!this.#tableExists()) return [];
    return this.#sql
      .exec<{ id: string; at: number; action: string; args: string; attempts: number }>(
        `SELECT id, at, action, args, attempts FROM ${TABLE} WHERE at <= ? ORDER BY at, id`,
        now,
      )
      .toArray()
      .map((row) => ({ ...row, args: JSON.parse(row.args) as unknown[] }));
  }

  delete(id: string): void {
    this.#sql.exec(`DELETE FROM ${TABLE} WHERE id = ?`, id);
  }

  reschedule(id: string, at: number, attempts: number): void {
    this.#sql.exec(`UPDATE ${TABLE} SET at = ?, attempts = ? WHERE id = ?`, at, attempts, id);
  }

  /** Makes every later job due at `now`, keeping their order (for tests that do not wait: actorflare/testing). */
  bringForward(now: number): void {
    if (!this.#tableExists()) return;
    this.#sql.exec(`UPDATE ${TABLE} SET at = ? WHERE at > ?`, now, now);
  }

  /** When the earliest job is due, if any. */
  next(): number | undefined {
    if (!this.#tableExists()) return undefined;
    const row = this.#sql.exec<{ at: number | null }>(`SELECT MIN(at) AS at FROM ${TABLE}`).one();
    return row.at ?? undefined;
  }
}
