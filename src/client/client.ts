import type { ClientDriver } from "./driver";
import { ActorHandle, normalizeKey, type ActorKey } from "./handle";
import { HttpClientDriver } from "./http-driver";
import type { WebSocketConstructor } from "./websocket";

export interface GetOptions {
  /** Connection params, passed to onAuth (`X-RivetKit-Conn-Params`). */
  params?: unknown;
}

export interface GetOrCreateOptions extends GetOptions {
  /** Input for createState / onCreate, used only if this call creates the actor. */
  createWithInput?: unknown;
  /** Accepted for RivetKit compatibility; Cloudflare places objects itself. */
  createInRegion?: string;
}

export interface CreateOptions extends GetOptions {
  input?: unknown;
  region?: string;
}

/** `client.<actorName>`: the ways to address actors of one kind. */
export interface ActorAccessor {
  /** An existing actor by key; calls fail with `actor_not_found` if there is none. */
  get(key?: ActorKey, options?: GetOptions): ActorHandle;
  /** The actor with this key, created on first use (atomically: racing callers get the same one). */
  getOrCreate(key?: ActorKey, options?: GetOrCreateOptions): ActorHandle;
  /** An actor by the id `resolve()` returned. */
  getForId(actorId: string, options?: GetOptions): ActorHandle;
  /** Creates a new actor; fails with `actor_already_exists` if the key is taken. */
  create(key?: ActorKey, options?: CreateOptions): Promise<ActorHandle>;
}

/** The registry's actor names, from `typeof registry` (any name when untyped). */
type ActorNames<R> = R extends { readonly actors: infer A } ? keyof A & string : string;

export type Client<R = unknown> = { readonly [K in ActorNames<R>]: ActorAccessor };

export interface ClientOptions {
  /** Where the front Worker listens, e.g. `http://127.0.0.1:8787`. */
  endpoint: string;
  /** A fetch to use instead of the global one (e.g. a service binding's `fetch`). */
  fetch?: typeof fetch;
  /** A WebSocket constructor to use instead of the global one (or `ws` on Node). */
  WebSocket?: WebSocketConstructor;
}

/** A client for a registry served at `endpoint`: `createClient<typeof registry>("http://127.0.0.1:8787")`. */
export function createClient<R = unknown>(endpointOrOptions: string | ClientOptions): Client<R> {
  const options = typeof endpointOrOptions === "string" ? { endpoint: endpointOrOptions } : endpointOrOptions;
  const fetchImpl = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  return clientForDriver<R>(new HttpClientDriver({ endpoint: options.endpoint, fetch: fetchImpl, WebSocket: options.WebSocket }));
}

/** A client over any driver; `createServer()` uses it with a driver that skips the network and onAuth. */
export function clientForDriver<R>(driver: ClientDriver): Client<R> {
  const accessors = new Map<string, ActorAccessor>();
  return new Proxy({} as Client<R>, {
    get(_target, property) {
      if (typeof property !== "string" || property === "then") return undefined;
      let accessor = accessors.get(property);
      if (!accessor) {
        accessor = actorAccessor(driver, property);
        accessors.set(property, accessor);
      }
      return accessor;
    },
  });
}

function actorAccessor(driver: ClientDriver, name: string): ActorAccessor {
  return {
    get: (key, options = {}) => new ActorHandle(driver, { getForKey: { name, key: normalizeKey(key) } }, options.params),
    getOrCreate: (key, options = {}) =>
      new ActorHandle(
        driver,
        { getOrCreateForKey: { name, key: normalizeKey(key), input: options.createWithInput, region: options.createInRegion } },
        options.params,
      ),
    getForId: (actorId, options = {}) => new ActorHandle(driver, { getForId: { name, actorId } }, options.params),
    create: async (key, options = {}) => {
      const handle = new ActorHandle(
        driver,
        { create: { name, key: normalizeKey(key), input: options.input, region: options.region } },
        options.params,
      );
      await handle.resolve();
      return handle;
    },
  };
}
