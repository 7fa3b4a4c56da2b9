import { validateActorConfig } from "./config-check";
import type { Jurisdiction } from "../protocol/placement";
import type { ActorQuery, Intent } from "../protocol/query";
import type { Connection } from "./connection";
import type { DatabaseProvider } from "./database";
import type { EventDeclarations, EventPayloads } from "./events";
import type { ActionContext, ActorContext, CreateContext, DriverContext } from "./context";

// `any` (allowed in this file by biome.json): action arguments are inferred per actor.
export type Actions<S, V, CS = any, DB = any, P = unknown, A = any> = Record<string, (c: ActionContext<S, V, CS, DB, P, A>, ...args: any[]) => unknown>;

/** A hook's `params` type as the connection counts it: `unknown` where the hook left it unannotated (`any`). */
type Annotated<P> = 0 extends 1 & P ? unknown : P;

/**
 * Conn params as a connection shows them (`c.conn.params`) and the client sends them: what
 * `onAuth` (`PA`), `onBeforeConnect` (`PB`) and `createConnState` (`PC`) annotate their `params`
 * with, all at once; `unknown` when none does. Each hook has its own type parameter, so hooks
 * that read different parts of the params do not conflict.
 */
export type ConnParamsOf<PA, PB, PC> = Annotated<PA> & Annotated<PB> & Annotated<PC>;

/** What onAuth learns about a request. */
export interface AuthOptions {
  request: Request;
  /** What the request wants to do: the query's (`get`, `create`) plus the route's (`action`, `connect`, `destroy`), or `list` alone. */
  intents: Set<Intent>;
  /** The actor query as parsed from the request (keys normalised to string arrays); absent on a listing (`list`). */
  query?: ActorQuery;
  /** The actor asked for: its registry name, and its key (key queries) or its id (`getForId`); the name alone on a listing. */
  actor: { name: string; key?: string[]; id?: string };
}

export interface FetchOptions<A> {
  /** What `onAuth` returned; undefined for calls that skip it (the server-side client, `c.client()`). */
  auth: A | undefined;
}

export interface WebSocketOptions<A> {
  request: Request;
  /** What `onAuth` returned; undefined for calls that skip it (the server-side client, `c.client()`). */
  auth: A | undefined;
}

/** What connection hooks learn about the request that opens the connection. */
export interface ConnectOptions<A = unknown> {
  request: Request | undefined;
  /**
   * What `onAuth` returned; undefined for calls that skip it (the server-side client, `c.client()`).
   * A per-key rule belongs here as well as in `onAuth`, which sees no key for requests by id.
   */
  auth: A | undefined;
}

export interface ActorOptions {
  /** How long an action may run before it fails with `action_timed_out` (ms). Default 60 s. */
  actionTimeout?: number | undefined;
  /**
   * How often an SSE connection is sent a comment line (ms). Default 250 ms. A client that went away is noticed
   * when a write fails, so this bounds how late `onDisconnect` runs for an aborted SSE stream (about two intervals).
   * From 50 ms to 15 s: a stream quiet for longer than a client's heartbeat interval is taken for dead.
   */
  sseKeepAlive?: number | undefined;
  /** The wait before a failed scheduled action's second try, doubled for the third (ms). Default 1 s, at most a year. */
  scheduleRetryDelay?: number | undefined;
  /**
   * The largest message a client may send (bytes): a connection frame, an SSE message POST or an
   * HTTP action's body. Default 65,536. Larger ones are refused with `message_too_long` before
   * they are read whole (an HTTP answer 413; a WebSocket closes with 1011).
   */
  maxIncomingMessageSize?: number | undefined;
  /** How many events one connection may subscribe to; one more is refused with `too_many_subscriptions`. Default 1,000. */
  maxSubscriptionsPerConnection?: number | undefined;
  /** The longest event name a connection may subscribe to, in UTF-8 bytes; a longer one is refused with `event_name_too_long`. Default 256. */
  maxEventNameBytes?: number | undefined;
}

/**
 * What users pass to `actor()`. `S` state, `V` vars, `I` create input, `A` auth data,
 * `CS` connection state, `DB` the database client (`c.db`), `PA`/`PB`/`PC` the conn params as
 * `onAuth`, `onBeforeConnect` and `createConnState` annotate them (`any` where unannotated),
 * `E` the declared events.
 */
export interface ActorConfig<S, V, I, A, CS, TActions, DB = undefined, PA = any, PB = any, PC = any, E = EventDeclarations> {
  state?: S | undefined;
  createState?: ((c: CreateContext, input: I) => S | Promise<S>) | undefined;
  vars?: V | undefined;
  /**
   * Vars made on every wake; `driver` holds the Durable Object's state and bindings. A method
   * signature, so that a Worker project may annotate `driver` with the Workers types.
   */
  createVars?(c: CreateContext, driver: DriverContext): V | Promise<V>;
  /**
   * The actor's actions. Typed as the actions given (`TActions`, which the client's types read)
   * and, separately, as actions of this actor: that second part is what types `c`. Were it
   * `TActions`' constraint instead, TypeScript would fix `V` before reading `createVars`, and
   * `c.vars` would be `undefined` in every action of an actor whose `createVars` takes `c`.
   */
  actions?: (TActions & Actions<S, V, CS, DB, ConnParamsOf<PA, PB, PC>, A>) | undefined;
  /**
   * A database over the actor's own SQLite, as `c.db`: `drizzle({ schema, migrations })` from
   * `actorflare/db/drizzle`. Its migrations run once per wake, before onCreate and onStart.
   */
  db?: DatabaseProvider<DB> | undefined;
  /** Runs in the front Worker before any Durable Object is addressed. Without it, public clients get 403. */
  onAuth?: ((options: AuthOptions, params: PA) => A | Promise<A>) | undefined;
  /** Once per actor, when it is created, before it serves anything. */
  onCreate?: ((c: ActorContext<S, V, DB>, input: I) => void | Promise<void>) | undefined;
  /** On every wake (each time the Durable Object loads the actor), before the first request. */
  onStart?: ((c: ActorContext<S, V, DB>) => void | Promise<void>) | undefined;
  /**
   * When the actor is destroyed (`c.destroy()` or a client's `handle.destroy()`), after the
   * requests running in it finished and before its connections close and its storage is
   * deleted. Bounded by `options.actionTimeout`; a throw is logged and the destroy goes on.
   */
  onDestroy?: ((c: ActorContext<S, V, DB>) => void | Promise<void>) | undefined;
  /** After every change to the state. */
  onStateChange?: ((c: ActorContext<S, V, DB>, newState: S) => void) | undefined;
  /**
   * Sees every action's output before it is answered (or, for a scheduled run, dropped) and may
   * replace it; within the action's timeout. A throw is logged and the output goes out as it was.
   */
  onBeforeActionResponse?: ((c: ActorContext<S, V, DB>, name: string, args: unknown[], output: unknown) => unknown) | undefined;
  onFetch?: ((c: ActorContext<S, V, DB>, request: Request, options: FetchOptions<A>) => Response | Promise<Response>) | undefined;
  onWebSocket?: ((c: ActorContext<S, V, DB>, websocket: WebSocket, options: WebSocketOptions<A>) => void | Promise<void>) | undefined;
  /** Before a connection (or an HTTP action's short-lived one) exists; throw to refuse it. */
  onBeforeConnect?: ((c: ActorContext<S, V, DB>, options: ConnectOptions<A>, params: PB) => void | Promise<void>) | undefined;
  connState?: CS | undefined;
  createConnState?: ((c: ActorContext<S, V, DB>, options: ConnectOptions<A>, params: PC) => CS | Promise<CS>) | undefined;
  onConnect?:
    | ((c: ActorContext<S, V, DB, CS, ConnParamsOf<PA, PB, PC>, A>, conn: Connection<CS, ConnParamsOf<PA, PB, PC>, A>) => void | Promise<void>)
    | undefined;
  onDisconnect?:
    | ((c: ActorContext<S, V, DB, CS, ConnParamsOf<PA, PB, PC>, A>, conn: Connection<CS, ConnParamsOf<PA, PB, PC>, A>) => void | Promise<void>)
    | undefined;
  /**
   * Declares events, as RivetKit 2.3 does: `{ message: event<Message>() }` types the client's
   * `on("message", ...)`; a Standard Schema (zod, ...) or `event<T>({ schema })` also checks each
   * payload sent (`invalid_event_payload`), and `canSubscribe(c)` decides who may listen (`forbidden`).
   * Events not declared here can still be sent; a client typed by the registry listens only to declared ones.
   */
  events?: E | undefined;
  options?: ActorOptions | undefined;
  /**
   * Keeps every instance of this actor, and its storage, inside a Durable Objects jurisdiction
   * (`"eu"`, `"fedramp"`, `"fedramp-high"`). Its objects are other objects than those of the
   * same keys without it: adding or changing it on a deployed actor starts from empty actors.
   */
  jurisdiction?: Jurisdiction | undefined;
}

export interface ActorDefinition<
  S = any,
  V = any,
  I = any,
  A = any,
  CS = any,
  TActions = Actions<S, V, CS, any>,
  DB = any,
  P = unknown,
  E = EventDeclarations,
> {
  readonly kind: "actorflare.actor";
  readonly config: ActorConfig<S, V, I, A, CS, TActions, DB>;
  /** The actions' own types, which the client reads (`config.actions` also carries the context's). Type-only: never set. */
  readonly "~actions"?: TActions;
  /**
   * The input createState and onCreate take, which the client's `createWithInput` and `input` read.
   * Type-only: never set. In a tuple, because an optional member's type loses its `undefined` when
   * inferred, and the client must tell an input that may be left out from one that may not.
   */
  readonly "~input"?: [I];
  /** The conn params the hooks annotate (ConnParamsOf), which the client's `params` option reads. Type-only: never set. */
  readonly "~params"?: [P];
  /** The payload type of each declared event (EventPayloads), which the client's `on` and `once` read. Type-only: never set. */
  readonly "~events"?: [EventPayloads<E>];
}

export type AnyActorDefinition = ActorDefinition<any, any, any, any, any, any, any, any, any>;

/**
 * Defines an actor. The config is checked here, when the module loads, so a typo fails the
 * deploy rather than the first request.
 */
export function actor<
  S,
  V = undefined,
  I = undefined,
  A = unknown,
  CS = undefined,
  DB = undefined,
  TActions = Record<never, never>,
  PA = any,
  PB = any,
  PC = any,
  E extends EventDeclarations = Record<never, never>,
>(config: ActorConfig<S, V, I, A, CS, TActions, DB, PA, PB, PC, E>): ActorDefinition<S, V, I, AuthData<A>, CS, TActions, DB, ConnParamsOf<PA, PB, PC>, E> {
  validateActorConfig(config);
  // The auth type changes only from never (see AuthData), where every hook sees undefined either
  // way; the definition keeps the params' view of them (ConnParamsOf), not each hook's annotation.
  return { kind: "actorflare.actor", config: config as unknown as ActorConfig<S, V, I, AuthData<A>, CS, TActions, DB> };
}

/**
 * The auth data of an actor whose `onAuth` always throws (a server-only actor) is `never`, which
 * no definition with `any` in its place accepts (`setup()` would refuse the actor, blaming a
 * hook it may not have): such an actor's hooks only ever see `undefined`, its type here.
 */
export type AuthData<A> = [A] extends [never] ? undefined : A;

export function isActorDefinition(value: unknown): value is AnyActorDefinition {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "actorflare.actor";
}
