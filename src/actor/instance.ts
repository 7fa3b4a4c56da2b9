import { ActorflareError, errors, sqlError } from "../protocol/errors";
import { ActivityLog } from "./activity";
import { ActorContext, type ActorLogger, type CreateContext, type DriverContext } from "./context";
import { Connections } from "./connections";
import { optionsOf, type ResolvedOptions } from "./options";
import { Scheduler } from "./scheduler";
import type { AnyActorDefinition } from "./definition";
import { createActorSql, type ActorSql } from "./sql";
import { StateTracker } from "./state-tracker";
import type { ActorMeta, ActorStorage } from "./storage";
import { WorkGate } from "./work-gate";

/** What the Durable Object gives an actor instance. */
export interface ActorHost {
  readonly definition: AnyActorDefinition;
  readonly storage: ActorStorage;
  readonly actorId: string;
  /** The registry's server-side client, made on first use (`c.client()`). */
  readonly client: () => unknown;
  /** Told when something the inspector shows may have changed (state, connections, activity); absent while no inspector can look. */
  readonly changed: (() => void) | undefined;
  /** `c.destroy()`: destroys this instance once the work running in it has finished. */
  readonly destroy: (instance: ActorInstance) => void;
  /** What `createVars` gets besides the context: the object's state and bindings. */
  readonly driver: DriverContext;
}

/**
 * One live actor: its state, vars and handlers, for one wake of its Durable Object.
 * Lifecycle: `create` (first time ever) or `load` (every later wake), then `start`, then
 * requests. The Durable Object builds exactly one per wake.
 */
export class ActorInstance<S = unknown, V = unknown> {
  readonly meta: ActorMeta;
  readonly log: ActorLogger;
  /** The actor's options, defaults filled in. */
  readonly options: ResolvedOptions;
  readonly context: ActorContext<S, V>;
  readonly #host: ActorHost;
  readonly connections: Connections;
  readonly scheduler: Scheduler;
  /** Recent actions and events, in memory only, kept while the inspector is on (it shows them). */
  readonly activity: ActivityLog | undefined;
  /** The work running in this instance, and whether it may start more (a destroy drains it). */
  readonly gate: WorkGate;
  readonly #rawSockets = new Set<WebSocket>();
  /** `c.abortSignal`: aborted when a destroy of this instance goes ahead. */
  readonly #ending = new AbortController();
  readonly #state: StateTracker<S>;
  #vars: V | undefined;
  #db: unknown;
  #sql: ActorSql | undefined;
  /** Writes that go with every state write while registered: a scheduled run marks itself with them. */
  readonly #withStateWrites = new Set<() => void>();
  #started = false;
  /** Loaded from storage (not just created): its first start ends the connections that vanished meanwhile. */
  #woke = false;
  #inStateChange = false;

  private constructor(host: ActorHost, meta: ActorMeta, state: S) {
    this.#host = host;
    this.activity = host.changed && new ActivityLog(host.changed);
    this.meta = meta;
    this.options = optionsOf(host.definition);
    this.log = actorLogger(meta.name, host.actorId);
    this.gate = new WorkGate(meta.name);
    this.#state = new StateTracker(state, () => this.#stateChanged());
    this.context = new ActorContext(this);
    this.connections = new Connections(this as ActorInstance);
    this.scheduler = new Scheduler(this as ActorInstance, host.storage.schedule, host.storage.alarms);
  }

  /** First creation: state from `state` / `createState(c, input)`, then `onCreate`, then stored. */
  static async create<S, V>(host: ActorHost, meta: ActorMeta, input: unknown): Promise<ActorInstance<S, V>> {
    const { config } = host.definition;
    const createContext: CreateContext = { name: meta.name, key: meta.key, actorId: host.actorId, log: actorLogger(meta.name, host.actorId) };
    const state = config.createState ? await config.createState(createContext, input) : structuredClone(config.state);
    const instance = new ActorInstance<S, V>(host, meta, state as S);
    await instance.#openDatabase();
    await instance.#createVars();
    await config.onCreate?.(instance.context, input);
    host.storage.writeCreated(meta, instance.#state.raw);
    instance.#state.takeChanges();
    return instance;
  }

  /** A later wake: state as stored. */
  static async load<S, V>(host: ActorHost, meta: ActorMeta): Promise<ActorInstance<S, V>> {
    const instance = new ActorInstance<S, V>(host, meta, host.storage.readState<S>());
    instance.#woke = true;
    await instance.#openDatabase();
    await instance.#createVars();
    return instance;
  }

  get actorId(): string {
    return this.#host.actorId;
  }

  /** The actor's storage: its state, connections, schedule. */
  get storage(): ActorStorage {
    return this.#host.storage;
  }

  /** `c.sql`: queries on the object's SQLite, made on first use. */
  get sql(): ActorSql {
    this.#sql ??= createActorSql(this.#host.storage.durable);
    return this.#sql;
  }

  /** `c.db`: the client of `actor({ db })`, migrated on this wake; undefined without one. */
  get db(): unknown {
    return this.#db;
  }

  /** Builds `c.db` and runs its migrations: on every wake, before createVars, onCreate and onStart. */
  async #openDatabase(): Promise<void> {
    const provider = this.#host.definition.config.db;
    if (!provider) return;
    const storage = this.#host.storage.durable;
    const db = provider.create(storage);
    try {
      await provider.migrate?.(db, storage);
    } catch (error) {
      this.log.error("the database migrations failed; the next request tries again:", error);
      // A provider's own error says what failed (ours: the migration and SQLite's message).
      const detail = error instanceof ActorflareError ? error.message : (sqlError(error)?.message ?? "the server log has the error");
      throw new ActorflareError(
        "migration_failed",
        `The database migrations of actor '${this.meta.name}' failed, so it could not start (${detail}). None of them was applied; fix the migration and deploy again.`,
        { status: 500 },
      );
    }
    this.#db = db;
  }

  /** The size of the object's SQLite database in bytes (for the inspector). */
  get storageBytes(): number {
    return this.#host.storage.durable.sql.databaseSize;
  }

  /** The client `c.client()` returns: typed by the caller, made by the registry. */
  get client(): unknown {
    return this.#host.client();
  }

  get definition(): AnyActorDefinition {
    return this.#host.definition;
  }

  get started(): boolean {
    return this.#started;
  }

  /** The raw `onWebSocket` sockets open now. */
  get rawSockets(): ReadonlySet<WebSocket> {
    return this.#rawSockets;
  }

  /** `c.destroy()`. */
  destroy(): void {
    this.#host.destroy(this as ActorInstance);
  }

  get abortSignal(): AbortSignal {
    return this.#ending.signal;
  }

  /** A destroy goes ahead: `c.abortSignal` fires with the `actor_destroyed` error. */
  abortForDestroy(): void {
    this.#ending.abort(errors.actorDestroyed(this.meta.name));
  }

  /** `c.waitUntil(promise)`: counted as work until it settles, then its state changes are saved. */
  waitUntil(promise: PromiseLike<unknown>): void {
    this.gate.extend();
    // Any thenable (a Drizzle query is one, without `catch`) is awaited like a promise.
    Promise.resolve(promise)
      .catch((error: unknown) => this.log.error("a promise passed to c.waitUntil() rejected:", error))
      .finally(() => {
        try {
          this.saveIfChanged();
        } catch {
          // saveIfChanged logged it; nothing is waiting for this promise to report to.
        } finally {
          this.gate.leave();
        }
      });
  }

  /**
   * Runs `onStart`; a throw leaves the instance unstarted so the next request tries again, with
   * the state as stored: what the failed onStart changed in memory is dropped (the inspector shows,
   * and repairs, the stored state).
   */
  async start(): Promise<void> {
    if (this.#started) return;
    try {
      await this.#host.definition.config.onStart?.(this.context);
    } catch (error) {
      // Not logged here: whatever met the failure logs the error below, with what onStart threw as its cause.
      this.reloadState();
      throw new ActorflareError(
        "actor_start_failed",
        `onStart of actor '${this.meta.name}' threw, so the actor could not start. The next request tries again; the server log has the error.`,
        { status: 500, cause: error },
      );
    }
    this.saveIfChanged();
    this.#started = true;
    // Connections the runtime ended while the actor was gone get their onDisconnect, once it runs.
    if (this.#woke) {
      this.#woke = false;
      await this.connections.endVanished();
    }
  }

  get state(): S {
    return this.#state.value;
  }

  /** Takes the state as stored, dropping unsaved changes, without calling onStateChange (for an instance that has not started). */
  reloadState(): void {
    this.#state.reset(this.#host.storage.readState<S>());
  }

  set state(next: S) {
    this.#state.value = next;
  }

  /** Something the inspector shows may have changed (state, connections, activity). */
  noteChange(): void {
    this.#host.changed?.();
  }

  get vars(): V {
    return this.#vars as V;
  }

  /**
   * Writes the state if a handler changed it. Before a response leaves, so the output gate covers it.
   * `alongside` writes more in the same transaction: both are stored, or neither. Once the actor
   * is destroyed nothing is written: its storage is gone.
   */
  saveIfChanged(alongside?: () => void): void {
    if (this.gate.closed) return;
    if (!this.#state.dirty) {
      alongside?.();
      return;
    }
    const companions = this.#withStateWrites.size === 0 ? undefined : [...this.#withStateWrites];
    const together = !companions
      ? alongside
      : () => {
          for (const write of companions) write();
          alongside?.();
        };
    try {
      this.#host.storage.writeState(this.#state.raw, this.#state.takeChanges(), together);
    } catch (error) {
      // Keep memory equal to storage: drop the change that could not be stored.
      this.#state.reset(this.#host.storage.readState<S>());
      this.log.error("the state could not be stored; the change is dropped:", error instanceof Error ? (error.cause ?? error) : error);
      throw error;
    }
    this.noteChange();
  }

  /** Adds `write` to every state write, in its transaction, until the returned function is called. */
  withEveryStateWrite(write: () => void): () => void {
    this.#withStateWrites.add(write);
    return () => this.#withStateWrites.delete(write);
  }

  async saveState(): Promise<void> {
    if (this.gate.closed) return;
    this.saveIfChanged();
    await this.#host.storage.sync();
  }

  async handleFetch(request: Request, auth: unknown): Promise<Response> {
    const { onFetch } = this.#host.definition.config;
    if (!onFetch) throw errors.fetchHandlerNotDefined(this.meta.name);
    this.gate.enter();
    let response: unknown;
    try {
      response = await onFetch(this.context, request, { auth });
    } finally {
      this.saveIfChanged();
      this.gate.leave();
    }
    if (!(response instanceof Response)) throw errors.invalidFetchResponse(this.meta.name);
    if (response.bodyUsed || response.body?.locked) throw errors.fetchResponseBodyUsed(this.meta.name);
    return response;
  }

  /**
   * Hands an accepted socket to `onWebSocket`. State changed by its listeners is saved by
   * `c.saveState()` or, at the latest, when the socket closes.
   */
  async handleWebSocket(socket: WebSocket, request: Request, auth: unknown): Promise<void> {
    const { onWebSocket } = this.#host.definition.config;
    if (!onWebSocket) throw errors.webSocketHandlerNotDefined(this.meta.name);
    this.gate.enter();
    try {
      const handling = onWebSocket(this.context, socket, { request, auth });
      this.#rawSockets.add(socket);
      // Registered after the handler's own listeners, so changes made in its close listener are saved too.
      socket.addEventListener("close", () => {
        this.#rawSockets.delete(socket);
        try {
          this.saveIfChanged();
        } catch (error) {
          this.log.error("state could not be saved when the WebSocket closed:", error);
        }
      });
      await handling;
    } finally {
      this.saveIfChanged();
      this.gate.leave();
    }
  }

  /** onStateChange after each change; a change made inside it does not call it again. */
  #stateChanged(): void {
    const { onStateChange } = this.#host.definition.config;
    if (!onStateChange || this.#inStateChange) return;
    this.#inStateChange = true;
    try {
      onStateChange(this.context, this.#state.value);
    } catch (error) {
      this.log.error("onStateChange failed:", error);
    } finally {
      this.#inStateChange = false;
    }
  }

  async #createVars(): Promise<void> {
    const { config } = this.#host.definition;
    this.#vars = config.createVars ? await config.createVars(this.context, this.#host.driver) : structuredClone(config.vars);
  }
}

/** The logger of `c.log`: each line starts with the actor's name and its whole id (which `getForId` and the inspector look up). */
export function actorLogger(name: string, actorId: string): ActorLogger {
  const prefix = `[actor ${name} ${actorId}]`;
  return {
    debug(...args) {
      console.debug(prefix, ...args);
    },
    info(...args) {
      console.info(prefix, ...args);
    },
    warn(...args) {
      console.warn(prefix, ...args);
    },
    error(...args) {
      console.error(prefix, ...args);
    },
  };
}
