/** Whether `value` is a promise or any thenable (a Drizzle query not yet run is one). */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
