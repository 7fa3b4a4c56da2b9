import type { Encoding } from "../protocol/encoding";
import { toClient, type ToClient } from "../protocol/messages";

/** How a connection reaches its client: a WebSocket, an SSE stream, or nothing (HTTP actions). */
export interface ConnectionTransport {
  readonly encoding: Encoding;
  send(message: ToClient): void;
  close(code: number, reason: string): void;
  /** Keeps what a connection is (params, auth, state, subscriptions) beyond this wake, if the transport outlives it. */
  persist?(record: ConnectionRecord): void;
}

/** Everything needed to rebuild a connection after the actor was evicted from memory. */
export interface ConnectionRecord {
  id: string;
  token: string;
  encoding: Encoding;
  params: unknown;
  auth: unknown;
  state: unknown;
  subscriptions: string[];
}

/** One client connection to an actor: `c.conn` in actions, a value of `c.conns`. */
export class Connection<CS = unknown> {
  readonly params: unknown;
  readonly auth: unknown;
  readonly subscriptions = new Set<string>();
  readonly #transport: ConnectionTransport;
  // Made on first use: an HTTP action's short-lived connection usually needs neither.
  #id: string | undefined;
  #token: string | undefined;
  #state: CS;
  #stateReplaced = false;

  constructor(transport: ConnectionTransport, init: { params: unknown; auth: unknown; state: CS; id?: string; token?: string }) {
    this.#id = init.id;
    this.#token = init.token;
    this.#transport = transport;
    this.params = init.params;
    this.auth = init.auth;
    this.#state = init.state;
  }

  get id(): string {
    return (this.#id ??= crypto.randomUUID());
  }

  /** The secret that proves a later message POST comes from this connection's owner. */
  get token(): string {
    return (this.#token ??= randomToken());
  }

  /** Per-connection state, from `connState` / `createConnState`. */
  get state(): CS {
    return this.#state;
  }

  set state(next: CS) {
    this.#state = next;
    this.#stateReplaced = true;
  }

  get encoding(): Encoding {
    return this.#transport.encoding;
  }

  /** Sends an event to this connection only. */
  send(event: string, ...args: unknown[]): void {
    this.#transport.send(toClient.event(event, args));
  }

  /** Closes the connection (WebSocket close 1000 with the reason). */
  disconnect(reason?: string): void {
    this.#transport.close(1000, reason ?? "");
  }

  /** Protocol messages (init, action results, errors). */
  deliver(message: ToClient): void {
    this.#transport.send(message);
  }

  /**
   * Saves the connection's record with its transport, where the transport outlives a wake.
   * `ifChanged`: skip it when nothing about the connection can have changed (its state is a
   * primitive that was not replaced); an object state may have been changed in place.
   */
  persist(ifChanged = false): void {
    if (ifChanged && !this.#stateReplaced && (typeof this.#state !== "object" || this.#state === null)) return;
    this.#stateReplaced = false;
    this.#transport.persist?.({
      id: this.id,
      token: this.token,
      encoding: this.encoding,
      params: this.params,
      auth: this.auth,
      state: this.state,
      subscriptions: [...this.subscriptions],
    });
  }

  /** A connection as it was before the actor left memory; its hooks do not run again. */
  static restore(transport: ConnectionTransport, record: ConnectionRecord): Connection {
    const conn = new Connection(transport, record);
    for (const event of record.subscriptions) conn.subscriptions.add(event);
    return conn;
  }
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
