import { ActorError, errorFromResponse } from "./errors";

/** One of the client's own HTTP requests and what to make of its 2xx answer. */
export interface ProtocolRequest<T> {
  url: string;
  init: RequestInit;
  /** Reads a 2xx answer; its body is read within the deadline too. */
  read(response: Response): Promise<T>;
  /** The deadline for the request and its answer (ms); none when undefined. */
  timeout: number | undefined;
  /** Names the call in a timeout's message: "Action 'increment'", "resolve()". */
  what: string;
  /** Said after a timeout's reason, e.g. that an action may have run. */
  afterTimeout?: string;
}

/**
 * Sends a request of the client's own protocol (not the user's raw fetch). It follows no
 * redirect: the request carries the actor query and the conn params, which a redirect would hand
 * to whatever origin it names; an answer that redirects is `endpoint_redirected` (errors.ts).
 * The request and the reading of its answer share a deadline: past it, the fetch is aborted and
 * the call fails with `action_timed_out`, so a server that never answers, or stops halfway
 * through its answer, cannot hold the call for ever.
 */
export async function protocolRequest<T>(fetchFn: typeof fetch, request: ProtocolRequest<T>): Promise<T> {
  const abort = new AbortController();
  const attempt = async () => {
    const response = await fetchFn(request.url, { ...request.init, redirect: "manual", signal: abort.signal }).catch((error: unknown) => {
      throw unreachable(request, error);
    });
    try {
      if (!response.ok || response.redirected) throw await errorFromResponse(response);
      return await request.read(response);
    } catch (error) {
      throw brokenOff(request, error);
    }
  };
  if (request.timeout === undefined) return attempt();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(timedOut(request));
      abort.abort();
    }, request.timeout);
  });
  try {
    // Raced, not left to the abort alone: a `fetch` given to createClient may ignore the signal.
    return await Promise.race([attempt(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A fetch that follows no redirect, for the client's own requests that stream (SSE) or upgrade. */
export function withoutRedirects(fetchFn: typeof fetch): typeof fetch {
  return (input, init) => fetchFn(input, { ...init, redirect: "manual" });
}

function timedOut(request: ProtocolRequest<unknown>): ActorError {
  return new ActorError(
    "action_timed_out",
    `${request.what} got no answer from ${request.url} within ${request.timeout} ms (the client's actionTimeout): the server is unreachable, slow, or stopped partway through its answer.${request.afterTimeout ? ` ${request.afterTimeout}` : ""}`,
  );
}

/**
 * What reading an answer rejects with when it breaks off after its head (the server stopped or
 * the connection dropped partway through; Node says "terminated"): the request reached the
 * server, so the call may have run.
 */
function brokenOff(request: ProtocolRequest<unknown>, error: unknown): unknown {
  if (alreadyExplained(error)) return error;
  return new ActorError(
    "connection_lost",
    `${request.what}: the answer from ${request.url} broke off partway (${describeCause(error)}): the server stopped or the connection dropped. The request had reached the server, so the call may or may not have run.`,
  );
}

/** Our own errors, and the abort of a call's deadline (which `timedOut` explains), go on as they are. */
function alreadyExplained(error: unknown): boolean {
  return error instanceof ActorError || (error instanceof Error && error.name === "AbortError");
}

function describeCause(error: unknown): string {
  return error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
}

/**
 * The codes Node's fetch gives (in the TypeError's `cause`) when a connection it had made, or
 * reused, closed before any answer came: the request may have reached the server.
 */
const CLOSED_UNANSWERED = new Set(["UND_ERR_SOCKET", "UND_ERR_CLOSED", "ECONNRESET", "EPIPE"]);

/** Whether `fetch` failed because a connection closed before any answer came (the request may have reached the server). */
export function closedUnanswered(error: unknown): boolean {
  const code = error instanceof Error ? (error.cause as { code?: unknown } | undefined)?.code : undefined;
  return typeof code === "string" && CLOSED_UNANSWERED.has(code);
}

/**
 * What `fetch` rejects with when no answer came at all: a TypeError, in Node with the reason in
 * its `cause`. A connection that closed unanswered is `connection_lost` (the call may have run);
 * anything else (refused, no route, no name; or a runtime that does not say) is `connection_failed`.
 */
function unreachable(request: ProtocolRequest<unknown>, error: unknown): unknown {
  if (alreadyExplained(error)) return error;
  if (closedUnanswered(error)) {
    return new ActorError(
      "connection_lost",
      `${request.what}: the connection to ${request.url} closed before any answer came (${describeCause(error)}): the server stopped or restarted mid-request, or the connection had been kept open from before it restarted (the first call after a restart can meet one). The call may or may not have run: retry it if running it twice is safe.`,
    );
  }
  return new ActorError(
    "connection_failed",
    `${request.what} could not reach ${request.url} (${describeCause(error)}): the Worker is not running there, or the network is down${inBrowser() ? ", or the page's origin (or a header given to createClient({ headers })) is not one setup({ cors }) allows (the browser then hides the answer)" : ""}. Check the client's endpoint.`,
  );
}

/** In a browser a refused CORS check looks like a network failure to the page. */
function inBrowser(): boolean {
  return typeof (globalThis as { document?: unknown }).document === "object";
}
