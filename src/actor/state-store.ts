import { decodeCbor, encodeCbor } from "../protocol/cbor";
import { ActorflareError } from "../protocol/errors";
import { isPlainObject, type StateChanges } from "./state-tracker";

/**
 * How the actor's state is laid out in the object's SQLite storage.
 *
 * One storage value may not exceed 2 MB, and rewriting a 10 MiB state to change one field
 * would cost 10 MiB of writes. So a state that is a plain object is stored one top-level field
 * per row group, and each field's bytes are split into chunks of at most 1 MiB: a change to
 * one field rewrites that field's chunks only, and a state of any size fits. A state that is
 * not a plain object (an array, a number) is stored whole, in the same chunked form.
 *
 * Values are encoded as CBOR with the tags of protocol/cbor.ts, which keep what the runtime's
 * own storage keeps (Date, Map, Set, typed arrays, bigint, undefined, shared and cyclic
 * references) and refuse what it cannot (functions, symbols).
 */

const TABLE = "actorflare_state";
const CHUNK_BYTES = 1024 * 1024;
/** Row keys: "." + field for a plain-object state, "=" for a state stored whole. */
const FIELD_PREFIX = ".";
const WHOLE = "=";
/** A statement may bind at most 100 values (a Durable Object SQL limit); each single-chunk row binds two. */
const MAX_ROWS_PER_STATEMENT = 50;

export interface WriteCounters {
  rows: number;
  bytes: number;
}

/** What one write changes: encoded values by row key, row keys to delete, or everything replaced. */
interface Rows {
  replaceAll: boolean;
  values: Map<string, Uint8Array>;
  deleted: string[];
}

export class StateStore {
  readonly #sql: SqlStorage;
  readonly #transaction: (fn: () => void) => void;
  /** How many chunks each stored key has, so a rewrite deletes leftover chunks only when there are some. */
  readonly #chunkCounts = new Map<string, number>();
  /** Whether #chunkCounts knows every stored key (after a read or a full rewrite): a key it lacks has no rows. */
  #countsComplete = false;
  /** Rows and bytes written since the object started: for tests and benchmarks. */
  readonly written: WriteCounters = { rows: 0, bytes: 0 };

  constructor(storage: DurableObjectStorage) {
    this.#sql = storage.sql;
    this.#transaction = (fn) => storage.transactionSync(fn);
  }

  /** Only an actor that exists gets tables: an object asked for a missing actor stores nothing. */
  createTable(): void {
    this.#sql.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (key TEXT NOT NULL, chunk INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (key, chunk))`);
  }

  read<S>(): S | undefined {
    const parts = new Map<string, Uint8Array[]>();
    for (const row of this.#sql.exec<{ key: string; data: ArrayBuffer }>(`SELECT key, data FROM ${TABLE} ORDER BY key, chunk`)) {
      const list = parts.get(row.key) ?? [];
      list.push(new Uint8Array(row.data));
      parts.set(row.key, list);
    }
    for (const [key, chunks] of parts) this.#chunkCounts.set(key, chunks.length);
    this.#countsComplete = true;
    if (parts.size === 0) return undefined;
    const whole = parts.get(WHOLE);
    if (whole) return decode(whole) as S;
    const state: Record<string, unknown> = {};
    for (const [key, chunks] of parts) state[key.slice(FIELD_PREFIX.length)] = decode(chunks);
    return state as S;
  }

  /**
   * Writes what changed, in one transaction: every row of the state, or only the fields named.
   * Encoding happens first, so a state that cannot be stored changes nothing.
   */
  write(state: unknown, changes: StateChanges): void {
    const rows = this.#rowsToWrite(state, changes);
    // The common case, a few small fields each replacing its one chunk, is a single statement:
    // atomic on its own, so it skips the transaction (a savepoint costs as much as a write).
    if (this.#fitsOneStatement(rows)) return this.#upsertSingleChunks(rows.values);
    this.#transaction(() => this.#apply(rows));
  }

  #fitsOneStatement(rows: Rows): boolean {
    if (rows.replaceAll || rows.deleted.length > 0 || rows.values.size === 0 || rows.values.size > MAX_ROWS_PER_STATEMENT) return false;
    for (const [key, bytes] of rows.values) {
      const stored = this.#storedChunks(key);
      if (bytes.byteLength > CHUNK_BYTES || stored === undefined || stored > 1) return false;
    }
    return true;
  }

  /** Values of one chunk each, over keys known to have at most one: one upsert of every row. */
  #upsertSingleChunks(values: Map<string, Uint8Array>): void {
    const bindings: (string | Uint8Array)[] = [];
    for (const [key, bytes] of values) {
      bindings.push(key, bytes);
      this.written.bytes += bytes.byteLength;
      this.#chunkCounts.set(key, 1);
    }
    this.#count(this.#sql.exec(upsertStatement(values.size), ...bindings));
  }

  #apply(rows: Rows): void {
    if (rows.replaceAll) {
      this.#count(this.#sql.exec(`DELETE FROM ${TABLE}`));
      this.#chunkCounts.clear();
      this.#countsComplete = true;
    }
    for (const [key, bytes] of rows.values) this.#writeValue(key, bytes);
    for (const key of rows.deleted) {
      this.#count(this.#sql.exec(`DELETE FROM ${TABLE} WHERE key = ?`, key));
      this.#chunkCounts.delete(key);
    }
  }

  #rowsToWrite(state: unknown, changes: StateChanges): Rows {
    const values = new Map<string, Uint8Array>();
    const deleted: string[] = [];
    if (!isPlainObject(state)) {
      values.set(WHOLE, encode(state, "the state"));
      return { replaceAll: true, values, deleted };
    }
    const fields = changes.all ? Object.keys(state) : [...changes.keys];
    for (const field of fields) {
      if (Object.hasOwn(state, field)) values.set(FIELD_PREFIX + field, encode(state[field], `field '${field}'`));
      else deleted.push(FIELD_PREFIX + field);
    }
    return { replaceAll: changes.all, values, deleted };
  }

  #writeValue(key: string, bytes: Uint8Array): void {
    const chunks = Math.max(1, Math.ceil(bytes.byteLength / CHUNK_BYTES));
    for (let chunk = 0; chunk < chunks; chunk++) {
      const part = chunks === 1 ? bytes : bytes.subarray(chunk * CHUNK_BYTES, (chunk + 1) * CHUNK_BYTES);
      this.#count(
        this.#sql.exec(
          `INSERT INTO ${TABLE} (key, chunk, data) VALUES (?, ?, ?) ON CONFLICT (key, chunk) DO UPDATE SET data = excluded.data`,
          key,
          chunk,
          part,
        ),
      );
      this.written.bytes += part.byteLength;
    }
    // A key not known to be short may have leftover chunks: delete to be sure.
    const stored = this.#storedChunks(key);
    if (stored === undefined || stored > chunks) {
      this.#count(this.#sql.exec(`DELETE FROM ${TABLE} WHERE key = ? AND chunk >= ?`, key, chunks));
    }
    this.#chunkCounts.set(key, chunks);
  }

  /** The chunks stored under `key`, when known: a key missing from a complete count has none. */
  #storedChunks(key: string): number | undefined {
    return this.#chunkCounts.get(key) ?? (this.#countsComplete ? 0 : undefined);
  }

  #count(cursor: SqlStorageCursor<Record<string, SqlStorageValue>>): void {
    this.written.rows += cursor.rowsWritten;
  }
}

/** The upsert of `rows` single-chunk rows; the text is kept per row count, so the runtime's statement cache hits. */
const upsertStatements: string[] = [];
function upsertStatement(rows: number): string {
  upsertStatements[rows] ??=
    `INSERT INTO ${TABLE} (key, chunk, data) VALUES ${Array(rows).fill("(?, 0, ?)").join(", ")} ` +
    "ON CONFLICT (key, chunk) DO UPDATE SET data = excluded.data";
  return upsertStatements[rows];
}

function encode(value: unknown, what: string): Uint8Array {
  try {
    return encodeCbor(value);
  } catch (error) {
    // The encoder's own words ("Maximum call stack size exceeded") say nothing useful to a client
    // and may describe the data; they stay in `cause`, which only the server log shows.
    throw new ActorflareError(
      "state_not_serializable",
      `The actor's state could not be stored: ${what} holds something storage cannot keep. ` +
        "State may hold plain data (objects, arrays, strings, numbers, booleans, null, Date, Map, Set, typed arrays, bigint), not functions, symbols or class instances.",
      { status: 500, cause: error },
    );
  }
}

function decode(chunks: Uint8Array[]): unknown {
  if (chunks.length === 1) return decodeCbor(chunks[0]!);
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return decodeCbor(bytes);
}
