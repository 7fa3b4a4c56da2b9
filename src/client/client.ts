import type { ActorListPage } from "../protocol/actor-list";
import type { Encoding } from "../protocol/encoding";
import type { LocationHint } from "../protocol/placement";
import type { ClientDriver, TransportKind } from "./driver";
import { ActorHandleBase, normalizeKey, withActionMethods, type ActorHandle, type ActorKey, type HandleSettings } from "./handle";
import { HttpClientDriver } from "./http-driver";
import { checkHeaders, clientFetch } from "./client-fetch";
import { OpenResources } from "./open-resources";
import type { HeartbeatOptions } from "./liveness";
import type { DefinitionOf, InputOf, ParamsOf } from "./types";
import type { WebSocketConstructor } from "./websocket";

export interface GetOptions<P = unknown> {
  /**
   * Connection params, passed to onAuth, onBeforeConnect and createConnState
   * (`X-RivetKit-Conn-Params`): typed as those hooks annotate them.
   */
  params?: P;
}

export interface GetOrCreateOptions<I = unknown, P = unknown> extends GetOptions<P> {
  /** Input for createState / onCreate, used only if this call creates the actor. */
  createWithInput?: I;
  /**
   * Where to create the actor if this call creates it: a Durable Objects location hint
   * (`"weur"`, `"enam"`, ...). Ignored for an actor that exists; another value is `invalid_region`.
   */
  createInRegion?: LocationHint | undefined;
}

export interface CreateOptions<I = unknown, P = unknown> extends GetOptions<P> {
  /** Input for createState / onCreate. */
  input?: I;
  /** Where to create the actor: a Durable Objects location hint (`"weur"`, `"enam"`, ...). */
  region?: LocationHint | undefined;
}

/** `create`'s arguments: the key and options may be left out unless the input is required. */
export type CreateArguments<I, P = unknown> = undefined extends I
  ? [key?: ActorKey, options?: CreateOptions<I, P>]
  : [key: ActorKey | undefined, options: CreateOptions<I, P> & { input: I }];

export interface ListOptions<P = unknown> extends GetOptions<P> {
  /** The `cursor` of the previous page; the first page without it. */
  cursor?: string | undefined;
  /** How many actors at most, 1 to 100 (the default). */
  limit?: number | undefined;
}

/** `client.<actorName>`: the ways to address actors of one kind. */
export interface ActorAccessor<D = unknown> {
  /** An existing actor by key; calls fail with `actor_not_found` if there is none. */
  get(key?: ActorKey, options?: GetOptions<ParamsOf<D>>): ActorHandle<D>;
  /** The actor with this key, created on first use (atomically: racing callers get the same one). */
  getOrCreate(key?: ActorKey, options?: GetOrCreateOptions<InputOf<D>, ParamsOf<D>>): ActorHandle<D>;
  /** An actor by the id `resolve()` returned. */
  getForId(actorId: string, options?: GetOptions<ParamsOf<D>>): ActorHandle<D>;
  /**
   * Creates a new actor; fails with `actor_already_exists` if the key is taken. When the actor's
   * createState declares an input that may not be undefined, `options.input` is required.
   */
  create(...args: CreateArguments<InputOf<D>, ParamsOf<D>>): Promise<ActorHandle<D>>;
  /**
   * One page of the actors of this kind that exist, oldest first, each with its id, key and
   * creation time; pass the page's `cursor` back for the next. Public clients need `onAuth` to
   * allow the intent `list`.
   */
  list(options?: ListOptions<ParamsOf<D>>): Promise<ActorListPage>;
}

/** The registry's actor names, from `typeof registry` (any name when untyped). */
export type ActorNames<R> = R extends { readonly actors: infer A } ? Exclude<keyof A & string, keyof ClientMethods> : string;

/** What a client has besides its actors (so no actor may be registered under these names). */
export interface ClientMethods {
  /**
   * Closes every connection and raw WebSocket this client has open (calls waiting on them fail
   * with `connection_disposed`). The client stays usable: it can open new ones afterwards.
   * HTTP calls hold nothing open.
   */
  dispose(): Promise<void>;
}

/** `client.<actorName>` for each actor of the registry, and `client.dispose()`. */
export type Client<R = unknown> = { readonly [K in ActorNames<R>]: ActorAccessor<DefinitionOf<R, K>> } & ClientMethods;

export interface ClientOptions {
  /** Where the front Worker listens, e.g. `http://127.0.0.1:8787`. */
  endpoint: string;
  /** How protocol messages are encoded: `json` (default) or `cbor`. Raw fetch/websocket are untouched. */
  encoding?: Encoding | undefined;
  /** How connections travel: `websocket` (default) or `sse`. */
  transport?: TransportKind | undefined;
  /**
   * How long a call may wait for its answer (ms), default 30 s: a connection's action call,
   * reconnects included, and an HTTP action, `resolve()` or `list()`, the reading of the answer
   * included (the request is then aborted). Past it the call fails with `action_timed_out`.
   */
  actionTimeout?: number | undefined;
  /**
   * How long a connection's attempt may take to open (ms), default 45 s: the network, the
   * Worker and the actor's start (which the runtime caps at 30 s). Past it the attempt is given
   * up, its socket closed, and the connection tries again with backoff.
   */
  connectionTimeout?: number | undefined;
  /**
   * A fetch to use instead of the global one: for a service binding, `(input, init) =>
   * env.SERVICE.fetch(input, init)` (its method alone, unbound, fails).
   */
  fetch?: typeof fetch | undefined;
  /**
   * Headers sent with every request the client makes (actions, connections, raw fetch and
   * websocket, resolve, list, destroy), e.g. for a gateway in front of the Worker. A request's own
   * headers win. A browser cannot set headers on a WebSocket, so there they reach only HTTP
   * requests and SSE connections; Node and Workers send them with WebSocket upgrades too.
   */
  headers?: Record<string, string> | undefined;
  /** A WebSocket constructor to use instead of the global one (or `ws` on Node). */
  WebSocket?: WebSocketConstructor | undefined;
  /**
   * How a connection notices a network that died without closing it: after `interval` ms
   * without a message (15 s) it asks, and `timeout` ms (10 s) without an answer count as a drop,
   * after which it reconnects.
   */
  heartbeat?: HeartbeatOptions | undefined;
}

/**
 * A client for a registry served at `endpoint`: `createClient<typeof registry>("http://127.0.0.1:8787")`,
 * `createClient(endpoint, { transport: "sse" })` or `createClient({ endpoint, transport: "sse" })`.
 */
export function createClient<R = unknown>(endpoint: string, options?: Omit<ClientOptions, "endpoint">): Client<R>;
export function createClient<R = unknown>(options: ClientOptions): Client<R>;
export function createClient<R = unknown>(endpointOrOptions: string | ClientOptions, more?: Omit<ClientOptions, "endpoint">): Client<R> {
  const options: ClientOptions = typeof endpointOrOptions === "string" ? { ...more, endpoint: endpointOrOptions } : endpointOrOptions;
  // An http(s) URL; in a browser also a path of the page's own origin ("" or "/...").
  if (typeof options?.endpoint !== "string" || !/^(https?:\/\/[^/]|\/|$)/i.test(options.endpoint)) {
    throw new TypeError(
      `createClient: the endpoint must be the Worker's http(s) URL, e.g. createClient("http://127.0.0.1:8787") (got ${JSON.stringify(options?.endpoint) ?? "none"}).`,
    );
  }
  // Fetch refuses a URL with credentials in it, on every call: say so once, here.
  if (/^https?:\/\/[^/?#]*@/i.test(options.endpoint)) {
    throw new TypeError(
      `createClient: the endpoint must not hold a user name or password (got ${JSON.stringify(options.endpoint.replace(/\/\/[^/?#]*@/, "//…@"))}): fetch refuses such URLs. Send credentials as a header (createClient({ endpoint, headers: { authorization } })) or as conn params.`,
    );
  }
  // The client puts its own paths after the endpoint, so a query there would end up before them.
  if (/[?#]/.test(options.endpoint)) {
    throw new TypeError(
      `createClient: the endpoint must be the Worker's URL without a query string or fragment (got ${JSON.stringify(options.endpoint)}): the client adds its own paths after it. Send a token as conn params (getOrCreate(key, { params: { token } })) or a header (createClient({ endpoint, headers: { authorization } })).`,
    );
  }
  checkHeartbeat(options.heartbeat);
  checkHeaders(options.headers);
  const settings = settingsFrom(options);
  const driver = new HttpClientDriver({
    endpoint: options.endpoint,
    fetch: clientFetch(options.fetch, options.headers),
    headers: options.headers,
    WebSocket: options.WebSocket,
    actionTimeout: settings.actionTimeout,
    heartbeat: options.heartbeat,
  });
  return clientForDriver<R>(driver, settings);
}

const ENCODINGS: readonly Encoding[] = ["json", "cbor"];
const TRANSPORTS: readonly TransportKind[] = ["websocket", "sse"];

/** The client's settings, checked: a wrong one would otherwise surface as an undecodable answer much later. */
export function settingsFrom(options: Pick<ClientOptions, "encoding" | "transport" | "actionTimeout" | "connectionTimeout">): HandleSettings {
  const settings = {
    encoding: options.encoding ?? "json",
    transport: options.transport ?? "websocket",
    actionTimeout: options.actionTimeout ?? 30_000,
    connectionTimeout: options.connectionTimeout ?? 45_000,
  };
  if (!ENCODINGS.includes(settings.encoding)) {
    throw new TypeError(`createClient: encoding ${JSON.stringify(settings.encoding)} is not one this client speaks; use "json" (the default) or "cbor".`);
  }
  if (!TRANSPORTS.includes(settings.transport)) {
    throw new TypeError(`createClient: transport ${JSON.stringify(settings.transport)} is not one of "websocket" (the default) or "sse".`);
  }
  checkMilliseconds("actionTimeout", settings.actionTimeout);
  checkMilliseconds("connectionTimeout", settings.connectionTimeout);
  return settings;
}

/** The longest delay timers take (2^31 − 1 ms, about 24.8 days); past it they fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function checkMilliseconds(name: string, value: unknown, min = 1): void {
  if (typeof value === "number" && value >= min && value <= MAX_TIMER_MS) return;
  const got = typeof value === "number" || typeof value === "symbol" ? String(value) : typeof value === "bigint" ? `${value}n` : JSON.stringify(value);
  const hint =
    value === Number.POSITIVE_INFINITY
      ? ' There is no "never": pass a long time instead, such as 86400000 (a day).'
      : typeof value === "number" && value > 0 && value < min
        ? ` Below ${min} ms a round trip rarely fits, and every connection would count as dead; the value is in milliseconds, not seconds.`
        : "";
  throw new TypeError(`createClient: ${name} must be a number of milliseconds from ${min} to ${MAX_TIMER_MS} (got ${got}).${hint}`);
}

/** The shortest heartbeat interval or timeout: a ping's round trip must fit in it. */
const MIN_HEARTBEAT_MS = 100;

const HEARTBEAT_KEYS: readonly string[] = ["interval", "timeout"];

function checkHeartbeat(heartbeat: unknown): void {
  if (heartbeat === undefined) return;
  if (typeof heartbeat !== "object" || heartbeat === null || Array.isArray(heartbeat)) {
    throw new TypeError(
      `createClient: heartbeat must be an object { interval, timeout } in milliseconds (got ${JSON.stringify(heartbeat)}); it cannot be turned off.`,
    );
  }
  for (const [name, value] of Object.entries(heartbeat)) {
    if (!HEARTBEAT_KEYS.includes(name)) throw new TypeError(`createClient: heartbeat has no option '${name}'; it takes interval and timeout (ms).`);
    if (value !== undefined) checkMilliseconds(`heartbeat.${name}`, value, MIN_HEARTBEAT_MS);
  }
}

/** A client over any driver; `createServer()` uses it with a driver that skips the network and onAuth. */
export function clientForDriver<R>(driver: ClientDriver, settings: HandleSettings = settingsFrom({}), resources = new OpenResources()): Client<R> {
  const accessors = new Map<string, ActorAccessor>();
  const methods: ClientMethods = {
    dispose() {
      return resources.dispose();
    },
  };
  return new Proxy({} as Client<R>, {
    get(_target, property) {
      if (typeof property !== "string" || property === "then") return undefined;
      if (Object.hasOwn(methods, property)) return methods[property as keyof ClientMethods];
      let accessor = accessors.get(property);
      if (!accessor) {
        accessor = actorAccessor(driver, property, settings, resources);
        accessors.set(property, accessor);
      }
      return accessor;
    },
  });
}

/** Names a registry may not give an actor, because the client uses them itself. */
export const RESERVED_ACTOR_NAMES: readonly string[] = ["dispose", "then"] satisfies (keyof ClientMethods | "then")[];

function actorAccessor(driver: ClientDriver, name: string, settings: HandleSettings, resources: OpenResources): ActorAccessor {
  const handle = (query: ConstructorParameters<typeof ActorHandleBase>[1], params: unknown) => {
    const base = new ActorHandleBase(driver, query, params, settings, resources);
    return withActionMethods(base, (action, args) => base.action(action, args)) as ActorHandle;
  };
  return {
    get(key, options = {}) {
      return handle({ getForKey: { name, key: normalizeKey(key) } }, options.params);
    },
    getOrCreate(key, options = {}) {
      return handle({ getOrCreateForKey: { name, key: normalizeKey(key), input: options.createWithInput, region: options.createInRegion } }, options.params);
    },
    getForId(actorId, options = {}) {
      return handle({ getForId: { name, actorId } }, options.params);
    },
    async create(key, options = {}) {
      const created = handle({ create: { name, key: normalizeKey(key), input: options.input, region: options.region } }, options.params);
      await created.resolve();
      return created;
    },
    list({ cursor, limit, params } = {}) {
      return driver.list(name, { cursor, limit }, params);
    },
  };
}
