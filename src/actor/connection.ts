import { toBase64 } from "../protocol/base64";
import { errors } from "../protocol/errors";
import { toClient, type ToClient } from "../protocol/messages";
import type { Wire } from "../protocol/wire";
import { RECORD_VERSION } from "./storage-layout";

/** The arguments of an event as they may be sent; throws when the actor's declared events refuse them. */
export type EventCheck = (event: string, args: unknown[]) => unknown[];

/** How a connection reaches its client: a WebSocket, an SSE stream, or nothing (HTTP actions). */
export interface ConnectionTransport {
  /** The wire its messages travel in: actorflare's own encodings or RivetKit 2.3's. */
  readonly encoding: Wire;
  /** What carries it, for the inspector; absent for the short-lived connection of an HTTP action or a scheduled job. */
  readonly kind?: "websocket" | "sse";
  send(message: ToClient): void;
  close(code: number, reason: string): void;
  /** Keeps the connection beyond this wake, if the transport outlives it (a hibernatable WebSocket). */
  readonly store?: ConnectionStore;
}

/**
 * Where a connection that outlives a wake is kept. A method that cannot keep what it is given
 * throws `connection_not_storable` and leaves what was stored before as it was.
 */
export interface ConnectionStore {
  /** Stores the connection's record (its state may have changed). */
  saveRecord(conn: Connection): void;
  /** Stores one change to `conn.subscriptions`, already made. */
  saveSubscription(conn: Connection, event: string, subscribed: boolean): void;
  /** The record as stored last. */
  storedRecord(): ConnectionRecord | undefined;
}

/** What a connection is, besides its subscriptions: enough to rebuild it after the actor left memory. */
export interface ConnectionRecord {
  /** Which version wrote it (storage-layout.ts); absent in records of the first release. */
  v?: number;
  id: string;
  token: string;
  encoding: Wire;
  params: unknown;
  auth: unknown;
  state: unknown;
  /** When the connection opened (ms since the epoch); absent in records of version 1. */
  since?: number;
}

/**
 * One client connection to an actor: `c.conn` in actions, a value of `c.conns`. `CS` types its
 * state, `P` its params (as the actor's hooks annotate them, ConnParamsOf), `A` what `onAuth`
 * returned for it.
 */
export class Connection<CS = unknown, P = unknown, A = unknown> {
  /** The conn params the client sent; when it sent none, `null` over HTTP and SSE and `undefined` over WebSocket, as in RivetKit 2.0. */
  readonly params: P;
  /** What `onAuth` returned; undefined for the server-side client and `c.client()`, which skip it. */
  readonly auth: A | undefined;
  /** When this connection opened (ms since the epoch), for the inspector; kept across wakes. */
  readonly since: number;
  readonly #subscriptions = new Set<string>();
  readonly #transport: ConnectionTransport;
  // Made on first use: an HTTP action's short-lived connection usually needs neither.
  #id: string | undefined;
  #token: string | undefined;
  #state: CS;
  #stateReplaced = false;
  /** Actions of this connection whose answer has not gone out yet. */
  #unanswered = 0;
  /** The reason of a disconnect asked while actions were unanswered: it closes after their answers. */
  #leaving: string | undefined;
  /** Checks an event's arguments against the actor's declared events before it is sent (events.ts). */
  #checkEvent: EventCheck = (_event, args) => args;

  /** @internal The actor makes connections. */
  constructor(transport: ConnectionTransport, init: { params: P; auth: A | undefined; state: CS; id?: string; token?: string; since?: number }) {
    this.#id = init.id;
    this.since = init.since ?? Date.now();
    this.#token = init.token;
    this.#transport = transport;
    this.params = init.params;
    this.auth = init.auth;
    this.#state = init.state;
  }

  get id(): string {
    return (this.#id ??= crypto.randomUUID());
  }

  /** @internal The secret that proves a later message POST comes from this connection's owner. */
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

  get encoding(): Wire {
    return this.#transport.encoding;
  }

  /** What carries the connection: `websocket`, `sse`, or `http` for a short-lived one. */
  get transport(): "websocket" | "sse" | "http" {
    return this.#transport.kind ?? "http";
  }

  /** The events this connection subscribed to. */
  get subscriptions(): ReadonlySet<string> {
    return this.#subscriptions;
  }

  /** Sends an event to this connection only. */
  send(event: string, ...args: unknown[]): void {
    const message = toClient.event(event, this.#checkEvent(event, args));
    try {
      this.#transport.send(message);
    } catch (error) {
      throw errors.eventNotSent(event, `connection ${this.id}`, this.encoding, error);
    }
  }

  /** @internal The actor's check of event payloads (its declared events), for `send`. */
  checkEventsWith(check: EventCheck): void {
    this.#checkEvent = check;
  }

  /**
   * Closes the connection (WebSocket close 1000 with the reason). Asked while actions of this
   * connection run (an action disconnecting its own caller), it closes once they answered, so
   * that their answers reach the client; messages that come meanwhile are ignored.
   */
  disconnect(reason?: string): void {
    if (this.#unanswered === 0) return this.#transport.close(1000, reason ?? "");
    this.#leaving ??= reason ?? "";
  }

  /** @internal Whether a disconnect waits for answers: the connection takes no new message. */
  get leaving(): boolean {
    return this.#leaving !== undefined;
  }

  /** @internal Runs an action up to its answer being sent; a disconnect asked meanwhile closes after the last such. */
  async answering(answer: () => Promise<void>): Promise<void> {
    this.#unanswered++;
    try {
      await answer();
    } finally {
      this.#unanswered--;
      if (this.#unanswered === 0 && this.#leaving !== undefined) this.#transport.close(1000, this.#leaving);
    }
  }

  /** @internal Closes the transport with any code (a destroyed actor's connections close with 1001). */
  close(code: number, reason: string): void {
    this.#transport.close(code, reason);
  }

  /** @internal Protocol messages (init, action results, errors). */
  deliver(message: ToClient): void {
    this.#transport.send(message);
  }

  /** @internal What is stored to rebuild this connection after a wake (subscriptions apart). */
  record(): ConnectionRecord {
    return {
      v: RECORD_VERSION,
      id: this.id,
      token: this.token,
      encoding: this.encoding,
      params: this.params,
      auth: this.auth,
      state: this.#state,
      since: this.since,
    };
  }

  /**
   * @internal
   * Saves the connection's record with its transport, where the transport outlives a wake.
   * `ifChanged`: skip it when nothing about the connection can have changed (its state is a
   * primitive that was not replaced); an object state may have been changed in place.
   * A record that cannot be stored throws `connection_not_storable`, and the state goes back
   * to the one stored, so memory and storage agree.
   */
  persist(ifChanged = false): void {
    const store = this.#transport.store;
    if (!store || (ifChanged && !this.#stateReplaced && (typeof this.#state !== "object" || this.#state === null))) return;
    this.#stateReplaced = false;
    try {
      store.saveRecord(this);
    } catch (error) {
      const stored = store.storedRecord();
      if (stored) this.#state = stored.state as CS;
      throw error;
    }
  }

  /**
   * @internal
   * Subscribes or unsubscribes, storing the change where the transport outlives a wake.
   * Returns false, and writes nothing, when the connection already was so.
   */
  setSubscribed(event: string, subscribed: boolean): boolean {
    if (this.#subscriptions.has(event) === subscribed) return false;
    const apply = (on: boolean) => (on ? this.#subscriptions.add(event) : this.#subscriptions.delete(event));
    apply(subscribed);
    try {
      this.#transport.store?.saveSubscription(this, event, subscribed);
    } catch (error) {
      apply(!subscribed);
      throw error;
    }
    return true;
  }

  /** @internal A connection as it was before the actor left memory; its hooks do not run again. */
  static restore(transport: ConnectionTransport, record: ConnectionRecord, subscriptions: Iterable<string>): Connection {
    const conn = new Connection(transport, record);
    conn.subscribeAtOpen(subscriptions);
    return conn;
  }

  /**
   * @internal
   * Subscriptions set before the connection is first stored (those its request named) or as
   * restored after a wake: stored with its record, not one by one.
   */
  subscribeAtOpen(events: Iterable<string>): void {
    for (const event of events) this.#subscriptions.add(event);
  }
}

function randomToken(): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(32)));
}
