import type { Encoding } from "../protocol/encoding";
import type { ActorQuery } from "../protocol/query";
import { existingActorQuery, queryActorName } from "../protocol/query-facts";
import { type ActionCall, actionCall } from "./arguments";
import type { ActorWebSocket } from "./actor-websocket";
import { ActorConnectionBase } from "./connection";
import { ActorError } from "./errors";
import type { ClientDriver, RawRequestInit, TransportKind } from "./driver";
import type { OpenResources } from "./open-resources";
import type { ActorActions, EventsOf } from "./types";

/** A string key becomes `[key]`, a missing key `[]` (docs/protocol.md §2). */
export type ActorKey = string | string[];

export function normalizeKey(key: ActorKey | undefined): string[] {
  return key === undefined ? [] : typeof key === "string" ? [key] : key;
}

/** Settings a handle passes on to its calls and connections. */
export interface HandleSettings {
  encoding: Encoding;
  transport: TransportKind;
  actionTimeout: number;
  connectionTimeout: number;
}

/**
 * A connection with the actor's actions as methods. An action named like one of the
 * connection's own members (`dispose`, `on`, ...) is not among them: the member wins at run
 * time, so the action is reached with `conn.action(name, args)`.
 */
export type ActorConnection<D = unknown> = ActorConnectionBase<EventsOf<D>> & Omit<ActorActions<D>, keyof ActorConnectionBase | NotActionNames>;

/** A handle with the actor's actions as methods; as on a connection, the handle's own members (`resolve`, `fetch`, ...) win. */
export type ActorHandle<D = unknown> = ActorHandleBase<D> & Omit<ActorActions<D>, keyof ActorHandleBase<D> | NotActionNames>;

/** Names no action is called by on a handle or a connection: what every object has (`toString`, ...), and NOT_ACTIONS. */
// biome-ignore lint/complexity/noBannedTypes: the members of Object.prototype are what is meant here
type NotActionNames = keyof Object | (typeof NOT_ACTION_NAMES)[number];

/**
 * A reference to one actor, by query. Creating a handle contacts nothing; every call sends
 * the query again, so a handle keeps working across actor restarts.
 */
export class ActorHandleBase<D = unknown> {
  readonly #driver: ClientDriver;
  #query: ActorQuery;
  readonly #params: unknown;
  readonly #settings: HandleSettings;
  readonly #resources: OpenResources;

  /** @internal Handles come from a client: `client.<name>.getOrCreate(key)`. */
  constructor(driver: ClientDriver, query: ActorQuery, params: unknown, settings: HandleSettings, resources: OpenResources) {
    this.#driver = driver;
    this.#query = query;
    this.#params = params;
    this.#settings = settings;
    this.#resources = resources;
  }

  /** The query this handle sends. */
  get query(): ActorQuery {
    return this.#query;
  }

  /** The actor's id (creating it if the query allows). Afterwards the handle addresses it by id. */
  async resolve(): Promise<string> {
    const actorId = await this.#driver.resolve(this.#query, this.#params);
    this.#query = { getForId: { name: queryActorName(this.#query), actorId } };
    return actorId;
  }

  /**
   * Raw HTTP to the actor's onFetch. `input` is a path (leading slash optional, query string
   * kept), a URL whose path is used, or a Request; `init` may also be a Request.
   */
  fetch(input: string | URL | Request, init?: RequestInit | Request): Promise<Response> {
    const base = input instanceof Request ? input : undefined;
    const request = requestInit(base, init);
    // Browsers drop an Upgrade header and the runtime's fetch ignores it: the actor would get a plain GET.
    if (new Headers(request.headers).get("upgrade")?.toLowerCase() === "websocket") {
      return Promise.reject(
        new ActorError("invalid_request", "handle.fetch() sends plain HTTP to onFetch; open a WebSocket to onWebSocket with handle.websocket(path) instead."),
      );
    }
    return this.#driver.rawFetch(this.#query, actorPath(input), request, this.#params);
  }

  /**
   * A raw WebSocket to the actor's onWebSocket, resolved once open: a W3C-compatible
   * {@link ActorWebSocket} that holds the messages arriving before the first listener.
   */
  async websocket(path = "", protocols?: string | string[]): Promise<ActorWebSocket> {
    const userProtocols = protocols === undefined ? [] : typeof protocols === "string" ? [protocols] : protocols;
    const socket = await this.#driver.rawWebSocket(this.#query, actorPath(path), userProtocols, this.#params);
    return this.#resources.addSocket(socket);
  }

  /** Calls an action by name over HTTP (`handle.name(...args)` does the same, typed); RivetKit's `action({ name, args })` too. */
  async action(nameOrCall: string | ActionCall, args?: unknown[]): Promise<unknown> {
    const call = actionCall(nameOrCall, args);
    return this.#driver.action(this.#query, call.name, call.args, this.#params, this.#settings.encoding);
  }

  /**
   * Destroys the actor: its `onDestroy` runs, its connections close with `actor_destroyed`, and
   * all of its state is deleted. Resolves once it is gone; rejects with `actor_not_found` if there
   * is none (nothing is created). The handle stays usable: a `getOrCreate` handle then makes a new
   * actor with the same key. Public clients need `onAuth` to allow the intent `destroy`.
   */
  destroy(): Promise<void> {
    return this.#driver.destroy(existingActorQuery(this.#query), this.#params);
  }

  /** Opens a connection: actions plus events, reconnecting by itself. */
  connect(): ActorConnection<D> {
    const connection = new ActorConnectionBase(this.#driver, this.#query, this.#params, this.#settings);
    this.#resources.addConnection(connection);
    return withActionMethods(connection, (name, args) => connection.action(name, args)) as ActorConnection<D>;
  }
}

/**
 * Names that code other than the user's looks up on any object, and that must not turn into an
 * action call: `then` (a promise's), `toJSON` (JSON.stringify, so loggers), `asymmetricMatch`
 * (test matchers), `$$typeof` (React). An action of one of these names is still reached by
 * `handle.action(name, args)`.
 */
const NOT_ACTION_NAMES = ["then", "toJSON", "asymmetricMatch", "$$typeof"] as const;
const NOT_ACTIONS: ReadonlySet<string> = new Set(NOT_ACTION_NAMES);

/**
 * Where an action of this name cannot be called as a method, because a member of the handle or
 * of a connection (or of every object) answers to it; empty when it can be called on both.
 */
export function actionShadowedOn(name: string): ("handle" | "connection")[] {
  return [
    ...(isNotAction(ActorHandleBase.prototype, name) ? ["handle" as const] : []),
    ...(isNotAction(ActorConnectionBase.prototype, name) ? ["connection" as const] : []),
  ];
}

/** Whether `name` on `target` reads a member (its own, its class's, every object's) or a name that is never an action. */
function isNotAction(target: object, name: string): boolean {
  return name in target || NOT_ACTIONS.has(name);
}

/**
 * Exposes every unknown property as an action call, so `handle.increment(5)` works. Own
 * members win, and the names above stay undefined.
 */
export function withActionMethods<T extends object>(target: T, call: (name: string, args: unknown[]) => Promise<unknown>): T {
  return new Proxy(target, {
    get(object, property) {
      if (typeof property !== "string" || isNotAction(object, property)) {
        const value = Reflect.get(object, property, object);
        return typeof value === "function" ? value.bind(object) : value;
      }
      return (...args: unknown[]) => call(property, args);
    },
  });
}

/** The actor-side path: exactly one leading slash, query string kept. */
function actorPath(input: string | URL | Request): string {
  // A string is a path, unless it is a whole URL (`http://…`): then, as for a URL, its path and query.
  const url =
    typeof input === "string" && !/^https?:\/\//i.test(input)
      ? // Resolved inside the actor: dot segments (`..`, `%2e%2e`) may not climb out of its raw routes to the registry's others.
        new URL(`/${input.replace(/^\/+/, "")}`, "http://actor")
      : input instanceof Request
        ? new URL(input.url)
        : new URL(input);
  return `/${url.pathname.replace(/^\/+/, "")}${url.search}`;
}

/**
 * What `fetch(input, init)` asks for, as `fetch` itself reads it: `init`'s fields over the
 * Request's. The body stays the caller's own value where there is one.
 */
function requestInit(base: Request | undefined, init: RequestInit | Request | undefined): RawRequestInit {
  // A Request as `init` stands for the whole request.
  const over: RequestInit = init ?? {};
  const from = init instanceof Request ? undefined : base;
  const method = over.method ?? from?.method ?? "GET";
  const ownBody = "body" in over && over.body !== undefined;
  const body = ownBody ? over.body : (from?.body ?? null);
  const bodyOf = init instanceof Request ? init : ownBody ? undefined : from;
  const result: RawRequestInit = {
    method,
    headers: over.headers ?? from?.headers,
    body: /^(GET|HEAD)$/i.test(method) ? null : body,
    signal: over.signal ?? from?.signal,
    // Only a `redirect` asked for in so many words: a Request's is "follow" by default.
    redirect: init instanceof Request ? undefined : init?.redirect,
  };
  // Browsers' own fields, which the Workers types leave out: cookies go cross-origin only when
  // asked (`credentials: "include"`), and `cache` says whether the HTTP cache may answer.
  type BrowserFields = { credentials?: string; cache?: string };
  const asked = (init instanceof Request ? init : over) as BrowserFields;
  const credentials = asked.credentials ?? (from as BrowserFields | undefined)?.credentials;
  if (credentials === "include" || credentials === "omit") result.credentials = credentials;
  const cache = asked.cache ?? (from as BrowserFields | undefined)?.cache;
  if (cache !== undefined && cache !== "default") result.cache = cache;
  if (result.body instanceof ReadableStream) {
    result.duplex = "half";
    if (bodyOf) result.bodyOf = bodyOf;
  }
  return result;
}
