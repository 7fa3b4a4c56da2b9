import type { Connection, ConnectionRecord, ConnectionStore } from "../actor/connection";
import type { ActorStorage } from "../actor/storage";
import type { Wire } from "../protocol/wire";

/** What a socket's attachment holds. */
interface Attachment {
  id: string;
  /** The record; absent when it is too large for the attachment and is a KV row instead. */
  record?: ConnectionRecord;
  /** The subscriptions; absent once they moved to their table. */
  subscriptions?: string[];
}

/** Where one socket's connection is kept now. A new socket keeps everything in its attachment. */
interface Placement {
  recordStored: boolean;
  subscriptionsInTable: boolean;
}

/**
 * Keeps each hibernatable socket's connection so it can be rebuilt after the actor left memory.
 * The socket's attachment costs no storage write (it lives beside the socket), but the runtime
 * caps its size (16 KiB in current workerd, 2 KiB in older releases). So:
 *
 * - the record (id, token, encoding, params, auth, conn state) stays in the attachment while
 *   it fits; otherwise it is one KV row, rewritten when the record changes;
 * - the subscriptions stay in the attachment beside it while they fit. The first time they do
 *   not, they move once to rows of their own table (subscription-store.ts) and stay there until
 *   the connection closes: each later change inserts or deletes one row.
 *
 * So a connection with a handful of subscriptions writes nothing here (only the row that notes it
 * open, in connections.ts), and a subscription change costs at most the rewrite of a size-capped
 * attachment, or one row. A record storage
 * cannot keep throws `connection_not_storable` and leaves what was stored before: a failed
 * `serializeAttachment` keeps the previous attachment, and the KV row is written before the
 * attachment stops pointing at the old place.
 */
export class ConnectionRecords {
  readonly #storage: ActorStorage;
  readonly #placements = new WeakMap<WebSocket, Placement>();

  constructor(storage: ActorStorage) {
    this.#storage = storage;
  }

  /** The store of the connection on `socket`. */
  storeFor(socket: WebSocket): ConnectionStore {
    return {
      saveRecord: (conn) => this.#save(socket, conn, true),
      saveSubscription: (conn, event, subscribed) => this.#saveSubscription(socket, conn, event, subscribed),
      storedRecord: () => this.#stored(socket)?.record,
    };
  }

  /** The connection on `socket` as stored, after a wake; undefined if none was stored. */
  read(socket: WebSocket): { record: ConnectionRecord; subscriptions: string[] } | undefined {
    const stored = this.#stored(socket);
    if (!stored) return undefined;
    const { attachment, record } = stored;
    this.#placements.set(socket, { recordStored: !attachment.record, subscriptionsInTable: !attachment.subscriptions });
    return { record, subscriptions: attachment.subscriptions ?? this.#storage.subscriptions.read(attachment.id) };
  }

  /** The connection on `socket` as stored, for a look only: nothing is noted about where it is kept. */
  peek(socket: WebSocket): { record: ConnectionRecord; subscriptions: string[] } | undefined {
    const stored = this.#stored(socket);
    return stored && { record: stored.record, subscriptions: stored.attachment.subscriptions ?? this.#storage.subscriptions.read(stored.attachment.id) };
  }

  /** The wire of the connection kept with `socket`; undefined if none was kept. */
  wireOf(socket: WebSocket): Wire | undefined {
    return this.#stored(socket)?.record.encoding;
  }

  /** Deletes what a closed connection left in storage. */
  forget(socket: WebSocket, id: string): void {
    const placement = this.#placements.get(socket);
    this.#placements.delete(socket);
    if (placement?.recordStored) this.#storage.deleteConnection(id);
    if (placement?.subscriptionsInTable) this.#storage.subscriptions.deleteConnection(id);
  }

  /**
   * After a wake: deletes the subscription rows of connections whose socket ended while the actor
   * was gone. Their records stay: a socket whose close woke the actor is rebuilt from its record
   * for onDisconnect, and the connections a runtime restart ended are ended from theirs
   * (Connections.endVanished, which then deletes them).
   */
  keepOnly(ids: string[]): void {
    this.#storage.subscriptions.keepOnly(ids);
  }

  #stored(socket: WebSocket): { attachment: Attachment; record: ConnectionRecord } | undefined {
    const attachment = socket.deserializeAttachment() as Attachment | null;
    if (!attachment) return undefined;
    const record = attachment.record ?? this.#storage.readConnection<ConnectionRecord>(attachment.id);
    return record && { attachment, record };
  }

  #placement(socket: WebSocket): Placement {
    let placement = this.#placements.get(socket);
    if (!placement) {
      placement = { recordStored: false, subscriptionsInTable: false };
      this.#placements.set(socket, placement);
    }
    return placement;
  }

  #saveSubscription(socket: WebSocket, conn: Connection, event: string, subscribed: boolean): void {
    const placement = this.#placement(socket);
    if (!placement.subscriptionsInTable) return this.#save(socket, conn, false);
    this.#storage.subscriptions.change(conn.id, event, subscribed);
  }

  /**
   * Rewrites the attachment, moving the record to KV or the subscriptions to their table when
   * they no longer fit in it. A record kept in KV is rewritten only when `recordChanged`.
   */
  #save(socket: WebSocket, conn: Connection, recordChanged: boolean): void {
    const placement = this.#placement(socket);
    const { id } = conn;
    const subscriptions = placement.subscriptionsInTable ? undefined : [...conn.subscriptions];
    if (recordChanged || !placement.recordStored) {
      const record = conn.record();
      if (attach(socket, { id, record, subscriptions })) return this.#recordAttached(placement, id);
      if (subscriptions && subscriptions.length > 0 && attach(socket, { id, record })) {
        this.#moveSubscriptions(placement, id, subscriptions);
        return this.#recordAttached(placement, id);
      }
      this.#storage.writeConnection(id, record);
      placement.recordStored = true;
    }
    if (attach(socket, { id, subscriptions })) return;
    socket.serializeAttachment({ id } satisfies Attachment);
    if (subscriptions) this.#moveSubscriptions(placement, id, subscriptions);
  }

  #recordAttached(placement: Placement, id: string): void {
    if (!placement.recordStored) return;
    this.#storage.deleteConnection(id);
    placement.recordStored = false;
  }

  #moveSubscriptions(placement: Placement, id: string, subscriptions: string[]): void {
    this.#storage.subscriptions.insertAll(id, subscriptions);
    placement.subscriptionsInTable = true;
  }
}

/** Whether the attachment was stored: false when it is over the size limit or not plain data. */
function attach(socket: WebSocket, attachment: Attachment): boolean {
  try {
    socket.serializeAttachment(attachment);
    return true;
  } catch {
    return false;
  }
}
