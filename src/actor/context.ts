import type { Connection } from "./connection";
import type { ObjectStorage } from "./database";
import type { ActorInstance } from "./instance";
import type { ActorSql } from "./sql";

/** Logging that names the actor on every line. */
export interface ActorLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/**
 * The Durable Object state under an actor: Workers' `DurableObjectState`, spelled by the members
 * named here so that client projects importing `typeof registry` type-check without the Workers
 * types. A Worker project gets the whole of it by annotating `createVars`' second parameter.
 */
export interface ObjectState {
  readonly id: { toString(): string; readonly name?: string | undefined };
  readonly storage: ObjectStorage;
  waitUntil(promise: Promise<unknown>): void;
  blockConcurrencyWhile<T>(callback: () => Promise<T>): Promise<T>;
}

/**
 * The second argument of `createVars`: the Cloudflare objects under the actor, for what the actor
 * API does not cover (the object's storage or id, a binding such as an R2 bucket). `state` is the
 * name RivetKit's Cloudflare driver gives the object's state. For their full Workers types,
 * annotate the parameter: `createVars: (c, driver: { state: DurableObjectState; env: Env }) => …`.
 */
export interface DriverContext {
  /** The actor's Durable Object state: `ctx` in a hand-written Durable Object. */
  readonly state: ObjectState;
  /** The bindings the Durable Object was given (the same object as `env` from `cloudflare:workers`). */
  readonly env: object;
}

/** The context of `createState` / `createVars`: who the actor is, before it has state. */
export interface CreateContext {
  readonly name: string;
  readonly key: string[];
  readonly actorId: string;
  readonly log: ActorLogger;
}

/**
 * `c.schedule`: actions to run later, kept in the actor's storage until they ran, in time order
 * (jobs due at the same time in the order they were scheduled). An unknown action, a time that
 * is not finite or is before 2000 or after 2200 (seconds or microseconds taken for
 * milliseconds), a bad cron expression or arguments that are not JSON are refused when
 * scheduling (`action_not_found`, `invalid_schedule`), never when due: thrown at once, so a call
 * that is not awaited fails its handler too. Once a destroy has begun, scheduling throws
 * `actor_destroyed`: the jobs go with the actor's storage.
 */
export interface Schedule {
  /** Runs `action(...args)` in `ms` milliseconds. Resolves with the job's id. */
  after(ms: number, action: string, ...args: unknown[]): Promise<string>;
  /** Runs `action(...args)` at `timestamp` (ms since the epoch, from 2000; a past time runs at once). Resolves with the job's id. */
  at(timestamp: number, action: string, ...args: unknown[]): Promise<string>;
  /**
   * Runs `action(...args)` at every time a five-field cron expression names, **in UTC**
   * (`"0 9 * * mon-fri"`: weekdays at 09:00 UTC). After a time the actor could not run (it was
   * down), the job runs once and continues with the next time after now. Scheduling the same
   * expression, action and arguments again resolves with the job already stored. Resolves with the job's id.
   */
  cron(expression: string, action: string, ...args: unknown[]): Promise<string>;
  /** The jobs waiting to run, in the order they will run. */
  list(): Promise<ScheduledJob[]>;
  /** Removes a job. Resolves with whether there was one (a job that already ran once is gone). */
  cancel(id: string): Promise<boolean>;
}

/** A job of `c.schedule`, as `c.schedule.list()` shows it. */
export type ScheduledJob = {
  id: string;
  action: string;
  args: unknown[];
  /** When it runs next (ms since the epoch): its time, a cron job's next time, or a retry's after a failed try. */
  at: number;
  /** Failed tries of the run that is due (0 to 2); a cron job starts again at 0 for its next time. */
  tries: number;
} & ({ kind: "once" } | { kind: "cron" /** Its expression, in UTC. */; cron: string });

/** What `c.client<R>()` takes: a registry, `typeof registry`, which makes a server-side client. */
export interface ClientSource {
  createServer(): { readonly client: unknown };
}

/** The client of registry `R`: the type of `registry.createServer().client`. */
export type ClientOf<R extends ClientSource> = ReturnType<R["createServer"]>["client"];

/**
 * `c` in every actor handler. A helper for any actor takes `c: ActorContext`. `CS`, `P` and `A`
 * type the connections' state, params and auth in `c.conns`: known in actions, `onConnect` and
 * `onDisconnect`.
 */
export class ActorContext<S = unknown, V = unknown, DB = unknown, CS = unknown, P = unknown, A = unknown> implements CreateContext {
  readonly #instance: ActorInstance<S, V>;

  /** @internal The actor makes its contexts. */
  constructor(instance: ActorInstance<S, V>) {
    this.#instance = instance;
  }

  /** Persisted state; mutate it in place. Saved after each handler when it changed. */
  get state(): S {
    return this.#instance.state;
  }

  set state(next: S) {
    this.#instance.state = next;
  }

  /** Values for this wake only (not persisted), from `vars` / `createVars`. */
  get vars(): V {
    return this.#instance.vars;
  }

  get name(): string {
    return this.#instance.meta.name;
  }

  get key(): string[] {
    return this.#instance.meta.key;
  }

  get actorId(): string {
    return this.#instance.actorId;
  }

  get log(): ActorLogger {
    return this.#instance.log;
  }

  /**
   * The actor's own SQLite, for data that does not belong in `state`: a tagged template whose
   * values are bound as parameters. `c.sql\`SELECT * FROM todos WHERE id = ${id}\`` answers the rows.
   */
  get sql(): ActorSql {
    return this.#instance.sql;
  }

  /** The database of `actor({ db })`, e.g. a Drizzle client typed by its schema; migrated before the actor starts. */
  get db(): DB {
    return this.#instance.db as DB;
  }

  /**
   * Persists the state now and resolves once it is durable (for long-lived WebSocket handlers).
   * RivetKit's `{ immediate: true }` is accepted: every save here is immediate.
   */
  saveState(_options?: { immediate?: boolean | undefined }): Promise<void> {
    return this.#instance.saveState();
  }

  /**
   * Lets the actor finish `promise` after the handler that started it has answered. A destroy
   * waits for it (as for a running request), a rejection is logged, and what it changed in
   * `c.state` is saved when it settles. Cloudflare may still evict an object that has no request
   * in flight, so keep such work short; use `c.schedule` for work that must happen.
   */
  waitUntil(promise: PromiseLike<unknown>): void {
    this.#instance.waitUntil(promise);
  }

  /**
   * Aborted when the actor is being destroyed, before `onDestroy` runs (its reason is the
   * `actor_destroyed` error): pass it to `fetch` or check it in long-running work. Cloudflare
   * evicts an idle object without notice, so that gives no signal.
   */
  get abortSignal(): AbortSignal {
    return this.#instance.abortSignal;
  }

  /** Actions to run later: `c.schedule.after(ms, "action", ...args)`, `.at(timestamp, ...)`, `.cron("0 * * * *", ...)`; `.list()`, `.cancel(id)`. */
  get schedule(): Schedule {
    return this.#instance.scheduler;
  }

  /** Sends an event to every connection subscribed to it. */
  broadcast(event: string, ...args: unknown[]): void {
    this.#instance.connections.broadcast(event, args);
  }

  /** The open connections, by id. */
  get conns(): ReadonlyMap<string, Connection<CS, P, A>> {
    return this.#instance.connections.all as ReadonlyMap<string, Connection<CS, P, A>>;
  }

  /**
   * Destroys this actor once the requests running in it have finished: `onDestroy` runs, every
   * connection and raw socket closes (`actor_destroyed`), and all of its storage is deleted.
   * New requests are refused meanwhile (`actor_not_found`); afterwards the key is free, and
   * `getOrCreate` makes a new actor. It returns at once: the action that calls it still answers.
   */
  destroy(): void {
    this.#instance.destroy();
  }

  /**
   * A client for calling other actors (or this one) from inside the actor:
   * `c.client<typeof registry>().counter.getOrCreate(["x"]).increment(1)`. It is the registry's
   * server-side client, so it calls their Durable Objects directly and skips their onAuth.
   * Pass `typeof registry` with an `import type`, so the actor's module does not load the registry's.
   */
  client<R extends ClientSource>(): ClientOf<R> {
    return this.#instance.client as ClientOf<R>;
  }
}

/** `c` inside an action: the actor context plus the connection that called it. */
export class ActionContext<S = unknown, V = unknown, CS = unknown, DB = unknown, P = unknown, A = unknown> extends ActorContext<S, V, DB, CS, P, A> {
  readonly conn: Connection<CS, P, A>;

  /** @internal */
  constructor(instance: ActorInstance<S, V>, conn: Connection<CS, P, A>) {
    super(instance);
    this.conn = conn;
  }
}
