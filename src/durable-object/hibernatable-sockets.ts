import { Connection, type ConnectionRecord, type ConnectionTransport } from "../actor/connection";
import type { ActorInstance } from "../actor/instance";
import type { ActorStorage } from "../actor/storage";
import { ActorflareError, type ErrorBody } from "../protocol/errors";
import type { Frame } from "../protocol/messages";
import { closeReasonOn, decodeToServerOn, encodeToClientOn, type Wire } from "../protocol/wire";
import { failSocket } from "../server/error-answers";
import { upgradeResponse } from "../server/websocket-upgrade";
import { ConnectionRecords } from "./connection-records";
import { closeQuietly } from "./socket-closing";

/** Tags the sockets of connections (raw onWebSocket sockets are not hibernatable and carry none). */
const CONNECTION_TAG = "actorflare:conn";

export interface OpenRequest {
  request: Request;
  encoding: Wire;
  params: unknown;
  auth: unknown;
  subscriptions?: readonly string[] | undefined;
}

/**
 * Connection sockets accepted with the WebSocket Hibernation API: an actor whose clients are
 * all idle can leave memory with every socket still open. Each connection is kept with its
 * socket (connection-records.ts), so the connections are rebuilt when a message wakes the actor.
 */
export class HibernatableSockets {
  readonly #ctx: DurableObjectState;
  readonly #records: ConnectionRecords;
  readonly #connections = new WeakMap<WebSocket, Connection>();
  /** Sockets whose connection this wake already closed: a second close event runs no second onDisconnect. */
  readonly #ended = new WeakSet<WebSocket>();
  /** Sockets whose close event is being handled: listed no more by the runtime, rebuilt by a wake all the same. */
  readonly #closing = new Set<WebSocket>();

  constructor(ctx: DurableObjectState, storage: ActorStorage) {
    this.#ctx = ctx;
    this.#records = new ConnectionRecords(storage);
  }

  /**
   * Opens a connection and returns the 101 answer with its socket. The hooks run before the socket
   * is accepted, so no client frame can arrive before the connection exists, and a refusal throws
   * instead: the route then closes a socket accepted the ordinary way, which the runtime finishes
   * at once (a hibernatable socket closed right after it was accepted lingers on the client side
   * until the object leaves memory). What the hooks send (onConnect's `conn.send`) waits for the
   * socket and goes out before init.
   */
  async open(instance: ActorInstance, open: OpenRequest, protocol: string | null | undefined): Promise<Response> {
    const { 0: client, 1: socket } = new WebSocketPair();
    const live = this.#transport(instance, socket, open.encoding);
    // Encoded when sent, so that what the wire cannot carry fails the hook that sent it.
    let early: { frames: (string | Uint8Array<ArrayBuffer>)[]; close?: [code: number, reason: string] } | undefined = { frames: [] };
    const transport: ConnectionTransport = {
      ...live,
      send: (message) => (early ? early.frames.push(encodeToClientOn(open.encoding, message)) : live.send(message)),
      close: (code, reason) => (early ? (early.close = [code, reason]) : live.close(code, reason)),
    };
    const conn = await instance.connections.open(transport, {
      request: () => open.request,
      params: open.params,
      auth: open.auth,
      subscriptions: open.subscriptions,
    });
    this.#ctx.acceptWebSocket(socket, [CONNECTION_TAG]);
    this.#connections.set(socket, conn);
    const { frames, close } = early;
    early = undefined;
    for (const frame of frames) if (socket.readyState === WebSocket.OPEN) socket.send(frame);
    if (close) live.close(...close);
    return upgradeResponse(client, protocol);
  }

  /**
   * A close event came for `socket`: if it wakes the actor, `restore` rebuilds its connection
   * too (the runtime no longer lists it), so that its onDisconnect sees the conn state it had.
   */
  noteClosing(socket: WebSocket): void {
    this.#closing.add(socket);
  }

  doneClosing(socket: WebSocket): void {
    this.#closing.delete(socket);
  }

  /** After a wake: every connection, rebuilt from its socket, without running its hooks again. */
  restore(instance: ActorInstance): void {
    const ids: string[] = [];
    for (const socket of new Set([...this.#ctx.getWebSockets(CONNECTION_TAG), ...this.#closing])) {
      const conn = this.#rebuild(instance, socket);
      if (!conn) continue;
      this.#connections.set(socket, conn);
      instance.connections.adopt(conn);
      ids.push(conn.id);
    }
    this.#records.keepOnly(ids);
  }

  /** The connections kept with the open sockets, as stored, without rebuilding them (the inspector of an actor not awake). */
  stored(): { record: ConnectionRecord; subscriptions: string[] }[] {
    return this.#ctx.getWebSockets(CONNECTION_TAG).flatMap((socket) => this.#records.peek(socket) ?? []);
  }

  /**
   * The actor was destroyed: every connection socket forgets its connection, so that a later
   * actor in this object never rebuilds one from a socket still closing.
   */
  release(): void {
    for (const socket of this.#ctx.getWebSockets(CONNECTION_TAG)) detach(socket);
  }

  /** Closes every connection socket (after `release`, when an actor that could not start is destroyed). */
  closeAll(code: number, reason: string): void {
    for (const socket of this.#ctx.getWebSockets(CONNECTION_TAG)) closeQuietly(socket, code, reason);
  }

  /**
   * The actor could not wake for this socket's message (onStart or a migration failed): the
   * connection gets the error, then close 1011 with its code, so the client knows its calls did
   * not run. It reconnects, and the next attempt wakes the actor again.
   */
  failWake(socket: WebSocket, body: ErrorBody): void {
    failSocket(socket, body, this.#records.wireOf(socket));
  }

  /** Whether the socket's connection was released by a destroy (or never stored). */
  released(socket: WebSocket): boolean {
    return socket.deserializeAttachment() === null;
  }

  message(instance: ActorInstance, socket: WebSocket, frame: Frame): void {
    if (!this.receiveKnown(instance, socket, frame)) closeQuietly(socket, 1011, "conn_not_found");
  }

  /** Handles the frame if the socket is a connection this wake knows; false if it is not. */
  receiveKnown(instance: ActorInstance, socket: WebSocket, frame: Frame): boolean {
    const conn = this.#connections.get(socket);
    if (conn) this.#receive(instance, socket, conn, frame);
    return conn !== undefined;
  }

  /**
   * The peer closed (the object already answered the close frame): run onDisconnect. When the
   * close is what woke the actor, the socket is no longer among those `restore` found (the
   * runtime lists only open ones), so its connection is rebuilt from the socket itself.
   */
  async close(instance: ActorInstance, socket: WebSocket): Promise<void> {
    const conn = this.#connections.get(socket) ?? (this.#ended.has(socket) ? undefined : this.#rebuild(instance, socket));
    if (conn) await this.#closed(instance, socket, conn);
  }

  /** The connection kept with `socket`, without running its hooks; none if none was kept or a destroy released it. */
  #rebuild(instance: ActorInstance, socket: WebSocket): Connection | undefined {
    const stored = this.#records.read(socket);
    return stored && Connection.restore(this.#transport(instance, socket, stored.record.encoding), stored.record, stored.subscriptions);
  }

  /**
   * The actor closes a connection's socket: onDisconnect runs now, not when the client answers
   * the close frame, which a client may never do. The peer's close event later finds it ended.
   */
  #end(instance: ActorInstance, socket: WebSocket, code: number, reason: string): Promise<void> {
    const conn = this.#connections.get(socket);
    // A close event that comes after the actor left memory must not rebuild it for a second onDisconnect.
    if (conn) detach(socket);
    closeQuietly(socket, code, reason);
    return conn ? this.#closed(instance, socket, conn) : Promise.resolve();
  }

  async #closed(instance: ActorInstance, socket: WebSocket, conn: Connection): Promise<void> {
    this.#connections.delete(socket);
    this.#ended.add(socket);
    this.#records.forget(socket, conn.id);
    await instance.connections.close(conn);
  }

  #receive(instance: ActorInstance, socket: WebSocket, conn: Connection, frame: Frame): void {
    try {
      void instance.connections.handle(conn, decodeToServerOn(conn.encoding, frame, instance.options.maxIncomingMessageSize));
    } catch (error) {
      // An undecodable or oversized message ends the connection (docs/protocol.md §6, §7.4).
      const body = error instanceof ActorflareError ? error.toBody() : { c: "malformed_message", m: "Malformed message." };
      // The close reason carries the code alone: the log says what was wrong with the frame.
      instance.log.warn(`closed connection ${conn.id} over a message it refused: ${body.m}`);
      this.#endQuietly(instance, socket, 1011, closeReasonOn(conn.encoding, body));
    }
  }

  /** `#end` where nobody awaits it: what onDisconnect (or the save after it) throws is logged. */
  #endQuietly(instance: ActorInstance, socket: WebSocket, code: number, reason: string): void {
    this.#end(instance, socket, code, reason).catch((error: unknown) => instance.log.error("closing a connection failed:", error));
  }

  #transport(instance: ActorInstance, socket: WebSocket, encoding: Wire): ConnectionTransport {
    return {
      encoding,
      kind: "websocket",
      send: (message) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(encodeToClientOn(encoding, message));
      },
      close: (code, reason) => this.#endQuietly(instance, socket, code, reason),
      store: this.#records.storeFor(socket),
    };
  }
}

/** Makes the socket forget its connection (see `released`). */
function detach(socket: WebSocket): void {
  try {
    socket.serializeAttachment(null);
  } catch {
    // Closed meanwhile.
  }
}
