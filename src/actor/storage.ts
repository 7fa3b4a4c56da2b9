import { errors } from "../protocol/errors";
import { isPlatformTable } from "./platform-tables";
import { RetirableStorage } from "./retirable-storage";
import type { AlarmClock } from "./scheduler";
import { ScheduleStore } from "./schedule-store";
import { migrateStorage, STORAGE_LAYOUT } from "./storage-layout";
import { StateStore, type WriteCounters } from "./state-store";
import { SubscriptionStore } from "./subscription-store";
import type { StateChanges } from "./state-tracker";

/** What is stored about an actor besides its state. Its presence means the actor exists. */
export interface ActorMeta {
  /** The storage layout (storage-layout.ts); absent in layout 0. */
  v?: number;
  name: string;
  key: string[];
  createdAt: number;
  /** Set by the migration to layout 2 on an actor made before the actor index: its next wake records it there. */
  unlisted?: true;
  /** Set once a destroy has gone ahead (its index entry is pending): a wake after a crash finishes it. */
  destroying?: true;
}

/** Writes since the object started: state rows and bytes, connection records put or deleted, subscription rows. */
export interface StorageWrites extends WriteCounters {
  connectionRecords: number;
  subscriptionRows: number;
}

const META_KEY = "actorflare:meta";
const CONNECTION_PREFIX = "actorflare:conn:";
/** One row per open connection (connections.ts): the connections a wake must end if the runtime did. */
const ROSTER_PREFIX = "actorflare:open:";

/** Whose storage it is: the actor's name and its Durable Object class, for errors. */
export interface StorageOwner {
  actor: string;
  className: string;
}

/**
 * The actor's slice of Durable Object storage (SQLite-backed): meta, state and connection
 * records in the synchronous KV API; scheduled jobs and subscriptions that outgrew their socket
 * in tables of their own. Writes are synchronous and the output gate holds every response until
 * they are durable, so a response the client sees implies the state it reflects is stored.
 */
export class ActorStorage {
  readonly #retirable: RetirableStorage;
  readonly #storage: DurableObjectStorage;
  readonly #state: StateStore;
  readonly schedule: ScheduleStore;
  readonly subscriptions: SubscriptionStore;
  #connectionWrites = 0;

  readonly #owner: StorageOwner;

  /**
   * One actor's life in the object: a destroy retires it, and the next actor gets a new
   * ActorStorage. `owner` names the actor and its class in configuration errors.
   */
  constructor(storage: DurableObjectStorage, owner: StorageOwner) {
    this.#owner = owner;
    this.#retirable = new RetirableStorage(storage);
    this.#storage = this.#retirable.storage;
    this.#state = new StateStore(this.#storage);
    this.schedule = new ScheduleStore(this.#storage.sql);
    this.subscriptions = new SubscriptionStore(this.#storage);
  }

  /**
   * The actor is being destroyed: buffered writes go out now (the destroy deletes them with the
   * rest), and from here on any use of this storage throws `actor_destroyed`.
   */
  retire(): void {
    this.subscriptions.flush();
    this.#retirable.retire();
  }

  /** The object's storage itself, for the actor's own tables (`c.sql`, `c.db`). */
  get durable(): DurableObjectStorage {
    return this.#storage;
  }

  /**
   * The actor's meta, or undefined if no actor was ever created in this object. Storage of an
   * older layout is migrated first, in one transaction with its new meta.
   */
  readMeta(): ActorMeta | undefined {
    let meta: ActorMeta | undefined;
    try {
      meta = this.#storage.kv.get<ActorMeta>(META_KEY);
    } catch (error) {
      throw sqliteRequired(this.#storage, error, this.#owner);
    }
    if (!meta) return undefined;
    if ((meta.v ?? 0) === STORAGE_LAYOUT) return meta;
    const current = { ...meta, v: STORAGE_LAYOUT };
    this.#storage.transactionSync(() => {
      migrateStorage(this.#storage, meta.v ?? 0, current);
      this.#storage.kv.put(META_KEY, current);
    });
    return current;
  }

  /** The actor is in the actor index now: its meta loses the `unlisted` mark. Returns the meta as stored. */
  markListed(meta: ActorMeta): ActorMeta {
    const { unlisted: _, ...listed } = meta;
    this.#storage.kv.put(META_KEY, listed);
    return listed;
  }

  /**
   * A destroy goes ahead: until storage is deleted, every wake must finish it first. The alarm,
   * due at once, wakes the object after a crash even if nothing else calls it.
   */
  async markDestroying(meta: ActorMeta): Promise<void> {
    this.#storage.kv.put(META_KEY, { ...meta, v: STORAGE_LAYOUT, destroying: true });
    await this.#storage.setAlarm(Date.now());
  }

  /** The object's one alarm, which runs the schedule. */
  get alarms(): AlarmClock {
    return this.#storage;
  }

  readState<S>(): S {
    return this.#state.read<S>() as S;
  }

  /**
   * Before a creation, deletes what storage holds though no meta claims it: what a creation cut
   * short by a crash had stored (its `onCreate`'s jobs, tables and rows), which the new actor
   * must not inherit. Only the meta may have been read from this storage before. Resolves true
   * when there was something.
   */
  async clearUnclaimed(): Promise<boolean> {
    if (!this.#holdsAnything()) return false;
    await this.#storage.deleteAll();
    return true;
  }

  /** A key, or a table that is not the platform's (platform-tables.ts). */
  #holdsAnything(): boolean {
    if (!this.#storage.kv.list({ limit: 1 })[Symbol.iterator]().next().done) return true;
    const tables = this.#storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").toArray();
    return tables.some(({ name }) => !isPlatformTable(name));
  }

  /** Meta and first state in one transaction: an actor exists with its state or not at all. */
  writeCreated(meta: ActorMeta, state: unknown): void {
    this.#storage.transactionSync(() => {
      this.#state.create(state);
      this.#storage.kv.put(META_KEY, { ...meta, v: STORAGE_LAYOUT });
    });
  }

  /** The state's changes, and what `alongside` writes, in one transaction. */
  writeState(state: unknown, changes: StateChanges, alongside?: () => void): void {
    if (!alongside) return this.#state.write(state, changes);
    this.#storage.transactionSync(() => {
      this.#state.write(state, changes);
      alongside();
    });
  }

  /** What was written since this object started, buffered writes included (they are written first). */
  writes(): StorageWrites {
    this.subscriptions.flush();
    return { ...this.#state.written, connectionRecords: this.#connectionWrites, subscriptionRows: this.subscriptions.rowsWritten };
  }

  /** A connection record too large for its socket's attachment. */
  readConnection<T>(id: string): T | undefined {
    return this.#storage.kv.get<T>(CONNECTION_PREFIX + id);
  }

  /** Throws `connection_not_storable`, storing nothing, for a record over the value limit or not plain data. */
  writeConnection(id: string, record: unknown): void {
    this.#putConnectionRow(CONNECTION_PREFIX + id, record);
  }

  deleteConnection(id: string): void {
    this.#deleteConnectionRow(CONNECTION_PREFIX + id);
  }

  /** Deletes the records of every connection not listed: ones that ended while the object was gone. */
  keepConnections(live: ReadonlySet<string>): void {
    // Listed in full before deleting: with deletes inside the runtime's lazy walk, none took effect.
    for (const [key] of [...this.#storage.kv.list({ prefix: CONNECTION_PREFIX })]) {
      const id = key.slice(CONNECTION_PREFIX.length);
      if (!live.has(id)) this.deleteConnection(id);
    }
  }

  /**
   * Notes an open connection, with its record as it opened: a wake after the runtime itself
   * ended it (a crash, a deploy: no close event) runs its onDisconnect (connections.ts).
   */
  enroll(id: string, record: unknown): void {
    this.#putConnectionRow(ROSTER_PREFIX + id, record);
  }

  unenroll(id: string): void {
    this.#deleteConnectionRow(ROSTER_PREFIX + id);
  }

  /** Throws `connection_not_storable`, storing nothing, for a value over the limit or not plain data. */
  #putConnectionRow(key: string, value: unknown): void {
    try {
      this.#storage.kv.put(key, value);
    } catch (error) {
      throw errors.connectionNotStorable(error);
    }
    this.#connectionWrites++;
  }

  #deleteConnectionRow(key: string): void {
    this.#storage.kv.delete(key);
    this.#connectionWrites++;
  }

  /** The connections noted open, by id, with their records as they opened. */
  enrolled<T>(): Array<[string, T]> {
    return [...this.#storage.kv.list<T>({ prefix: ROSTER_PREFIX })].map(([key, record]) => [key.slice(ROSTER_PREFIX.length), record]);
  }

  /** Resolves once every buffered write is durable. */
  sync(): Promise<void> {
    return this.#storage.sync();
  }
}

/**
 * What to throw for a failed first read: `storage_not_sqlite` when the object's class is not
 * SQLite-backed (its synchronous KV throws, and so does its SQL), else the read's own error.
 * Checked only after a failure, so a working object pays nothing.
 */
function sqliteRequired(storage: DurableObjectStorage, error: unknown, owner: StorageOwner): unknown {
  try {
    void storage.sql.databaseSize;
    return error;
  } catch {
    return errors.storageNotSqlite(owner.actor, owner.className);
  }
}
