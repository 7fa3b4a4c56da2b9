import { CborError, UnencodableError } from "../protocol/cbor";
import { contentType, decode, type Encoding } from "../protocol/encoding";
import type { ErrorCode } from "../protocol/error-codes";
import type { ErrorBody } from "../protocol/errors";

/** Marks the client's errors in every copy of it. */
const CLIENT_ERROR_BRAND = Symbol.for("actorflare.client-error");

/**
 * An error the server answered with (`{ c, m, md }` on the wire), or the client's own (a lost
 * connection, a disposed client). `code` is an {@link ErrorCode} or an actor's `UserError` code.
 */
export class ActorError extends Error {
  // `string & {}` keeps the known codes as suggestions while any UserError code fits.
  readonly code: ErrorCode | (string & {});
  readonly metadata: unknown;
  readonly [CLIENT_ERROR_BRAND] = true;

  /** `instanceof ActorError` holds for the errors of any copy of the client (one bundled by a library, say), by the brand. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as { [CLIENT_ERROR_BRAND]?: unknown })[CLIENT_ERROR_BRAND] === true;
  }

  constructor(code: string, message: string, metadata?: unknown) {
    super(message);
    this.name = "ActorError";
    this.code = code;
    this.metadata = metadata;
  }

  static fromBody(body: ErrorBody): ActorError {
    return new ActorError(body.c, body.m, body.md);
  }
}

/**
 * Reads an error response into an ActorError: a JSON body, or a CBOR one (answers to a CBOR
 * request are CBOR). A redirect becomes `endpoint_redirected`, a 431 from the runtime
 * `headers_too_large`; any other body that is not `{ c, m }` becomes `http_error`.
 */
export async function errorFromResponse(response: Response): Promise<ActorError> {
  if (isRedirect(response)) {
    await response.body?.cancel();
    return redirectRefused(response);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const encoding = response.headers.get("content-type") === contentType("cbor") ? "cbor" : "json";
  try {
    const body = decode(encoding, bytes) as Partial<ErrorBody> | null;
    if (typeof body?.c === "string" && typeof body.m === "string") return ActorError.fromBody(body as ErrorBody);
  } catch {
    // Not a protocol error body; reported below with the status.
  }
  if (response.status === 431) {
    return new ActorError(
      "headers_too_large",
      "The runtime refused the request's headers as too large (431). The actor's key, conn params and query travel in headers: keep them to a few KB, and pass larger data as action arguments or input.",
    );
  }
  if (response.status === 404) {
    return new ActorError(
      "http_error",
      `HTTP 404 from ${response.url || "the endpoint"}, not an answer of actorflare's: nothing serves the actors' routes there. Give the client the Worker's origin (plus a path prefix your own app adds, if any, without /registry), and have the Worker send /registry/... to the registry: export default registry.handler, serve(app), or a route of your app that calls registry.handler.fetch.`,
      { status: 404 },
    );
  }
  return new ActorError("http_error", `HTTP ${response.status}: ${new TextDecoder().decode(bytes.subarray(0, 200))}`, { status: response.status });
}

/**
 * A 404 that is not ours: the endpoint has no actorflare behind it (a wrong path, a registry not
 * mounted). Unlike other foreign answers (a proxy's 502 during a deploy), retrying cannot mend it.
 */
export function isForeignNotFound(error: ActorError): boolean {
  return error.code === "http_error" && (error.metadata as { status?: unknown } | undefined)?.status === 404;
}

/**
 * An action's arguments that the client's encoding cannot carry (a bigint, or a cycle, in JSON; a
 * function or symbol in CBOR). Only that call fails: nothing was sent.
 */
export function argumentsNotEncodable(action: string, encoding: Encoding, cause: unknown): ActorError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const fix =
    encoding === "json"
      ? `JSON carries no bigint and no cycles: create the client with encoding "cbor", which carries both, or pass a bigint as a string.`
      : cause instanceof CborError && !(cause instanceof UnencodableError)
        ? "The server takes an object the arguments hold many times only up to a size: pass it once, or fewer times."
        : "CBOR carries no functions or symbols: pass plain data.";
  return new ActorError("arguments_not_encodable", `The arguments of action '${action}' cannot be encoded as ${encoding} (${reason}). ${fix}`);
}

/**
 * A connection's call that got no answer in time. One never sent did not run: it waited for a
 * connection that did not open (the server unreachable, say), which would read otherwise like a
 * slow action; the last failed attempt says why. One sent may have run (`{ sent: true }`).
 */
export function actionTimedOut(
  action: string,
  timeoutMs: number,
  attempt: { sent: true } | { queued: true } | { lastFailure: ActorError | undefined },
): ActorError {
  const within = `within ${timeoutMs} ms`;
  if ("sent" in attempt) {
    return new ActorError("action_timed_out", `Action '${action}' got no answer ${within}; it was sent, so it may or may not have run.`, { sent: true });
  }
  if ("queued" in attempt) {
    return new ActorError(
      "action_timed_out",
      `Action '${action}' was not sent ${within}: it waited behind the connection's earlier messages (over SSE they go out one at a time), and it will not be sent now, so it did not run.`,
      { sent: false },
    );
  }
  const why = attempt.lastFailure ? ` The last attempt to connect failed: ${attempt.lastFailure.message}` : "";
  return new ActorError("action_timed_out", `Action '${action}' was not sent: the connection did not open ${within}, so it did not run.${why}`, {
    sent: false,
  });
}

/** The statuses by which an answer redirects, as fetch counts them. */
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * Whether an answer is a redirect: the 3xx itself (Node, Workers), the opaque answer that stands
 * for it in browsers (status 0), or an answer reached through one (a `fetch` given to the client
 * that followed it all the same).
 */
function isRedirect(response: Response): boolean {
  // Workers' types know only their own response types; browsers' fetch gives this one.
  const type: string = response.type;
  return type === "opaqueredirect" || REDIRECT_STATUSES.has(response.status) || response.redirected;
}

/**
 * A redirect answered to one of the client's own requests, which follow none: they carry the
 * query and the conn params (an auth token, often), which a redirect would hand to whatever
 * origin it names.
 */
function redirectRefused(response: Response): ActorError {
  const target = response.headers.get("location")?.slice(0, 300);
  const answer = response.redirected
    ? `was redirected to ${response.url} (the fetch given to createClient followed the redirect although the client asked it not to)`
    : `was answered with a redirect (${response.status === 0 ? "the browser hides its target" : `HTTP ${response.status}${target ? ` to ${target}` : ""}`})`;
  return new ActorError(
    "endpoint_redirected",
    `A request to ${response.redirected ? "the endpoint" : response.url || "the endpoint"} ${answer}. The client follows no redirect on its own requests, which carry the actor query and the conn params: the endpoint likely points at a proxy or an old address that redirects. Pass the address the redirect leads to as createClient's endpoint.`,
  );
}
