import { retrying } from "../protocol/backoff";
import { errors } from "../protocol/errors";
import type { ActorObjectRpc, Outcome } from "../server/contract";
import type { LocatedActor } from "./locate";

/** What the runtime marks its own failures with (a Durable Object reset, a network blip, overload). */
interface RuntimeError {
  retryable?: boolean;
  overloaded?: boolean;
}

/** Retry a call the runtime says can be retried, unless the object is overloaded: a few times, with full-jitter backoff. */
const RETRY = { attempts: 3, backoff: { base: 100, max: 800, jitter: 1 } };

function retryable(error: unknown): boolean {
  const { retryable, overloaded } = (error ?? {}) as RuntimeError;
  return retryable === true && overloaded !== true;
}

/** The runtime's failure as our error: `actor_overloaded` (503) or `proxy_error` (502). */
function asProxyError(error: unknown): Error {
  if ((error as RuntimeError | undefined)?.overloaded) return errors.actorOverloaded();
  return errors.proxyError(error instanceof Error ? error.message : String(error));
}

/** Calls one of the object's RPC methods. Errors of the actor come back as an Outcome; the runtime's are thrown as ours. */
export async function callActor<T>(located: LocatedActor, method: (stub: ActorObjectRpc) => Promise<Outcome<T>>): Promise<Outcome<T>> {
  try {
    return await retrying(() => method(located.stub), { ...RETRY, retryable });
  } catch (error) {
    throw asProxyError(error);
  }
}

/**
 * A streaming request to the object. A request whose body was already streamed cannot be sent
 * again, so only bodiless ones are retried.
 */
export async function fetchActor(located: LocatedActor, request: () => Request, replayable: boolean): Promise<Response> {
  try {
    return await retrying(() => located.stub.fetch(request()), { ...RETRY, attempts: replayable ? RETRY.attempts : 1, retryable });
  } catch (error) {
    throw asProxyError(error);
  }
}
