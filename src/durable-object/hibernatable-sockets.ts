import { Connection, type ConnectionTransport } from "../actor/connection";
import type { ActorInstance } from "../actor/instance";
import type { ActorStorage } from "../actor/storage";
import type { Encoding } from "../protocol/encoding";
import { ActorflareError, errorToBody } from "../protocol/errors";
import { decodeToServer, encodeToClient, toClient, type Frame } from "../protocol/messages";
import { ConnectionRecords } from "./connection-records";
import { closeQuietly } from "./socket-closing";

/** Tags the sockets of connections (raw onWebSocket sockets are not hibernatable and carry none). */
const CONNECTION_TAG = "actorflare:conn";

export interface OpenRequest {
  request: Request;
  encoding: Encoding;
  params: unknown;
  auth: unknown;
}

/**
 * Connection sockets accepted with the WebSocket Hibernation API: an actor whose clients are
 * all idle can leave memory with every socket still open. Each connection is kept with its
 * socket (connection-records.ts), so the connections are rebuilt when a message wakes the actor.
 */
export class HibernatableSockets {
  readonly #ctx: DurableObjectState;
  readonly #records: ConnectionRecords;
  /** Sockets whose connection is still being opened, with the frames that arrived meanwhile. */
  readonly #opening = new Map<WebSocket, Frame[]>();
  readonly #connections = new WeakMap<WebSocket, Connection>();

  constructor(ctx: DurableObjectState, storage: ActorStorage) {
    this.#ctx = ctx;
    this.#records = new ConnectionRecords(storage);
  }

  /** Accepts the socket, opens the connection (hooks, init), then handles the frames that came first. */
  accept(instance: ActorInstance, socket: WebSocket, open: OpenRequest): void {
    this.#ctx.acceptWebSocket(socket, [CONNECTION_TAG]);
    this.#opening.set(socket, []);
    const transport = this.#transport(socket, open.encoding);
    void (async () => {
      let conn: Connection;
      try {
        conn = await instance.connections.open(transport, { request: open.request, params: open.params, auth: open.auth });
      } catch (error) {
        this.#opening.delete(socket);
        const { status, body } = errorToBody(error);
        if (status === 500) instance.log.error("connection refused by an error:", error);
        transport.send(toClient.error(body));
        closeQuietly(socket, 1011, body.c);
        return;
      }
      this.#connections.set(socket, conn);
      conn.deliver(toClient.init(instance.actorId, conn.id, conn.token));
      const queued = this.#opening.get(socket) ?? [];
      this.#opening.delete(socket);
      if (socket.readyState !== WebSocket.OPEN) return void this.#closed(instance, socket, conn);
      for (const frame of queued) this.#receive(instance, socket, conn, frame);
    })();
  }

  /** Frames for a socket whose connection is not open yet wait in memory (the actor cannot sleep meanwhile). */
  queueIfOpening(socket: WebSocket, frame: Frame): boolean {
    const queue = this.#opening.get(socket);
    if (!queue) return false;
    queue.push(frame);
    return true;
  }

  /** After a wake: every connection, rebuilt from its socket, without running its hooks again. */
  restore(instance: ActorInstance): void {
    const ids: string[] = [];
    for (const socket of this.#ctx.getWebSockets(CONNECTION_TAG)) {
      const stored = this.#records.read(socket);
      if (!stored) continue;
      const conn = Connection.restore(this.#transport(socket, stored.record.encoding), stored.record, stored.subscriptions);
      this.#connections.set(socket, conn);
      instance.connections.adopt(conn);
      ids.push(conn.id);
    }
    this.#records.keepOnly(ids);
  }

  message(instance: ActorInstance, socket: WebSocket, frame: Frame): void {
    const conn = this.#connections.get(socket);
    if (!conn) return closeQuietly(socket, 1011, "conn_not_found");
    this.#receive(instance, socket, conn, frame);
  }

  /** The peer closed (the object already answered the close frame): run onDisconnect. */
  async close(instance: ActorInstance, socket: WebSocket): Promise<void> {
    const conn = this.#connections.get(socket);
    if (conn) await this.#closed(instance, socket, conn);
  }

  async #closed(instance: ActorInstance, socket: WebSocket, conn: Connection): Promise<void> {
    this.#connections.delete(socket);
    this.#records.forget(socket, conn.id);
    await instance.connections.close(conn);
  }

  #receive(instance: ActorInstance, socket: WebSocket, conn: Connection, frame: Frame): void {
    try {
      void instance.connections.handle(conn, decodeToServer(conn.encoding, frame, instance.options.maxIncomingMessageSize));
    } catch (error) {
      // An undecodable or oversized message ends the connection (PROTOCOL.md §6).
      closeQuietly(socket, 1011, error instanceof ActorflareError ? error.code : "malformed_message");
    }
  }

  #transport(socket: WebSocket, encoding: Encoding): ConnectionTransport {
    return {
      encoding,
      send: (message) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(encodeToClient(encoding, message));
      },
      close: (code, reason) => closeQuietly(socket, code, reason),
      store: this.#records.storeFor(socket),
    };
  }
}
