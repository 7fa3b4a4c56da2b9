import { ActorflareError } from "../protocol/errors";
import { moveStateOutOfTable } from "./state-entries";
import type { ActorMeta } from "./storage";

/**
 * Versions of what actorflare keeps in a Durable Object's storage. Every record says which
 * version wrote it: the actor's meta (`v`, for the layout of the whole storage), each connection
 * record (`v`) and each scheduled-job row (column `v`). Storage without them was written by the
 * first release (layout 0) and loads as it is; docs/architecture.md lists what each version
 * changed, and test/workers/storage-layout.test.ts loads a fixture of each layout.
 *
 * To change a layout: bump STORAGE_LAYOUT and add its migration below (run once, in a
 * transaction, when an actor of an older layout wakes); the fixtures and tests that go with it
 * are in docs/architecture.md's checklist (§5). The current layout's fixture is loaded as it is,
 * so a change to what is stored that comes without a new layout fails that test.
 */
export const STORAGE_LAYOUT = 5;

/** The version of a connection record this code writes (2: with `since`, when it opened). */
export const RECORD_VERSION = 2;

/** The version of a scheduled-job row this code writes (2: with the columns `cron` and `started`). */
export const JOB_ROW_VERSION = 2;

/** From layout `n - 1` to `n`: the object's storage, and the meta about to be written (changed in place). */
const MIGRATIONS: Record<number, (storage: DurableObjectStorage, meta: ActorMeta) => void> = {
  // 1: scheduled-job rows say which version wrote them (old rows: 0).
  1: ({ sql }) => {
    if (tableExists(sql, "actorflare_schedule")) sql.exec("ALTER TABLE actorflare_schedule ADD COLUMN v INTEGER NOT NULL DEFAULT 0");
  },
  // 2: a scheduled job may repeat: column `cron` holds its expression (old rows, which run once:
  // NULL); column `started` marks a run whose state changes were stored before it ended (NULL).
  // And every actor is in the actor index: one made before is not yet, so its next wake records it.
  2: ({ sql }, meta) => {
    meta.unlisted = true;
    if (!tableExists(sql, "actorflare_schedule")) return;
    sql.exec("ALTER TABLE actorflare_schedule ADD COLUMN cron TEXT");
    sql.exec("ALTER TABLE actorflare_schedule ADD COLUMN started INTEGER");
  },
  // 3: the state moves from the table actorflare_state to KV entries (state-store.ts).
  3: (storage) => {
    if (tableExists(storage.sql, "actorflare_state")) moveStateOutOfTable(storage);
  },
  // 4: a small state is packed into one entry (state-store.ts). Nothing moves: layout 3's
  // entries are the fields form, which the store still reads, and the next save packs them.
  // The new number keeps layout 3 code from misreading a packed state.
  // 5: the packed entry is the state itself, serialized by the runtime, rather than CBOR
  // (state-store.ts). Nothing moves: a layout-4 packed entry still reads, and the next save
  // writes the new one. The new number keeps layout 4 code from misreading it.
};

export function tableExists(sql: SqlStorage, name: string): boolean {
  return sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", name).toArray().length > 0;
}

/**
 * Brings storage of layout `from` to the current one, or refuses storage a newer release wrote
 * (an older deploy would misread it). Call inside a transaction, then write `meta` (which the
 * migrations may change).
 */
export function migrateStorage(storage: DurableObjectStorage, from: number, meta: ActorMeta): void {
  if (from > STORAGE_LAYOUT) {
    throw new ActorflareError(
      "storage_too_new",
      `This actor's storage was written by a newer actorflare (layout ${from}; this one reads up to ${STORAGE_LAYOUT}). Deploy that version again.`,
      { status: 500 },
    );
  }
  for (let version = from + 1; version <= STORAGE_LAYOUT; version++) MIGRATIONS[version]?.(storage, meta);
}
