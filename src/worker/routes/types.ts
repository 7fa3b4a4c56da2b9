import type { RegistryRuntime } from "../registry-runtime";

/** What a route's handler gets besides the registry: the request, the Worker's bindings, the path's parameters. */
export interface RouteContext {
  readonly request: Request;
  readonly env: Record<string, unknown>;
  /** Named segments of the route's path (`:action`, `:name`), percent-decoded. */
  readonly params: Readonly<Record<string, string | undefined>>;
}

/** A route's handler: answers the request or throws an error that becomes the HTTP answer. */
export type RouteHandler = (runtime: RegistryRuntime, route: RouteContext) => Promise<Response>;
