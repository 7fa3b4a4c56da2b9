/**
 * The few Workers runtime types the registry's public types name, spelled out rather than taken
 * from the Workers types: a browser or Node project that imports `typeof registry` for its client
 * then type-checks without them. Workers' own types are assignable to these.
 */

/** An actor's Durable Object, as the runtime sees it. */
export interface ActorObject {
  fetch(request: Request): Promise<Response>;
  /** Marks it as a Durable Object for generated Worker types (`DurableObjectNamespace<Counter>`); never set. */
  readonly __DURABLE_OBJECT_BRAND: never;
}

/**
 * An actor's Durable Object class, to export from the Worker's entry under the name the wrangler
 * config gives it: `export class Counter extends registry.durableObjects.Counter {}`.
 */
export type ActorObjectClass = new (ctx: unknown, env: unknown) => ActorObject;

/** The third argument of a Worker's `fetch` (Workers' `ExecutionContext`). */
export interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
  /** What the caller bound to this entrypoint (empty for plain HTTP). */
  readonly props: unknown;
}
