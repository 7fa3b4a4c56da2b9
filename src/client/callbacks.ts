/**
 * Runs the user's callbacks for one occurrence (an event, a status change, an error). A callback
 * that throws must not break the connection that called it, nor keep the callbacks after it from
 * running, yet its exception must be seen: it goes to the platform's `reportError` (browsers,
 * Workers, Deno, Bun: the page's `error` handlers and error trackers see it as uncaught), and
 * where there is none (Node) to `console.error`, naming what the callback was for.
 */
export function runCallbacks<A extends unknown[]>(callbacks: Iterable<(...args: A) => void>, args: A, what: string): void {
  // A copy: a callback may add or remove callbacks of the same set.
  for (const callback of [...callbacks]) {
    try {
      callback(...args);
    } catch (error) {
      reportCallbackError(error, what);
    }
  }
}

function reportCallbackError(error: unknown, what: string): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === "function") report(error);
  else console.error(`actorflare: a ${what} callback threw (the connection is unaffected):`, error);
}

/**
 * Adds `callback` to `callbacks` as a registration of its own (the same function added twice
 * runs twice, and each returned function removes only its own registration); returns that function.
 */
export function register<A extends unknown[]>(callbacks: Set<(...args: A) => void>, callback: (...args: A) => void): () => void {
  const registration = (...args: A) => callback(...args);
  callbacks.add(registration);
  return () => {
    callbacks.delete(registration);
  };
}
