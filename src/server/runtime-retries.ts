import { retrying } from "../protocol/backoff";

/** What the runtime marks its own failures with (a Durable Object reset, a network blip, overload). */
interface RuntimeError {
  retryable?: boolean;
  overloaded?: boolean;
}

function retryable(error: unknown): boolean {
  const { retryable, overloaded } = (error ?? {}) as RuntimeError;
  return retryable === true && overloaded !== true;
}

/** Retry a call the runtime says can be retried, unless the object is overloaded: a few times, with full-jitter backoff. */
const RETRY = { attempts: 3, backoff: { base: 100, max: 800, jitter: 1 }, retryable };
/** A call that cannot be sent again (its body was streamed) is tried once. */
const ONCE = { ...RETRY, attempts: 1 };

/**
 * Whether calling `method` on a Durable Object stub failed because the stub has no RPC methods
 * at all: the Worker's compatibility_date is before Durable Object RPC (2024-04-03).
 */
export function isRpcMissing(stub: object, method: string, error: unknown): boolean {
  return error instanceof TypeError && typeof (stub as Record<string, unknown>)[method] !== "function";
}

/**
 * The method a Durable Object refused because its class does not have it (a binding that names
 * a hand-written class, not an actor's), from the runtime's message; undefined for other errors.
 */
export function methodNotImplemented(error: unknown): string | undefined {
  return error instanceof Error ? /receiver does not implement (?:the method )?"([^"]+)"/.exec(error.message)?.[1] : undefined;
}

/** Whether the runtime refused a call because the object is overloaded. */
export function isOverloaded(error: unknown): boolean {
  return (error as RuntimeError | undefined)?.overloaded === true;
}

/**
 * Whether the runtime reset the object because a `blockConcurrencyWhile` waited too long (its
 * message says so). An actor's object holds one only while it loads and starts the actor.
 */
export function isStuckStart(error: unknown): boolean {
  return isOverloaded(error) && error instanceof Error && error.message.includes("blockConcurrencyWhile");
}

/**
 * Calls a Durable Object (an RPC method or fetch), trying again what the runtime marks retryable
 * and not overloaded, up to 3 attempts in all (1 when `replayable` is false). The last error is thrown.
 */
export function withRuntimeRetries<T>(call: () => Promise<T>, replayable = true): Promise<T> {
  return retrying(call, replayable ? RETRY : ONCE);
}
