import { JOB_ROW_VERSION, tableExists } from "./storage-layout";

/** A job as stored: an action, its arguments, when it is due next, and its cron expression if it repeats. */
export interface JobRow {
  id: string;
  /** When the job is due (ms since the epoch): its time, a cron job's next time, or a retry's. */
  at: number;
  action: string;
  args: unknown[];
  /** Failed tries of the run that is due. */
  attempts: number;
  /** The cron expression of a repeating job; null for a job that runs once. */
  cron: string | null;
  /** The due time of a run whose state changes were stored before it finished (it was cut short); else null. */
  started: number | null;
}

/** A job to store: its arguments already as the JSON the table keeps. */
export interface NewJob {
  id: string;
  at: number;
  action: string;
  argsJson: string;
  cron: string | null;
}

const TABLE = "actorflare_schedule";
const COLUMNS = "id, at, action, args, attempts, cron, started";

/**
 * Jobs in the order they run and are listed: by due time, and jobs due at the same time in the
 * order they were scheduled. The table has SQLite's rowid, which a new row gets past every row
 * there, so it orders rows by insertion; an update keeps a row's rowid (a retry or a cron job's
 * next time keeps its place among ties).
 */
const IN_ORDER = "ORDER BY at, rowid";

type Row = Omit<JobRow, "args"> & { args: string };

/**
 * Scheduled jobs in the object's SQLite storage. A Durable Object has one alarm, so the jobs
 * live in a table and the alarm is always set to the earliest one (see scheduler.ts).
 *
 * A run is settled against the due time it ran for (`WHERE id = ? AND at = ?`): a job that was
 * cancelled or moved meanwhile is left alone, and a second settlement of the same due time
 * changes nothing. A run whose state changes are stored before it ends (another handler saved
 * the state meanwhile, or it called `c.saveState()`) is marked `started` in the same write.
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
      `CREATE TABLE IF NOT EXISTS ${TABLE} (id TEXT PRIMARY KEY, at INTEGER NOT NULL, action TEXT NOT NULL, args TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, v INTEGER NOT NULL, cron TEXT, started INTEGER)`,
    );
  }

  insert(job: NewJob): void {
    this.#createTable();
    this.#sql.exec(
      `INSERT INTO ${TABLE} (id, at, action, args, attempts, v, cron) VALUES (?, ?, ?, ?, 0, ?, ?)`,
      job.id,
      job.at,
      job.action,
      job.argsJson,
      JOB_ROW_VERSION,
      job.cron,
    );
  }

  /** The id of a cron job with this expression, action and arguments, if there is one. */
  findCron(cron: string, action: string, argsJson: string): string | undefined {
    if (!this.#tableExists()) return undefined;
    return this.#sql
      .exec<{ id: string }>(`SELECT id FROM ${TABLE} WHERE cron = ? AND action = ? AND args = ? ${IN_ORDER} LIMIT 1`, cron, action, argsJson)
      .toArray()[0]?.id;
  }

  /** Every job, earliest first. */
  all(): JobRow[] {
    if (!this.#tableExists()) return [];
    return this.#rows(`SELECT ${COLUMNS} FROM ${TABLE} ${IN_ORDER}`);
  }

  /** Jobs due at `now`, earliest first. */
  due(now: number): JobRow[] {
    if (!this.#tableExists()) return [];
    return this.#rows(`SELECT ${COLUMNS} FROM ${TABLE} WHERE at <= ? ${IN_ORDER}`, now);
  }

  /** Whether the job is still due at `at` (not cancelled, moved or settled since it was read). */
  isDueAt(id: string, at: number): boolean {
    return this.#sql.exec(`SELECT 1 FROM ${TABLE} WHERE id = ? AND at = ?`, id, at).toArray().length > 0;
  }

  /** Removes a job; whether there was one. */
  delete(id: string): boolean {
    if (!this.#tableExists()) return false;
    return this.#sql.exec(`DELETE FROM ${TABLE} WHERE id = ?`, id).rowsWritten > 0;
  }

  /** Marks the run due at `dueAt` as one whose state changes are being stored before it ends. */
  markStarted(id: string, dueAt: number): void {
    this.#sql.exec(`UPDATE ${TABLE} SET started = at WHERE id = ? AND at = ?`, id, dueAt);
  }

  /** Ends the job's run that was due at `dueAt`: gone for good (`next` undefined) or due again at `next` with `attempts`. */
  settle(id: string, dueAt: number, next: { at: number; attempts: number } | undefined): void {
    if (next === undefined) this.#sql.exec(`DELETE FROM ${TABLE} WHERE id = ? AND at = ?`, id, dueAt);
    else this.#sql.exec(`UPDATE ${TABLE} SET at = ?, attempts = ?, started = NULL WHERE id = ? AND at = ?`, next.at, next.attempts, id, dueAt);
  }

  /**
   * Makes every later job due at `now`, keeping their order (for tests that do not wait:
   * actorflare/testing). They all tie at `now`, so their rowids are renumbered past every job's,
   * in their order: they come after the jobs due already, in time order.
   */
  bringForward(now: number): void {
    if (!this.#tableExists()) return;
    const { last } = this.#sql.exec<{ last: number }>(`SELECT MAX(rowid) AS last FROM ${TABLE}`).one();
    this.#sql.exec(
      `UPDATE ${TABLE} SET at = ?, rowid = ? + later.n FROM (SELECT rowid AS old, ROW_NUMBER() OVER (${IN_ORDER}) AS n FROM ${TABLE} WHERE at > ?) AS later WHERE ${TABLE}.rowid = later.old`,
      now,
      last,
      now,
    );
  }

  /** When the earliest job is due, if any. */
  next(): number | undefined {
    if (!this.#tableExists()) return undefined;
    const row = this.#sql.exec<{ at: number | null }>(`SELECT MIN(at) AS at FROM ${TABLE}`).one();
    return row.at ?? undefined;
  }

  #rows(query: string, ...bindings: SqlStorageValue[]): JobRow[] {
    return this.#sql
      .exec<Row>(query, ...bindings)
      .toArray()
      .map((row) => ({ ...row, args: JSON.parse(row.args) as unknown[] }));
  }
}
