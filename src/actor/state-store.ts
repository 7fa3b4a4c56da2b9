import { decodeCbor, encodeCborNamedBytes } from "../protocol/cbor";
import { isPlainObject } from "../protocol/plain-object";
import { CHUNK_BYTES, checkFieldName, decode, encode, FIELD_PREFIX, joined, KEY_PREFIX, PACKED, parseEntryKey, stateEntryKey, WHOLE } from "./state-entries";
import type { StateChanges } from "./state-tracker";
import { structuredWeight } from "./state-weight";

/**
 * How the actor's state is laid out in the object's storage: entries of the synchronous KV API,
 * in one of three forms.
 *
 * - **Packed**, for a plain-object state that weighs at most PACK_LIMIT: one entry holding every
 *   field. A save is one put however many fields changed: one row written, no transaction. The
 *   entry is the state itself, which the runtime serializes natively (state-weight.ts says when
 *   it may). While a field holds something only CBOR stores as it should (a class instance, a
 *   RegExp), the entry is instead a CBOR list of `[field, bytes]`, each field encoded on its own,
 *   and the fields that did not change are not encoded again.
 * - **Fields**, for a larger plain-object state: one entry group per top-level field, each
 *   field's bytes split into chunks of at most 1 MiB (one entry may not exceed 2 MB). A change to
 *   one field rewrites that field's chunks only, and a state of any size fits. A state that
 *   shrinks to half of PACK_LIMIT is packed again; the gap keeps a state near the limit from
 *   changing form on every save.
 * - **Whole**, for a state that is not a plain object (an array, a number): one value, chunked
 *   the same way.
 *
 * Outside the packed entry's structured value, each field is CBOR with the tags of
 * protocol/cbor.ts, which keep what the runtime's own storage keeps (Date, Map, Set, typed
 * arrays, bigint, undefined, shared and cyclic references within a field) and refuse what it
 * cannot (functions, symbols). So a field reads back the same whatever form it was stored in.
 *
 * The KV API rather than a table of our own: a new actor then creates no table (the runtime's
 * KV table exists once the meta is written).
 */

/** A plain-object state is packed while its fields weigh at most this (see `measure`). */
const PACK_LIMIT = 16 * 1024;

/** What a field adds to a packed entry, about (its value's weight or CBOR bytes, and its name), and its CBOR if only CBOR stores it as it should. */
interface Measure {
  weight: number;
  cbor?: Uint8Array;
}

/**
 * Measures a field's value: by state-weight.ts, or (when that gives none, or `cborOnly`) by its
 * CBOR, encoded unless `stored`. A value read from storage is measured however deep it is.
 */
function measure(field: string, value: unknown, stored?: Uint8Array, cborOnly = false, read = false): Measure {
  const weight = cborOnly ? undefined : structuredWeight(value);
  if (weight !== undefined) return { weight: weight + field.length };
  const cbor = stored ?? encode(value, `field '${field}'`, read ? Number.POSITIVE_INFINITY : undefined);
  return { weight: cbor.byteLength + field.length, cbor };
}

export interface WriteCounters {
  /** Entries put or deleted. */
  rows: number;
  /** Bytes put; for a structured value, its weight. */
  bytes: number;
}

/**
 * What one write changes: CBOR values by row key, or the packed entry as the state itself, row
 * keys to delete, or everything replaced.
 */
interface Rows {
  replaceAll: boolean;
  values: ReadonlyMap<string, Uint8Array>;
  structured?: { state: object; weight: number };
  deleted: string[];
}

type Form = "none" | "packed" | "fields" | "whole";

const EVERYTHING_CHANGED: StateChanges = { all: true, keys: new Set() };
const NO_VALUES: ReadonlyMap<string, Uint8Array> = new Map();

export class StateStore {
  readonly #storage: DurableObjectStorage;
  readonly #kv: SyncKvStorage;
  /**
   * How many chunks each stored row key has (a key missing has none), so a rewrite deletes
   * exactly the chunks left over. Complete from the first read or creation on, which comes before
   * any write.
   */
  readonly #chunkCounts = new Map<string, number>();
  #form: Form = "none";
  /** In the packed form stored as CBOR, each field's encoded bytes: a save encodes only the fields that changed. */
  #packedCbor: Map<string, Uint8Array> | undefined;
  /** For a plain-object state, each field's weight, and their sum: which form the next save takes. */
  readonly #weights = new Map<string, number>();
  #weight = 0;
  /** Fields whose values only CBOR stores as they should (state-weight.ts): the packed entry is CBOR while there are any. */
  #cborOnly = new Set<string>();
  /** Entries and bytes written since the object started: for tests and benchmarks. */
  readonly written: WriteCounters = { rows: 0, bytes: 0 };

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
    this.#kv = storage.kv;
  }

  read<S>(): S | undefined {
    const parts = new Map<string, Uint8Array[]>();
    let structured: Record<string, unknown> | undefined;
    for (const [key, value] of this.#kv.list<Uint8Array | Record<string, unknown>>({ prefix: KEY_PREFIX })) {
      const { rowKey, chunk } = parseEntryKey(key);
      // A packed entry is the state itself, or (layout 4, or a field only CBOR keeps) CBOR bytes.
      if (!(value instanceof Uint8Array)) {
        structured = value;
        continue;
      }
      const list = parts.get(rowKey) ?? [];
      list[chunk] = value;
      parts.set(rowKey, list);
    }
    this.#chunkCounts.clear();
    for (const [rowKey, chunks] of parts) this.#chunkCounts.set(rowKey, chunks.length);
    if (structured) this.#chunkCounts.set(PACKED, 1);
    this.#weights.clear();
    this.#weight = 0;
    this.#cborOnly = new Set();
    const whole = parts.get(WHOLE);
    const packed = parts.get(PACKED);
    this.#became(this.#chunkCounts.size === 0 ? "none" : whole ? "whole" : packed || structured ? "packed" : "fields");
    if (structured) {
      for (const field of Object.keys(structured)) this.#record(field, measure(field, structured[field], undefined, false, true));
      return structured as S;
    }
    if (parts.size === 0) return undefined;
    if (whole) return decode(whole) as S;
    const fields = packed
      ? new Map(decode(packed) as [string, Uint8Array][])
      : new Map([...parts].map(([rowKey, chunks]) => [rowKey.slice(FIELD_PREFIX.length), joined(chunks)]));
    if (packed) this.#packedCbor = fields;
    const state: [string, unknown][] = [];
    for (const [field, bytes] of fields) {
      const value = decodeCbor(bytes);
      this.#record(field, measure(field, value, bytes));
      state.push([field, value]);
    }
    // fromEntries defines each field, so even one named `__proto__` is an ordinary field.
    return Object.fromEntries(state) as S;
  }

  /** Records a field read from storage: its weight, and whether only CBOR stores it as it should. */
  #record(field: string, { weight, cbor }: Measure): void {
    if (cbor) this.#cborOnly.add(field);
    this.#weights.set(field, weight);
    this.#weight += weight;
  }

  /**
   * The first state of a new actor. An object without an actor holds no state entries (a
   * destroy deletes them with the meta), so there is nothing to delete first. The caller's
   * transaction holds it together with the meta.
   */
  create(state: unknown): void {
    this.#store(state, EVERYTHING_CHANGED, (rows) => this.#apply(rows));
  }

  /**
   * Writes what changed: every field of the state, or only the fields named. Encoding happens
   * first, so a state that cannot be stored changes nothing.
   */
  write(state: unknown, changes: StateChanges): void {
    this.#store(state, changes, (rows) => {
      // The common case, a packed state or one small field, is one put. More go in a
      // transaction, so that a failing put takes back the ones before it.
      const only = rows.values.size === 1 && !rows.replaceAll && rows.deleted.length === 0 ? rows.values.entries().next().value : undefined;
      if (rows.structured && !rows.replaceAll) {
        this.#putStructured(rows.structured);
      } else if (only && this.#isSingleChunk(...only)) {
        this.#put(only[0], 0, only[1]);
        this.#chunkCounts.set(only[0], 1);
      } else {
        this.#storage.transactionSync(() => this.#apply(rows));
      }
    });
  }

  /** Writes what changed with `apply`. If it fails, storage keeps nothing of it and the records are read again. */
  #store(state: unknown, changes: StateChanges, apply: (rows: Rows) => void): void {
    let rows = this.#rowsToWrite(state, changes);
    try {
      try {
        apply(rows);
      } catch (error) {
        // The runtime refused the structured value (it holds a Proxy of the actor's own, say):
        // CBOR stores it, or says what cannot be stored.
        if (!(rows.structured && isDataCloneError(error))) throw error;
        this.read();
        rows = this.#rowsToWrite(state, EVERYTHING_CHANGED, true);
        apply(rows);
      }
    } catch (error) {
      // Storage kept nothing of this write, but the store's counts and form moved on: read them again.
      this.read();
      throw error;
    }
  }

  /**
   * Weighs what changed, picks the form the state is stored in from now on, encodes what that
   * form needs and returns the entries to write. Everything that can fail comes before the
   * store's own records change.
   */
  #rowsToWrite(state: unknown, changes: StateChanges, cborOnly = false): Rows {
    if (!isPlainObject(state)) {
      const values = new Map([[WHOLE, encode(state, "the state")]]);
      this.#became("whole");
      return { replaceAll: true, values, deleted: [] };
    }
    // A state that was not stored field by field is written whole the first time.
    const all = changes.all || this.#form === "none" || this.#form === "whole";
    const changed = all ? Object.keys(state) : changes.keys;
    const weights = new Map<string, number>();
    // CBOR of the changed fields that only CBOR stores as they should; made when there is one.
    let encoded: Map<string, Uint8Array> | undefined;
    let gone: string[] | undefined;
    for (const field of changed) {
      checkFieldName(field);
      if (!Object.hasOwn(state, field)) {
        (gone ??= []).push(field);
        continue;
      }
      const { weight, cbor } = measure(field, state[field], undefined, cborOnly);
      if (cbor) (encoded ??= new Map()).set(field, cbor);
      weights.set(field, weight);
    }
    const before = all ? new Map<string, number>() : this.#weights;
    let weight = all ? 0 : this.#weight;
    for (const [field, fieldWeight] of weights) weight += fieldWeight - (before.get(field) ?? 0);
    for (const field of gone ?? []) weight -= before.get(field) ?? 0;
    let cborFields = all ? new Set<string>() : this.#cborOnly;
    if (encoded || (cborFields.size > 0 && [...changed].some((field) => cborFields.has(field)))) {
      const unchanged = [...cborFields].filter((field) => !weights.has(field) && !gone?.includes(field));
      cborFields = new Set([...unchanged, ...(encoded?.keys() ?? [])]);
    }

    const from = this.#form;
    const pack = weight <= (from === "fields" ? PACK_LIMIT / 2 : PACK_LIMIT);
    let rows: Rows;
    let packedCbor: Map<string, Uint8Array> | undefined;
    if (pack && cborFields.size === 0) {
      rows = { replaceAll: from !== "packed", values: NO_VALUES, structured: { state, weight }, deleted: [] };
    } else if (pack) {
      packedCbor = this.#everyFieldInCbor(state, encoded, changed);
      rows = { replaceAll: from !== "packed", values: new Map([[PACKED, encodeCborNamedBytes(packedCbor)]]), deleted: [] };
    } else if (from === "fields" && !all) {
      // Staying in the fields form, only what changed is written.
      const values = new Map<string, Uint8Array>();
      for (const field of weights.keys()) values.set(FIELD_PREFIX + field, encoded?.get(field) ?? encode(state[field], `field '${field}'`));
      rows = { replaceAll: false, values, deleted: (gone ?? []).map((field) => FIELD_PREFIX + field) };
    } else {
      // Leaving another form, every field.
      const fields = this.#everyFieldInCbor(state, encoded, changed);
      const values = new Map<string, Uint8Array>();
      for (const [field, bytes] of fields) values.set(FIELD_PREFIX + field, bytes);
      rows = { replaceAll: true, values, deleted: [] };
    }

    if (all) this.#weights.clear();
    for (const [field, fieldWeight] of weights) this.#weights.set(field, fieldWeight);
    for (const field of gone ?? []) this.#weights.delete(field);
    this.#weight = weight;
    this.#cborOnly = cborFields;
    this.#became(pack ? "packed" : "fields", packedCbor);
    return rows;
  }

  /** Every field's CBOR: encoded now, or kept from a packed CBOR entry if it did not change. */
  #everyFieldInCbor(state: Record<string, unknown>, encoded: Map<string, Uint8Array> | undefined, changed: Iterable<string>): Map<string, Uint8Array> {
    const changedSet = new Set(changed);
    const fields = new Map<string, Uint8Array>();
    for (const field of Object.keys(state)) {
      const unchanged = !changedSet.has(field);
      const bytes = encoded?.get(field) ?? (unchanged ? this.#packedCbor?.get(field) : undefined);
      // A field this write did not change is kept as it was read, however deep (an earlier release kept deeper ones).
      fields.set(field, bytes ?? encode(state[field], `field '${field}'`, unchanged ? Number.POSITIVE_INFINITY : undefined));
    }
    return fields;
  }

  /** Switches the form; weights mean nothing for a state stored whole. */
  #became(form: Form, packedCbor?: Map<string, Uint8Array>): void {
    this.#form = form;
    this.#packedCbor = packedCbor;
    if (form === "whole") {
      this.#weights.clear();
      this.#weight = 0;
      this.#cborOnly = new Set();
    }
  }

  /** A value of one chunk over a key stored in at most one: its put replaces all there is. */
  #isSingleChunk(rowKey: string, bytes: Uint8Array): boolean {
    return bytes.byteLength <= CHUNK_BYTES && (this.#chunkCounts.get(rowKey) ?? 0) <= 1;
  }

  #apply(rows: Rows): void {
    if (rows.replaceAll) {
      for (const rowKey of [...this.#chunkCounts.keys()]) {
        if (rows.values.has(rowKey) || (rows.structured && rowKey === PACKED)) continue;
        this.#deleteChunks(rowKey, 0);
        this.#chunkCounts.delete(rowKey);
      }
    }
    if (rows.structured) this.#putStructured(rows.structured);
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

  /**
   * The packed entry as the state itself: one entry, replacing whatever the packed key held. A
   * packed entry is always one chunk: what is packed weighs at most PACK_LIMIT, and its CBOR at
   * most about three times that (state-weight.ts), far below a chunk.
   */
  #putStructured({ state, weight }: { state: object; weight: number }): void {
    this.#kv.put(stateEntryKey(PACKED, 0), state);
    this.#chunkCounts.set(PACKED, 1);
    this.written.rows++;
    this.written.bytes += weight;
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
}

/** What the runtime throws for a value its serialization cannot carry (a DOMException). */
function isDataCloneError(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "DataCloneError";
}
