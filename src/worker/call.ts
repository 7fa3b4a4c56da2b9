import { errors, isStackOverflow } from "../protocol/errors";
import { valueNotEncodable } from "../protocol/json-text";
import type { ActorObjectRpc, Outcome } from "../server/contract";
import { isOverloaded, isRpcMissing, isStuckStart, methodNotImplemented, withRuntimeRetries } from "../server/runtime-retries";
import type { LocatedActor } from "./locate";
import { exportLine } from "./names";

/**
 * The runtime's failure as our error: `actor_overloaded` (503) or `proxy_error` (502); when the
 * runtime could not serialize the call because the client's value nests too deep for its stack,
 * `invalid_request` (400): retrying cannot help, and the fault is the request's; when it could
 * not send the answer back (a Promise or a function in it), `value_not_serializable`.
 */
function asProxyError(error: unknown): Error {
  if (isOverloaded(error)) return errors.actorOverloaded(isStuckStart(error));
  // The runtime could not send the actor's answer back: it holds what no encoding carries.
  const uncloneable = error instanceof Error ? /^([\s\S]*) could not be cloned/.exec(error.message)?.[1] : undefined;
  if (uncloneable !== undefined) return valueNotEncodable(uncloneableWhat(uncloneable), error);
  if (error instanceof RangeError || isStackOverflow(error)) return errors.nestedTooDeeply();
  // The object answered, but with more than one RPC call carries (an answer encode-action-answer
  // could not measure exactly, an inspector snapshot of a huge state): it was reached.
  if (error instanceof Error && /limited to 32\s?MiB/i.test(error.message)) return errors.rpcValueTooLarge(error);
  return errors.proxyError(error instanceof Error ? error.message : String(error));
}

/** What the runtime's "… could not be cloned" names: `#<Promise>`, or a function's source. */
function uncloneableWhat(text: string): string {
  if (text.includes("Promise")) return "a Promise (await it first)";
  if (/^(async\s+)?(function\b|class\b|\(|[\w$]+\s*=>)/.test(text)) return "a function";
  return `a value the runtime cannot copy (${text.slice(0, 60)})`;
}

/** Calls one of the object's RPC methods. Errors of the actor come back as an Outcome; the runtime's are thrown as ours. */
export async function callActor<T>(located: LocatedActor, method: (stub: ActorObjectRpc) => Promise<Outcome<T>>): Promise<Outcome<T>> {
  try {
    return await withRuntimeRetries(() => method(located.stub));
  } catch (error) {
    // Every contract method is there or none is: `resolve` stands for them all.
    if (isRpcMissing(located.stub, "resolve", error)) throw errors.rpcUnavailable();
    // The binding reaches a class with RPC, but not an actor's (a hand-written Durable Object).
    const missing = methodNotImplemented(error);
    if (missing !== undefined) throw errors.notAnActorClass(located.name, exportLine(located.name), missing);
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
