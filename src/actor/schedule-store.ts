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

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  createTable(): void {
    this.#sql.exec(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (id TEXT PRIMARY KEY, at INTEGER NOT NULL, action TEXT NOT NULL, args TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)`,
    );
  }

  insert(job: ScheduledJob): void {
    this.#sql.exec(`INSERT INTO ${TABLE} (id, at, action, args, attempts) VALUES (?, ?, ?, ?, ?)`, job.id, job.at, job.action, JSON.stringify(job.args), job.attempts);
  }

  /** Jobs due at `now`, earliest first. */
  due(now: number): ScheduledJob[] {
    return this.#sql
      .exec<{ id: string; at: number; action: string; args: string; attempts: number }>(`SELECT id, at, action, args, attempts FROM ${TABLE} WHERE at <= ? ORDER BY at, id`, now)
      .toArray()
      .map((row) => ({ ...row, args: JSON.parse(row.args) as unknown[] }));
  }

  delete(id: string): void {
    this.#sql.exec(`DELETE FROM ${TABLE} WHERE id = ?`, id);
  }

  reschedule(id: string, at: number, attempts: number): void {
    this.#sql.exec(`UPDATE ${TABLE} SET at = ?, attempts = ? WHERE id = ?`, at, attempts, id);
  }

  /** When the earliest job is due, if any. */
  next(): number | undefined {
    const row = this.#sql.exec<{ at: number | null }>(`SELECT MIN(at) AS at FROM ${TABLE}`).one();
    return row.at ?? undefined;
  }
}
