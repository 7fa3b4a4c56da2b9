/** Hono's environment for the front Worker: the Worker's bindings. */
export type WorkerEnv = { Bindings: Record<string, unknown> };
