import type { Context } from "hono";
import type { RegistryRuntime } from "../registry-runtime";

/** Hono's environment for the front Worker: the Worker's bindings. */
export type WorkerEnv = { Bindings: Record<string, unknown> };

/** A route's handler: the registry and Hono's context of the request. */
export type RouteHandler = (runtime: RegistryRuntime, c: Context<WorkerEnv>) => Promise<Response>;
