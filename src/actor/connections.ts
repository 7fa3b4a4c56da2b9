import { answerNotSent } from "../protocol/action-answer";
import { errors, errorToBody, type ErrorBody } from "../protocol/errors";
import { toClient, type ToServer } from "../protocol/messages";
import { closeReasonOn } from "../protocol/wire";
import { runAction } from "./actions";
import { Connection, type ConnectionRecord, type ConnectionTransport, type EventCheck } from "./connection";
import { ActionContext } from "./context";
import type { ConnectOptions } from "./definition";
import { checkedEventArgs, type SubscribeCheck, subscribeCheckOf } from "./events";
import type { ActorInstance } from "./instance";
import { changeSubscription, openingSubscriptions, refusalByCheck, subscribeCheckTimeout } from "./subscriptions";

export interface OpenOptions {
  /** The request that opens the connection, made when a hook first reads it. */
  request: () => Request | undefined;
  params: unknown;
  auth: unknown;
  /** The events the connection subscribes to before its init goes out (docs/protocol.md §5.3). */
  subscriptions?: readonly string[];
}

/** A connection as noted open in storage: its record as it opened, and how it was connected. */
interface Enrolled {
  record: ConnectionRecord;
  kind: ConnectionTransport["kind"];
}

/** The actor's open connections, their lifecycle hooks, subscriptions and events. */
export class Connections {
  readonly #instance: ActorInstance;
  readonly #open = new Map<string, Connection>();
  /** Each closed connection's onDisconnect, so a second close waits for the first instead of running it again. */
  readonly #closed = new WeakMap<Connection, Promise<void>>();
  /** HTTP actions' short-lived connections: never listed, never noted in storage. */
  readonly #ephemeral = new WeakSet<Connection>();
  /** Connections `endVanished` ended: a close event that comes for one later finds it done. */
  readonly #vanished = new Set<string>();
  /**
   * Each connection's subscription changes still waiting for an event's `canSubscribe`: later
   * changes, and actions, of that connection wait for them, so that they take effect in order.
   */
  readonly #subscribing = new WeakMap<Connection, Promise<void>>();
  /** Checks event payloads against the actor's declared events (`actor({ events })`). */
  readonly #checkEvent: EventCheck;

  constructor(instance: ActorInstance) {
    this.#instance = instance;
    const { events } = instance.definition.config;
    this.#checkEvent = (event, args) => checkedEventArgs(events, event, args);
  }

  get all(): ReadonlyMap<string, Connection> {
    return this.#open;
  }

  /**
   * Creates a connection: onBeforeConnect (may refuse), conn state, onConnect, then the
   * subscriptions its request named, then init, and after it a refusal for each subscription
   * past a limit. The subscriptions come after onConnect so that its broadcasts reach the
   * others and not the newcomer, as when a client subscribes after init (RivetKit's way). An
   * ephemeral connection (an HTTP action) gets no init, is not listed in `c.conns` and gets no
   * events. Refused with `actor_not_found` once a destroy began.
   */
  async open(transport: ConnectionTransport, options: OpenOptions, ephemeral = false): Promise<Connection> {
    const { config } = this.#instance.definition;
    const c = this.#instance.context;
    const hookOptions: ConnectOptions = {
      get request() {
        return options.request();
      },
      auth: options.auth,
    };
    this.#instance.gate.enter();
    try {
      await config.onBeforeConnect?.(c, hookOptions, options.params);
      const state = config.createConnState
        ? await config.createConnState(c, hookOptions, options.params)
        : config.connState === undefined
          ? undefined
          : structuredClone(config.connState);
      const conn = new Connection(transport, { params: options.params, auth: options.auth, state });
      conn.checkEventsWith(this.#checkEvent);
      if (ephemeral) this.#ephemeral.add(conn);
      else {
        this.#open.set(conn.id, conn);
        this.#instance.noteChange();
      }
      await config.onConnect?.(c, conn);
      const { taken, refusals: overLimits } = openingSubscriptions(this.#instance.options, options.subscriptions ?? []);
      // Each with its event where a canSubscribe refused it, for the log.
      const refusals: [error: unknown, event?: string][] = overLimits.map((error) => [error]);
      for (const event of taken) {
        const check = subscribeCheckOf(config.events, event);
        const refusal = check && (await this.#askCanSubscribe(conn, event, check));
        if (!refusal) continue;
        taken.delete(event);
        refusals.push([refusal, event]);
      }
      conn.subscribeAtOpen(taken);
      try {
        conn.persist();
      } catch (error) {
        // A connection that cannot be kept is refused; onDisconnect pairs the onConnect that ran.
        await this.close(conn);
        throw error;
      }
      if (!ephemeral) {
        this.#enroll(conn);
        conn.deliver(toClient.init(this.#instance.actorId, conn.id, conn.token));
        for (const [refusal, event] of refusals) conn.deliver(toClient.error(this.#refusalBody(refusal, event)));
      }
      return conn;
    } finally {
      this.#instance.saveIfChanged();
      this.#instance.gate.leave();
    }
  }

  /** Lists a connection rebuilt after a wake (its hooks ran when it first opened). */
  adopt(conn: Connection): void {
    conn.checkEventsWith(this.#checkEvent);
    this.#open.set(conn.id, conn);
  }

  /** Removes a connection and runs onDisconnect. Called again, it waits for the same onDisconnect. */
  close(conn: Connection): Promise<void> {
    // An HTTP action's connection never needs its id (made on first read): it is never listed or stored.
    if (!this.#ephemeral.has(conn) && this.#vanished.has(conn.id)) return Promise.resolve();
    let closing = this.#closed.get(conn);
    if (!closing) {
      closing = this.#disconnected(conn);
      this.#closed.set(conn, closing);
    }
    return closing;
  }

  /**
   * After a wake, once the actor started: runs onDisconnect for each connection noted open in
   * storage that no socket brought back. The runtime ended those without a close event (a crash,
   * a deploy, a restart of `wrangler dev`). Each gets the record last stored: the conn state as
   * it opened, or as last saved when it was too large for its socket. Then what is left of
   * connections that are not open is deleted.
   */
  async endVanished(): Promise<void> {
    const { storage } = this.#instance;
    for (const [id, opened] of storage.enrolled<Enrolled>()) {
      if (this.#open.has(id)) continue;
      this.#vanished.add(id);
      // Its subscription rows went at this wake already (HibernatableSockets.restore).
      const record = storage.readConnection<ConnectionRecord>(id) ?? opened.record;
      // Nothing to send it, nothing left to close.
      const gone: ConnectionTransport = { encoding: record.encoding, kind: opened.kind, send: () => {}, close: () => {} };
      await this.#disconnected(Connection.restore(gone, record, []));
    }
    storage.keepConnections(new Set(this.#open.keys()));
  }

  async #disconnected(conn: Connection): Promise<void> {
    if (!this.#ephemeral.has(conn)) {
      if (this.#open.delete(conn.id)) this.#instance.noteChange();
      this.#unenroll(conn.id);
    }
    try {
      await this.#instance.definition.config.onDisconnect?.(this.#instance.context, conn);
    } catch (error) {
      this.#instance.log.error("onDisconnect failed:", error);
    } finally {
      this.#instance.saveIfChanged();
    }
  }

  /**
   * Ends every open connection: `error` as a message, then a close with `code` and the error's
   * code as the reason (in the connection's wire), then onDisconnect, as when the client leaves.
   */
  async endAll(code: number, error: ErrorBody): Promise<void> {
    const message = toClient.error(error);
    for (const conn of [...this.#open.values()]) {
      conn.deliver(message);
      conn.close(code, closeReasonOn(conn.encoding, error));
      await this.close(conn);
    }
  }

  /** Notes the connection in storage, for `endVanished`; one whose record storage cannot keep (an SSE one's) stays unnoted. */
  #enroll(conn: Connection): void {
    try {
      this.#instance.storage.enroll(conn.id, { record: conn.record(), kind: conn.transport === "http" ? undefined : conn.transport } satisfies Enrolled);
    } catch (error) {
      this.#instance.log.warn(`connection ${conn.id} could not be noted in storage, so onDisconnect will not run for it if the runtime ends it:`, error);
    }
  }

  #unenroll(id: string): void {
    try {
      this.#instance.storage.unenroll(id);
    } catch {
      // Retired by a destroy: the row goes with the rest of the storage.
    }
  }

  /**
   * Sends an event to every connection subscribed to it. One whose wire cannot carry it (a bigint
   * or a cycle for JSON) gets an `e` message saying so instead, and the others still get it: a
   * listener's encoding does not fail the sender, nor cut the event off from those after it.
   */
  broadcast(event: string, args: unknown[]): void {
    const message = toClient.event(event, this.#checkEvent(event, args));
    this.#instance.activity?.record({ kind: "event", name: event, at: Date.now(), durationMs: 0, outcome: "ok" });
    let undelivered = 0;
    for (const conn of this.#open.values()) {
      if (!conn.subscriptions.has(event)) continue;
      try {
        conn.deliver(message);
      } catch (error) {
        undelivered++;
        // RivetKit's client fails every call in flight on an error without an action id: it is not told.
        if (!conn.encoding.startsWith("rivet23"))
          conn.deliver(toClient.error(errorToBody(errors.eventNotSent(event, "this connection", conn.encoding, error)).body));
      }
    }
    if (undelivered > 0)
      this.#instance.log.warn(
        `event '${event}' could not be encoded for ${undelivered} of its listeners; they were sent an error instead (RivetKit's clients, nothing)`,
      );
  }

  /**
   * One subscription change: at once (no await, so that changes and actions keep their order),
   * unless the event's `canSubscribe` must be asked or an earlier change still waits for it.
   */
  #subscription(conn: Connection, event: string, subscribe: boolean): Promise<void> | undefined {
    const check = subscribe && !conn.subscriptions.has(event) ? subscribeCheckOf(this.#instance.definition.config.events, event) : undefined;
    const waiting = this.#subscribing.get(conn);
    if (!check && !waiting) return this.#changeSubscription(conn, event, subscribe);
    const done = (async () => {
      await waiting;
      const refusal = check && (await this.#askCanSubscribe(conn, event, check));
      if (check) this.#saveAfterCheck();
      if (refusal) conn.deliver(toClient.error(this.#refusalBody(refusal, event)));
      else this.#changeSubscription(conn, event, subscribe);
    })();
    this.#subscribing.set(conn, done);
    return done.finally(() => {
      if (this.#subscribing.get(conn) === done) this.#subscribing.delete(conn);
    });
  }

  /** The refusal of the event's `canSubscribe` for this connection, or undefined when it allows it (subscriptions.ts). */
  #askCanSubscribe(conn: Connection, event: string, check: SubscribeCheck): Promise<unknown> {
    return refusalByCheck(new ActionContext(this.#instance, conn), event, check, subscribeCheckTimeout(this.#instance.options));
  }

  /** What a `canSubscribe` changed in the state is saved, as after any handler; a failure is logged (the check's answer stands). */
  #saveAfterCheck(): void {
    try {
      this.#instance.saveIfChanged();
    } catch (error) {
      this.#instance.log.error("a canSubscribe changed the state, which could not be stored:", error);
    }
  }

  #changeSubscription(conn: Connection, event: string, subscribe: boolean): undefined {
    try {
      changeSubscription(this.#instance.options, conn, event, subscribe);
    } catch (error) {
      conn.deliver(toClient.error(this.#refusalBody(error, event)));
    }
    return undefined;
  }

  /** A refused subscription's error, logged when it is no refusal but a failure (a throw in canSubscribe, a storage error). */
  #refusalBody(error: unknown, event?: string): ErrorBody {
    const { status, body } = errorToBody(error);
    if (status === 500) this.#instance.log.error(`subscription${event === undefined ? "" : ` to '${event}'`} failed:`, error);
    return body;
  }

  /**
   * Handles one decoded message. Action errors go back as `e` with the action's id; a refused
   * subscription as `e` without one, and the connection stays open. A connection that is being
   * disconnected ignores new messages.
   */
  async handle(conn: Connection, message: ToServer): Promise<void> {
    if (conn.leaving) return;
    if ("sr" in message.b) {
      const { e: event, s: subscribe } = message.b.sr;
      return this.#subscription(conn, event, subscribe);
    }
    const subscribing = this.#subscribing.get(conn);
    if (subscribing) await subscribing;
    const { i: id, n: name, a: args } = message.b.ar;
    await conn.answering(async () => {
      try {
        let output: unknown;
        try {
          output = await runAction(this.#instance, conn, name, args);
        } finally {
          // The action may have changed the connection's state; if it cannot be stored, the action fails.
          conn.persist(true);
        }
        try {
          conn.deliver(toClient.actionResponse(id, output));
        } catch (error) {
          throw answerNotSent(name, error);
        }
      } catch (error) {
        const { status, body } = errorToBody(error);
        if (status === 500) this.#instance.log.error(`action '${name}' failed:`, error);
        conn.deliver(toClient.error(body, id));
      }
    });
  }
}
