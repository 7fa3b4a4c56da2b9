/** The front Worker's log line for an internal error: the details stay in the server log. */
export const workerLog = (...args: unknown[]): void => console.error("[actorflare]", ...args);
