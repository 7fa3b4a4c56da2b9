import { ActorError } from "./errors";

/**
 * The fetch every request of the client goes through: the caller's (`createClient({ fetch })`)
 * or the global one, sending the client's `headers` with each request (a request's own headers
 * win), and explaining a fetch passed without its object.
 */
export function clientFetch(supplied: typeof fetch | undefined, headers: Record<string, string> | undefined): typeof fetch {
  // Called as a plain function: the global fetch of some runtimes refuses any other `this`.
  const base: typeof fetch = supplied ?? ((input, init) => globalThis.fetch(input, init));
  const send: typeof fetch = (input, init) => {
    try {
      return base(input, init).catch((error: unknown) => Promise.reject(explainUnbound(error)));
    } catch (error) {
      // A method called without its object may throw before it returns a promise.
      return Promise.reject(explainUnbound(error));
    }
  };
  if (!headers || Object.keys(headers).length === 0) return send;
  return (input, init) => {
    const merged = new Headers(headers);
    const own = init?.headers ?? (input instanceof Request ? input.headers : undefined);
    for (const [name, value] of new Headers(own)) merged.set(name, value);
    return send(input, { ...init, headers: merged });
  };
}

/**
 * `createClient({ fetch: env.SERVICE.fetch })` hands over a method without its binding, which the
 * runtime refuses on every call ("Illegal invocation"): said here with the fix.
 */
function explainUnbound(error: unknown): unknown {
  if (!(error instanceof TypeError) || !/illegal invocation/i.test(error.message)) return error;
  return new ActorError(
    "connection_failed",
    "The fetch given to createClient({ fetch }) was called without its object (the runtime says: Illegal invocation), so no request went out. Pass a function that calls it on its binding: fetch: (input, init) => env.SERVICE.fetch(input, init), or env.SERVICE.fetch.bind(env.SERVICE).",
  );
}

/** Checks `createClient({ headers })`: names and values must be strings, as fetch's Headers take them. */
export function checkHeaders(headers: unknown): void {
  if (headers === undefined) return;
  const entries = typeof headers === "object" && headers !== null && !Array.isArray(headers) ? Object.entries(headers) : undefined;
  if (!entries || entries.some(([, value]) => typeof value !== "string")) {
    throw new TypeError(
      `createClient: headers must be an object of header names to string values, e.g. { authorization: "Bearer ..." } (got ${describe(headers)}).`,
    );
  }
  try {
    new Headers(entries);
  } catch (error) {
    throw new TypeError(`createClient: headers has a name or value fetch refuses: ${error instanceof Error ? error.message : String(error)}.`);
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object with a value that is not a string";
  return typeof value;
}
