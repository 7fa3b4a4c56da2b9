import { decodeCbor, encodeCbor, UnencodableError } from "../protocol/cbor";
import { ActorflareError, isStackOverflow } from "../protocol/errors";

// The state's KV entries (state-store.ts explains the forms): their keys, and a value's CBOR in
// chunks.

/** Entry keys: `actorflare:state:` + row key for a value's first chunk, `actorflare:state<n>:` + row key for chunk n. */
export const KEY_PREFIX = "actorflare:state";
export const CHUNK_BYTES = 1024 * 1024;
/** Row keys: "." + field in the fields form, "&" for the packed form, "=" for a state stored whole. */
export const FIELD_PREFIX = ".";
export const PACKED = "&";
export const WHOLE = "=";
/**
 * How many containers (objects, arrays, Maps, Sets) deep a value of the state may nest. The
 * runtime stores a value nested a few thousand deep but may fail to read it back (its
 * deserializer runs out of stack when the object wakes), which would leave the actor unable
 * to load: such a value is refused when it is saved, well below where that happens.
 */
export const MAX_STATE_DEPTH = 1000;
/** A key and its value share one entry's 2 MB; a chunk takes at most 1 MiB of it, a field's name at most this. */
const MAX_KEY_BYTES = 512 * 1024;

export function stateEntryKey(rowKey: string, chunk: number): string {
  return chunk === 0 ? `${KEY_PREFIX}:${rowKey}` : `${KEY_PREFIX}${chunk}:${rowKey}`;
}

export function parseEntryKey(key: string): { rowKey: string; chunk: number } {
  const colon = key.indexOf(":", KEY_PREFIX.length);
  return { rowKey: key.slice(colon + 1), chunk: colon === KEY_PREFIX.length ? 0 : Number(key.slice(KEY_PREFIX.length, colon)) };
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
export function checkFieldName(field: string): void {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only a long name needs counting.
  if (field.length * 3 <= MAX_KEY_BYTES || new TextEncoder().encode(field).byteLength <= MAX_KEY_BYTES) return;
  throw new ActorflareError(
    "state_not_serializable",
    `The actor's state could not be stored: a top-level field's name is over ${MAX_KEY_BYTES / 1024} KiB. Keep long data in values, not in field names.`,
    { status: 500 },
  );
}

/** A value's CBOR for storage; `maxDepth` is unbounded for a value read from storage, which an earlier release may have kept deeper. */
export function encode(value: unknown, what: string, maxDepth = MAX_STATE_DEPTH): Uint8Array {
  try {
    return encodeCbor(value, maxDepth);
  } catch (error) {
    throw notSerializable(what, error);
  }
}

/**
 * `state_not_serializable` for a value put under `what` (`field 'note'`, `the state`) that
 * storage cannot keep, saying why from `error`: CBOR's refusal, or a stack overflow (nesting
 * past the call stack). The error's own words ("Maximum call stack size exceeded") say nothing
 * useful to a client and may describe the data; they stay in `cause`, which only the server log shows.
 */
export function notSerializable(what: string, error: unknown): ActorflareError {
  // CBOR refuses functions, symbols, Promises and weak collections.
  const why =
    error instanceof UnencodableError
      ? `holds ${error.what}, which storage cannot keep`
      : isStackOverflow(error)
        ? "is nested too deeply to be stored"
        : "holds something storage cannot keep";
  return new ActorflareError(
    "state_not_serializable",
    `The actor's state could not be stored: ${what} ${why}. ` +
      "State may hold plain data (objects, arrays, strings, numbers, booleans, null, undefined, bigint, Date, Map, Set, typed arrays, " +
      "also shared or in a cycle); class instances are stored as plain objects with their own fields. Keep functions, symbols, Promises and weak collections out of it, " +
      `and nest it at most ${MAX_STATE_DEPTH} levels deep.`,
    { status: 500, cause: error },
  );
}

export function decode(chunks: Uint8Array[]): unknown {
  return decodeCbor(joined(chunks));
}

/** A value's chunks as one run of bytes. */
export function joined(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
