import { tableExists } from "./storage-layout";
const TABLE = "actorflare_subscriptions";
/** How long changes wait to be written together: a burst of subscriptions costs a few commits, not one each. */
const FLUSH_DELAY_MS = 100;

/**
 * The subscriptions of connections that have too many to keep in their socket's attachment:
 * one row per connection and event, so a change writes one row however many the connection
 * holds (see durable-object/connection-records.ts). Changes are buffered and written together
 * a moment later: the runtime commits once per event that wrote, and a commit costs far more
 * than a row, so a burst of subscription messages costs a few commits instead of one each.
 * Buffered changes are not lost while their connection lives: the object does not hibernate
 * with a timer pending, and its sockets end with it.
 */
export class SubscriptionStore {
  readonly #sql: SqlStorage;
  readonly #transaction: (fn: () => void) => void;
  /** Changes not yet written: connection → event → subscribed. */
  readonly #pending = new Map<string, Map<string, boolean>>();
  #flushScheduled = false;
  /** The table is made on first use, so an actor whose connections never need it has none. */
  #exists: boolean | undefined;
  /** Rows written since the object started: for tests and benchmarks. */
  rowsWritten = 0;

  constructor(storage: DurableObjectStorage) {
    this.#sql = storage.sql;
    this.#transaction = (fn) => storage.transactionSync(fn);
  }

  #tableExists(): boolean {
    this.#exists ??= tableExists(this.#sql, TABLE);
    return this.#exists;
  }

  #createTable(): void {
    if (this.#tableExists()) return;
    this.#sql.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (conn TEXT NOT NULL, event TEXT NOT NULL, PRIMARY KEY (conn, event)) WITHOUT ROWID`);
    this.#exists = true;
  }

  /** A connection's subscriptions, moved here at once (one statement). */
  insertAll(conn: string, events: string[]): void {
    this.#createTable();
    this.#count(
      this.#sql.exec(`INSERT INTO ${TABLE} (conn, event) SELECT ?, value FROM json_each(?) WHERE true ON CONFLICT DO NOTHING`, conn, JSON.stringify(events)),
    );
  }

  /** Records a change of one subscription, written with the others after FLUSH_DELAY_MS. */
  change(conn: string, event: string, subscribed: boolean): void {
    let changes = this.#pending.get(conn);
    if (!changes) {
      changes = new Map();
      this.#pending.set(conn, changes);
    }
    changes.set(event, subscribed);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setTimeout(() => this.flush(), FLUSH_DELAY_MS);
  }

  /** Writes the buffered changes: per connection, one statement for the added and one for the removed. */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#pending.size === 0) return;
    this.#transaction(() => {
      for (const [conn, changes] of this.#pending) {
        const added: string[] = [];
        const removed: string[] = [];
        for (const [event, subscribed] of changes) (subscribed ? added : removed).push(event);
        if (added.length > 0) this.insertAll(conn, added);
        if (removed.length > 0)
          this.#count(this.#sql.exec(`DELETE FROM ${TABLE} WHERE conn = ? AND event IN (SELECT value FROM json_each(?))`, conn, JSON.stringify(removed)));
      }
    });
    this.#pending.clear();
  }

  read(conn: string): string[] {
    this.flush();
    if (!this.#tableExists()) return [];
    return this.#sql
      .exec<{ event: string }>(`SELECT event FROM ${TABLE} WHERE conn = ?`, conn)
      .toArray()
      .map((row) => row.event);
  }

  deleteConnection(conn: string): void {
    this.#pending.delete(conn);
    if (this.#tableExists()) this.#count(this.#sql.exec(`DELETE FROM ${TABLE} WHERE conn = ?`, conn));
  }

  /** Deletes the rows of every connection not listed: ones whose socket ended while the object was gone. */
  keepOnly(conns: string[]): void {
    if (this.#tableExists()) this.#count(this.#sql.exec(`DELETE FROM ${TABLE} WHERE conn NOT IN (SELECT value FROM json_each(?))`, JSON.stringify(conns)));
  }

  #count(cursor: SqlStorageCursor<Record<string, SqlStorageValue>>): void {
    this.rowsWritten += cursor.rowsWritten;
  }
}
