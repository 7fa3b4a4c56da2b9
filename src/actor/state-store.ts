import { decodeCbor, encodeCbor } from "../protocol/cbor";
import { ActorflareError } from "../protocol/errors";
import { isPlainObject } from "../protocol/plain-object";
import type { StateChanges } from "./state-tracker";

/**
 * How the actor's state is laid out in the object's storage: entries of the synchronous KV API.
 *
 * One storage entry may not exceed 2 MB, and rewriting a 10 MiB state to change one field
 * would cost 10 MiB of writes. So a state that is a plain object is stored one top-level field
 * per entry group, and each field's bytes are split into chunks of at most 1 MiB: a change to
 * one field rewrites that field's chunks only, and a state of any size fits. A state that is
 * not a plain object (an array, a number) is stored whole, in the same chunked form.
 *
 * The KV API rather than a table of our own: a new actor then creates no table (the runtime's
 * KV table exists once the meta is written), and a one-field save is one put.
 *
 * Values are encoded as CBOR with the tags of protocol/cbor.ts, which keep what the runtime's
 * own storage keeps (Date, Map, Set, typed arrays, bigint, undefined, shared and cyclic
 * references) and refuse what it cannot (functions, symbols).
 */

/** Entry keys: `actorflare:state:` + row key for a value's first chunk, `actorflare:state<n>:` + row key for chunk n. */
const KEY_PREFIX = "actorflare:state";
const CHUNK_BYTES = 1024 * 1024;
/** Row keys: "." + field for a plain-object state, "=" for a state stored whole. */
const FIELD_PREFIX = ".";
const WHOLE = "=";
/** A key and its value share one entry's 2 MB; a chunk takes at most 1 MiB of it, a field's name at most this. */
const MAX_KEY_BYTES = 512 * 1024;

function stateEntryKey(rowKey: string, chunk: number): string {
  return chunk === 0 ? `${KEY_PREFIX}:${rowKey}` : `${KEY_PREFIX}${chunk}:${rowKey}`;
}

function parseEntryKey(key: string): { rowKey: string; chunk: number } {
  const colon = key.indexOf(":", KEY_PREFIX.length);
  return { rowKey: key.slice(colon + 1), chunk: colon === KEY_PREFIX.length ? 0 : Number(key.slice(KEY_PREFIX.length, colon)) };
}

export interface WriteCounters {
  /** Entries put or deleted. */
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
  readonly #storage: DurableObjectStorage;
  readonly #kv: SyncKvStorage;
  /**
   * How many chunks each stored row key has (a key missing has none), so a rewrite deletes
   * exactly the chunks left over. Complete from the first read or creation on, which comes before
   * any write.
   */
  readonly #chunkCounts = new Map<string, number>();
  /** Entries and bytes written since the object started: for tests and benchmarks. */
  readonly written: WriteCounters = { rows: 0, bytes: 0 };

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
    this.#kv = storage.kv;
  }

  read<S>(): S | undefined {
    const parts = new Map<string, Uint8Array[]>();
    for (const [key, value] of this.#kv.list<Uint8Array>({ prefix: KEY_PREFIX })) {
      const { rowKey, chunk } = parseEntryKey(key);
      const list = parts.get(rowKey) ?? [];
      list[chunk] = value;
      parts.set(rowKey, list);
    }
    this.#chunkCounts.clear();
    for (const [rowKey, chunks] of parts) this.#chunkCounts.set(rowKey, chunks.length);
    if (parts.size === 0) return undefined;
    const whole = parts.get(WHOLE);
    if (whole) return decode(whole) as S;
    const state: Record<string, unknown> = {};
    for (const [rowKey, chunks] of parts) state[rowKey.slice(FIELD_PREFIX.length)] = decode(chunks);
    return state as S;
  }

  /**
   * The first state of a new actor. An object without an actor holds no state entries (a
   * destroy deletes them with the meta), so there is nothing to delete first.
   */
  create(state: unknown): void {
    const rows = this.#rowsToWrite(state, { all: true, keys: new Set() });
    this.#chunkCounts.clear();
    this.#apply({ ...rows, replaceAll: false });
  }

  /**
   * Writes what changed: every field of the state, or only the fields named. Encoding happens
   * first, so a state that cannot be stored changes nothing.
   */
  write(state: unknown, changes: StateChanges): void {
    const rows = this.#rowsToWrite(state, changes);
    // The common case, one small field, is one put. More go in a transaction, so that a
    // failing put takes back the ones before it.
    const [only] = rows.values;
    if (only && rows.values.size === 1 && !rows.replaceAll && rows.deleted.length === 0 && this.#isSingleChunk(...only)) {
      this.#put(only[0], 0, only[1]);
      this.#chunkCounts.set(only[0], 1);
      return;
    }
    try {
      this.#storage.transactionSync(() => this.#apply(rows));
    } catch (error) {
      // Storage was rolled back, but not the counts #apply kept on the way.
      this.#recount();
      throw error;
    }
  }

  /** Counts the chunks stored under each row key, from the entries' keys. */
  #recount(): void {
    this.#chunkCounts.clear();
    for (const [key] of this.#kv.list({ prefix: KEY_PREFIX })) {
      const { rowKey, chunk } = parseEntryKey(key);
      this.#chunkCounts.set(rowKey, Math.max(chunk + 1, this.#chunkCounts.get(rowKey) ?? 0));
    }
  }

  /** A value of one chunk over a key stored in at most one: its put replaces all there is. */
  #isSingleChunk(rowKey: string, bytes: Uint8Array): boolean {
    return bytes.byteLength <= CHUNK_BYTES && (this.#chunkCounts.get(rowKey) ?? 0) <= 1;
  }

  #apply(rows: Rows): void {
    if (rows.replaceAll) {
      for (const rowKey of [...this.#chunkCounts.keys()]) {
        if (rows.values.has(rowKey)) continue;
        this.#deleteChunks(rowKey, 0);
        this.#chunkCounts.delete(rowKey);
      }
    }
    for (const [rowKey, bytes] of rows.values) {
      const chunks = Math.max(1, Math.ceil(bytes.byteLength / CHUNK_BYTES));
      for (let chunk = 0; chunk < chunks; chunk++) {
        // A chunk is a copy, not a view: storage would keep a view's whole buffer.
        this.#put(rowKey, chunk, chunks === 1 ? bytes : bytes.slice(chunk * CHUNK_BYTES, (chunk + 1) * CHUNK_BYTES));
      }
      this.#deleteChunks(rowKey, chunks);
      this.#chunkCounts.set(rowKey, chunks);
    }
    for (const rowKey of rows.deleted) {
      this.#deleteChunks(rowKey, 0);
      this.#chunkCounts.delete(rowKey);
    }
  }

  #put(rowKey: string, chunk: number, bytes: Uint8Array): void {
    this.#kv.put(stateEntryKey(rowKey, chunk), bytes);
    this.written.rows++;
    this.written.bytes += bytes.byteLength;
  }

  /** Deletes the stored chunks of `rowKey` from `from` on (the count is the caller's to set). */
  #deleteChunks(rowKey: string, from: number): void {
    const stored = this.#chunkCounts.get(rowKey) ?? 0;
    for (let chunk = from; chunk < stored; chunk++) {
      this.#kv.delete(stateEntryKey(rowKey, chunk));
      this.written.rows++;
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
      checkFieldName(field);
      if (Object.hasOwn(state, field)) values.set(FIELD_PREFIX + field, encode(state[field], `field '${field}'`));
      else deleted.push(FIELD_PREFIX + field);
    }
    return { replaceAll: changes.all, values, deleted };
  }
}

/**
 * Moves a state kept in the table of layouts up to 2 into KV entries and drops the table
 * (storage-layout.ts runs it once, inside the migration's transaction).
 */
export function moveStateOutOfTable(storage: DurableObjectStorage): void {
  for (const row of storage.sql.exec<{ key: string; chunk: number; data: ArrayBuffer }>("SELECT key, chunk, data FROM actorflare_state")) {
    storage.kv.put(stateEntryKey(row.key, row.chunk), new Uint8Array(row.data));
  }
  storage.sql.exec("DROP TABLE actorflare_state");
}

/** A field name is part of an entry's key; one past the key's share of the entry cannot be stored. */
function checkFieldName(field: string): void {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only a long name needs counting.
  if (field.length * 3 <= MAX_KEY_BYTES || new TextEncoder().encode(field).byteLength <= MAX_KEY_BYTES) return;
  throw new ActorflareError(
    "state_not_serializable",
    `The actor's state could not be stored: a top-level field's name is over ${MAX_KEY_BYTES / 1024} KiB. Keep long data in values, not in field names.`,
    { status: 500 },
  );
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
