import { RECORD_VERSION, tableExists } from "../actor/storage-layout";
import type { Existence, IndexEntry, IndexPage, IndexPosition } from "../server/actor-index";
import { keyToName } from "../server/object-names";

const TABLE = "actorflare_index";

type Row = {
  name: string;
  id: string;
  created_at: number;
  pending: string | null;
};

/**
 * One shard of the actor index, in an index object's own storage: one row per actor whose key
 * hashes here, pending (with the token of the change under way) or settled. Pages come in the
 * order (createdAt, id); a pending row is settled by asking its actor before it is listed.
 */
export class IndexShard {
  readonly #sql: SqlStorage;
  readonly #probe: (key: string[]) => Promise<Existence>;
  #exists: boolean | undefined;

  /** `probe` asks an actor's object whether it exists. */
  constructor(sql: SqlStorage, probe: (key: string[]) => Promise<Existence>) {
    this.#sql = sql;
    this.#probe = probe;
  }

  #tableExists(): boolean {
    this.#exists ??= tableExists(this.#sql, TABLE);
    return this.#exists;
  }

  write(entry: IndexEntry, token: string | null): void {
    if (!this.#tableExists()) {
      this.#sql.exec(
        `CREATE TABLE IF NOT EXISTS ${TABLE} (name TEXT PRIMARY KEY, id TEXT NOT NULL, created_at INTEGER NOT NULL, pending TEXT, v INTEGER NOT NULL)`,
      );
      this.#sql.exec(`CREATE INDEX IF NOT EXISTS ${TABLE}_order ON ${TABLE} (created_at, id)`);
      this.#exists = true;
    }
    this.#sql.exec(
      `INSERT INTO ${TABLE} (name, id, created_at, pending, v) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET id = excluded.id, created_at = excluded.created_at, pending = excluded.pending, v = excluded.v`,
      keyToName(entry.key),
      entry.id,
      entry.createdAt,
      token,
      RECORD_VERSION,
    );
  }

  /** Settles the row if it is still pending under `token` (a later change wrote another). */
  settle(key: string[], token: string, exists: boolean): void {
    if (!this.#tableExists()) return;
    const name = keyToName(key);
    if (exists) this.#sql.exec(`UPDATE ${TABLE} SET pending = NULL WHERE name = ? AND pending = ?`, name, token);
    else this.#sql.exec(`DELETE FROM ${TABLE} WHERE name = ? AND pending = ?`, name, token);
  }

  /** Up to `limit` actors that exist, after `after`; `more` when rows remain past the last one read. */
  async page(after: IndexPosition | undefined, limit: number): Promise<IndexPage> {
    const entries: IndexEntry[] = [];
    if (!this.#tableExists()) return { entries, more: false };
    let from = after ?? { createdAt: Number.MIN_SAFE_INTEGER, id: "" };
    for (;;) {
      const want = limit - entries.length;
      // One row more than wanted tells whether any remain.
      const rows = this.#sql
        .exec<Row>(
          `SELECT name, id, created_at, pending FROM ${TABLE} WHERE (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?`,
          from.createdAt,
          from.id,
          want + 1,
        )
        .toArray();
      const batch = rows.slice(0, want);
      entries.push(...(await this.#existing(batch)));
      if (rows.length <= want) return { entries, more: false };
      if (entries.length === limit) return { entries, more: true };
      const last = batch[batch.length - 1]!;
      from = { createdAt: last.created_at, id: last.id };
    }
  }

  /** The rows whose actors exist, in order. A pending row's actor is asked, and the row settled by its answer. */
  async #existing(rows: Row[]): Promise<IndexEntry[]> {
    const answers = await Promise.all(rows.map((row) => (row.pending === null ? "exists" : this.#ask(row, row.pending))));
    return rows.filter((_row, i) => answers[i] === "exists").map((row) => ({ key: JSON.parse(row.name) as string[], id: row.id, createdAt: row.created_at }));
  }

  async #ask(row: Row, token: string): Promise<Existence> {
    const key = JSON.parse(row.name) as string[];
    let answer: Existence;
    try {
      answer = await this.#probe(key);
    } catch {
      // Unreachable for now: not listed, and left pending for the next listing.
      return "changing";
    }
    if (answer !== "changing") this.settle(key, token, answer === "exists");
    return answer;
  }
}
