import { errors, isStackOverflow } from "../protocol/errors";
import type { ActorObjectRpc, Outcome } from "../server/contract";
import { isOverloaded, isRpcMissing, withRuntimeRetries } from "../server/runtime-retries";
import type { LocatedActor } from "./locate";

/**
 * The runtime's failure as our error: `actor_overloaded` (503) or `proxy_error` (502), or, when
 * the runtime could not serialize the call because the client's value nests too deep for its
 * stack, `invalid_request` (400): retrying cannot help, and the fault is the request's.
 */
function asProxyError(error: unknown): Error {
  if (isOverloaded(error)) return errors.actorOverloaded();
  if (error instanceof RangeError || isStackOverflow(error)) return errors.nestedTooDeeply();
  return errors.proxyError(error instanceof Error ? error.message : String(error));
}

/** Calls one of the object's RPC methods. Errors of the actor come back as an Outcome; the runtime's are thrown as ours. */
export async function callActor<T>(located: LocatedActor, method: (stub: ActorObjectRpc) => Promise<Outcome<T>>): Promise<Outcome<T>> {
  try {
    return await withRuntimeRetries(() => method(located.stub));
  } catch (error) {
    // Every contract method is there or none is: `resolve` stands for them all.
    if (isRpcMissing(located.stub, "resolve", error)) throw errors.rpcUnavailable();
    throw asProxyError(error);
  }
}

/**
 * A streaming request to the object. A request whose body was already streamed cannot be sent
 * again, so only bodiless ones are retried.
 */
export async function fetchActor(located: LocatedActor, request: () => Request, replayable: boolean): Promise<Response> {
  try {
    return await withRuntimeRetries(() => located.stub.fetch(request()), replayable);
  } catch (error) {
    throw asProxyError(error);
  }
}
