import { backoffDelay } from "../protocol/backoff";
import type { Encoding } from "../protocol/encoding";
import { DESTROYED_CLOSE, type ToClient } from "../protocol/messages";
import type { ActorQuery } from "../protocol/query";
import { ATTEMPT_TIMED_OUT, type ClientDriver, type ClientTransport, type TransportKind } from "./driver";
import { register, runCallbacks } from "./callbacks";
import { type ActionCall, actionCall, wireArguments } from "./arguments";
import { actorGone, closedBeforeOpen, droppedCallError, refused, refusedAtOpen, refusedMessage, type Standing } from "./connection-faults";
import { ActorError, actionTimedOut, argumentsNotEncodable } from "./errors";
import { onNetworkBack } from "./network-back";
import { type PendingCall, PendingCalls } from "./pending-calls";
import { eventsToCarry, SubscriptionSync } from "./subscriptions";
import type { EventArgs, EventName } from "./types";

export interface ConnectionOptions {
  encoding: Encoding;
  transport: TransportKind;
  /** How long an action call may wait, including time spent reconnecting (ms). */
  actionTimeout: number;
  /** How long an attempt may take to open (ms), the actor's start included; past it, it is given up and retried. */
  connectionTimeout: number;
}

type EventCallback = (...args: unknown[]) => void;
type ErrorCallback = (error: ActorError) => void;

/** Where a connection stands: not yet open, open, dropped and retrying, or ended for good (disposed, refused, or its actor gone). */
export type ConnectionStatus = "connecting" | "open" | "reconnecting" | "disposed";

/** How the server closed a connection's socket, when it said so (a WebSocket close frame's code and reason). */
export interface ConnectionClose {
  code: number;
  reason: string;
}

/** Reconnects wait 250 ms doubling to 30 s, half of each wait random so that clients spread out. */
const RECONNECT_BACKOFF = { base: 250, max: 30_000, jitter: 0.5 };

/** Reads a connection's query without a member an action could be named after. */
export const CONNECTION_QUERY: unique symbol = Symbol("actorflare.connectionQuery");

/**
 * A live connection to one actor: actions, events, and reconnection. It is usable at once:
 * calls made before the connection is open (or while it reconnects) wait for it, up to the
 * action timeout. After a drop it reconnects with backoff and subscribes again to every event
 * that has listeners. Calls in flight when a connection drops fail with `connection_lost`,
 * because whether the actor ran them is unknown. A connection whose actor is gone, or that the
 * server refused, ends for good instead (status `disposed`, calls fail with the reason): when
 * the actor was destroyed (`actor_destroyed`), when a reconnect finds no actor
 * (`actor_not_found`) after the connection had been open, or when an attempt is refused before
 * it opens (`onAuth` or a connection hook threw). The user's callbacks cannot break it: what
 * they throw is reported (see runCallbacks) and the connection goes on. `E` types the events the
 * actor declares (EventsOf), for `on` and `once`.
 */
export class ActorConnectionBase<E = undefined> {
  /** The events' payload types, for the types of hooks that take a connection (useActorEvent). Type-only: never set. */
  declare readonly "~events"?: [E];
  readonly #driver: ClientDriver;
  readonly #query: ActorQuery;
  readonly #params: unknown;
  readonly #options: ConnectionOptions;
  readonly #listeners = new Map<string, Set<EventCallback>>();
  readonly #errorListeners = new Set<ErrorCallback>();
  readonly #statusListeners = new Set<(status: ConnectionStatus, closed?: ConnectionClose) => void>();
  #status: ConnectionStatus = "connecting";
  readonly #pending = new PendingCalls();
  #transport: ClientTransport | undefined;
  #open = false;
  #disposed = false;
  /** Why the connection ended by itself (its actor is gone); later calls fail with it. */
  #ended: ActorError | undefined;
  #attempt = 0;
  /** Counts connection attempts; events of an attempt that is no longer the latest are ignored. */
  #generation = 0;
  /** Set while the next attempt waits out its backoff. */
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #stopNetworkWatch: () => void;
  /** Ends an attempt that has not opened in time (`connectionTimeout`). */
  #openDeadline: ReturnType<typeof setTimeout> | undefined;
  /** Abandons the latest attempt while it opens (driver.ts, `ConnectRequest.signal`). */
  #opening: AbortController | undefined;
  /** Why the latest attempt to open failed, until one opens: a call that times out unsent says it. */
  #lastFailure: ActorError | undefined;
  /** The events the latest attempt's request carried: the server subscribed it to them before init. */
  #carried: ReadonlySet<string> = new Set();
  readonly #subscriptions = new SubscriptionSync();
  #actorId: string | undefined;
  #connectionId: string | undefined;

  /** @internal Connections come from a handle: `handle.connect()`. */
  constructor(driver: ClientDriver, query: ActorQuery, params: unknown, options: ConnectionOptions) {
    this.#driver = driver;
    this.#query = query;
    this.#params = params;
    this.#options = options;
    // After the caller's synchronous code: `conn.on(...)` right after `connect()` rides in the request.
    queueMicrotask(() => void this.#connect());
    this.#stopNetworkWatch = onNetworkBack(() => this.#networkBack());
  }

  /** The query this connection addresses its actor by (a symbol, so that no action name is taken: `actorflare/testing` reads it). */
  get [CONNECTION_QUERY](): ActorQuery {
    return this.#query;
  }

  /** The actor's id, once the first connection is open. */
  get actorId(): string | undefined {
    return this.#actorId;
  }

  /** This connection's id on the server (a new one after each reconnect). */
  get connectionId(): string | undefined {
    return this.#connectionId;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  /**
   * Called on every status change; returns a function that stops listening. A change to
   * `reconnecting` after the server closed the socket also gets the close's code and reason
   * (`conn.disconnect(reason)` on the actor closes with 1000 and that reason).
   */
  onStatusChange(callback: (status: ConnectionStatus, closed?: ConnectionClose) => void): () => void {
    return register(this.#statusListeners, callback);
  }

  /** Calls an action over the connection (`conn.name(...args)` does the same, typed); RivetKit's `action({ name, args })` too. */
  async action(nameOrCall: string | ActionCall, args?: unknown[]): Promise<unknown> {
    if (this.#disposed) throw this.#ended ?? new ActorError("connection_disposed", "The connection was disposed.");
    const { name, args: list } = actionCall(nameOrCall, args);
    const id = this.#pending.nextId();
    return new Promise((resolve, reject) => {
      const pending: PendingCall = { name, args: wireArguments(this.#options.encoding, list), sent: false, bytes: 0, resolve, reject };
      pending.timer = setTimeout(() => {
        this.#pending.delete(id);
        // A sent call that got no answer may mean a dead network: the transport checks at once.
        if (pending.sent) this.#transport?.probe?.();
        // Not sent on an open connection: it waited its turn (an SSE connection posts one message
        // at a time), and the transport will not send it now (onSending).
        const attempt = pending.sent ? { sent: true as const } : this.#open ? { queued: true as const } : { lastFailure: this.#lastFailure };
        reject(actionTimedOut(name, this.#options.actionTimeout, attempt));
      }, this.#options.actionTimeout);
      this.#pending.add(id, pending);
      if (this.#open) this.#sendAction(id, pending);
    });
  }

  /** Listens to an event; returns a function that stops listening. Each call is a listener of its own, as in RivetKit, even for the same function. */
  on<K extends EventName<E>>(event: K, listener: (...args: EventArgs<E, K>) => void): () => void {
    const callback = listener as EventCallback;
    let callbacks = this.#listeners.get(event);
    if (!callbacks) {
      callbacks = new Set();
      this.#listeners.set(event, callbacks);
      this.#subscriptionChanged(event);
    }
    const unregister = register(callbacks, callback);
    return () => {
      unregister();
      if (callbacks.size > 0 || this.#listeners.get(event) !== callbacks) return;
      this.#listeners.delete(event);
      this.#subscriptionChanged(event);
    };
  }

  /** Listens to the next occurrence of an event only. */
  once<K extends EventName<E>>(event: K, listener: (...args: EventArgs<E, K>) => void): () => void {
    const stop = this.on(event, (...args: EventArgs<E, K>) => {
      stop();
      listener(...args);
    });
    return stop;
  }

  /** Connection-level errors (refused connection, malformed message, …). */
  onError(callback: ErrorCallback): () => void {
    return register(this.#errorListeners, callback);
  }

  /** Closes the connection for good; waiting calls fail with `connection_disposed`. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#close(() => new ActorError("connection_disposed", "The connection was disposed."));
  }

  async #connect(): Promise<void> {
    if (this.#disposed) return;
    // A transport of an earlier attempt can still report a late close or message (a socket that
    // was closing while the next one opened); only the latest attempt may change this connection.
    const generation = ++this.#generation;
    const current = () => generation === this.#generation && !this.#disposed;
    // A handshake the network swallows (nothing refused, nothing answered) would wait forever.
    const attempt = new AbortController();
    this.#opening = attempt;
    clearTimeout(this.#openDeadline);
    this.#openDeadline = setTimeout(() => {
      if (!current() || this.#open) return;
      attempt.abort(ATTEMPT_TIMED_OUT);
      this.#generation++;
      this.#transport?.close();
      this.#transport = undefined;
      this.#lastFailure = new ActorError(
        "connection_failed",
        `The connection did not open within ${this.#options.connectionTimeout} ms (the client's connectionTimeout): the network or the Worker did not answer.`,
      );
      this.#dropped();
    }, this.#options.connectionTimeout);
    // Messages can come before the driver hands the transport over; they wait for it, so that
    // init's subscriptions and queued calls go out on this transport, in order.
    let transport: ClientTransport | undefined;
    let closed = false;
    const early: ToClient[] = [];
    this.#carried = new Set();
    const subscriptions = () => {
      const events = eventsToCarry(this.#listeners.keys());
      if (current()) this.#carried = new Set(events);
      return events;
    };
    try {
      transport = await this.#driver.connect(
        {
          query: this.#query,
          params: this.#params,
          encoding: this.#options.encoding,
          transport: this.#options.transport,
          subscriptions,
          signal: attempt.signal,
        },
        {
          onMessage: (message) => {
            if (!current()) return;
            if (transport) this.#receive(message);
            else early.push(message);
          },
          onClose: (reason) => {
            closed = true;
            if (current()) this.#dropped(reason);
          },
          onSending: (message) => {
            if (!("ar" in message.b)) return true;
            // A call that timed out while it waited its turn is not sent: its caller was told it did not run.
            const pending = current() ? this.#pending.get(message.b.ar.i) : undefined;
            if (pending) pending.sent = true;
            return pending !== undefined;
          },
          onUnsent: (message) => {
            // Not taken by the server: the call waits for the next connection instead of failing as lost.
            const pending = current() && "ar" in message.b ? this.#pending.get(message.b.ar.i) : undefined;
            if (pending) pending.sent = false;
          },
        },
      );
    } catch (error) {
      if (!current()) return;
      const failure = error instanceof ActorError ? error : new ActorError("connection_failed", String(error));
      this.#lastFailure = failure;
      // A network failure is retried quietly, as a drop is: onError hears refusals, not each try.
      if (failure.code !== "connection_failed") this.#emitError(failure);
      if (actorGone(failure.code, this.#standing) || refusedAtOpen(failure, this.#standing)) return this.#end(failure);
      this.#dropped();
      return;
    }
    // Opened: the signal must not reach it any more (in Workers, aborting an upgrade's fetch cuts its socket).
    if (this.#opening === attempt) this.#opening = undefined;
    if (!current()) return transport.close();
    if (closed) return;
    this.#transport = transport;
    for (const message of early.splice(0)) this.#receive(message);
  }

  #receive(message: ToClient): void {
    const body = message.b;
    if ("i" in body) {
      clearTimeout(this.#openDeadline);
      this.#open = true;
      this.#attempt = 0;
      this.#lastFailure = undefined;
      this.#actorId = body.i.ai;
      this.#connectionId = body.i.ci;
      // The request carried the events listened to then; only what changed since goes as messages.
      const transport = this.#transport;
      const changes = this.#subscriptions.opened(this.#listeners, this.#carried);
      for (const change of changes) transport?.send(change);
      // `open` waits until the server has taken the subscriptions just sent, or events other
      // clients cause meanwhile would miss this connection (but not for the calls sent next,
      // whose answers may come first).
      const subscribed = changes.length > 0 ? transport?.flushed?.() : undefined;
      for (const [id, pending] of this.#pending.unsent()) this.#sendAction(id, pending);
      // Last: a call made by an "open" callback goes out after the subscriptions, so it cannot
      // miss the events it causes.
      const announce = () => {
        if (this.#transport === transport && this.#open) this.#setStatus("open");
      };
      if (subscribed) void subscribed.then(announce);
      else announce();
    } else if ("ar" in body) {
      this.#pending.settle(body.ar.i, (pending) => pending.resolve(body.ar.o));
    } else if ("ev" in body) {
      const listeners = this.#listeners.get(body.ev.n);
      if (listeners) runCallbacks(listeners, body.ev.a, `conn.on(${JSON.stringify(body.ev.n)})`);
    } else if ("e" in body) {
      const error = new ActorError(body.e.c, body.e.m, body.e.md);
      // An id of 0 is an action's too: test for presence, not truthiness.
      if (body.e.ai !== undefined) return this.#pending.settle(body.e.ai, (pending) => pending.reject(error));
      // Before init it is why this attempt failed (a wake that fails on a reconnect, say).
      if (!this.#open) this.#lastFailure = error;
      this.#emitError(error);
      if (actorGone(error.code, this.#standing) || refused(error.code, this.#standing)) this.#end(error);
    }
  }

  /** What the codes of connection-faults.ts are read against. */
  get #standing(): Standing {
    return { open: this.#open, everOpened: this.#connectionId !== undefined, actorKnown: this.#actorId !== undefined };
  }

  /** The actor is gone or refused the connection: no reconnect; waiting calls fail with `error`, and so do later ones. */
  #end(error: ActorError): void {
    if (this.#disposed) return;
    this.#ended = error;
    this.#close(() => error);
  }

  /** Ends the connection for good (dispose or #end): no reconnect; waiting calls fail with what `failure` makes. */
  #close(failure: () => ActorError): void {
    this.#disposed = true;
    this.#stopTimers();
    this.#opening?.abort();
    this.#open = false;
    this.#transport?.close();
    this.#transport = undefined;
    this.#setStatus("disposed");
    this.#pending.fail(failure, true);
  }

  #dropped(reason?: { code: number; reason: string }): void {
    // A close that says why the actor is gone, without the message before it (a message lost, or another server).
    if (reason && actorGone(reason.reason, this.#standing)) {
      const message = reason.reason === DESTROYED_CLOSE.reason ? "The actor was destroyed." : "The actor is gone: a reconnect found none.";
      const error = new ActorError(reason.reason, message);
      this.#emitError(error);
      return this.#end(error);
    }
    // An attempt that ended before it opened, with nothing said why (an SSE stream that failed).
    if (!this.#open) this.#lastFailure ??= new ActorError("connection_failed", closedBeforeOpen(reason));
    this.#open = false;
    this.#transport = undefined;
    // The server ended the socket over a message it refused: say so, since no call hears it.
    const refusedCode = refusedMessage(reason);
    if (refusedCode) this.#emitError(new ActorError(refusedCode, `The server closed the connection over a message it refused (${refusedCode}).`));
    if (refusedCode === "message_too_long") this.#pending.failLargest();
    this.#pending.fail(() => droppedCallError(reason), false);
    if (this.#disposed) return;
    if (this.#status === "open") this.#setStatus("reconnecting", reason);
    this.#reconnectTimer = setTimeout(
      () => {
        this.#reconnectTimer = undefined;
        void this.#connect();
      },
      backoffDelay(this.#attempt++, RECONNECT_BACKOFF),
    );
  }

  /** The browser says the network is back: a reconnect waiting out its backoff goes now, from the shortest wait again. */
  #networkBack(): void {
    if (this.#reconnectTimer === undefined || this.#disposed) return;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#attempt = 0;
    void this.#connect();
  }

  #stopTimers(): void {
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    clearTimeout(this.#openDeadline);
    this.#stopNetworkWatch();
  }

  /** While open, a change of listening goes out once the caller's synchronous code is done, netted with the others (SubscriptionSync). */
  #subscriptionChanged(event: string): void {
    if (this.#open && this.#subscriptions.note(event)) queueMicrotask(() => this.#sendSubscriptions());
  }

  #sendSubscriptions(): void {
    if (!this.#open) return;
    for (const change of this.#subscriptions.take(this.#listeners)) this.#transport?.send(change);
  }

  #sendAction(id: number, pending: PendingCall): void {
    // Subscriptions changed before this call go out before it, so it cannot miss the events it causes.
    this.#sendSubscriptions();
    try {
      pending.bytes = this.#transport?.send({ b: { ar: { i: id, n: pending.name, a: pending.args } } }) ?? 0;
    } catch (error) {
      // The encoding cannot carry the arguments: nothing was sent, and only this call fails.
      this.#pending.settle(id, (p) => p.reject(argumentsNotEncodable(p.name, this.#options.encoding, error)));
    }
  }

  #setStatus(status: ConnectionStatus, closed?: ConnectionClose): void {
    if (this.#status === status) return;
    this.#status = status;
    runCallbacks(this.#statusListeners, closed ? [status, closed] : [status], "conn.onStatusChange");
  }

  #emitError(error: ActorError): void {
    runCallbacks(this.#errorListeners, [error], "conn.onError");
  }
}
