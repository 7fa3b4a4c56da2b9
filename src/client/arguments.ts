import type { Encoding } from "../protocol/encoding";
import { ActorError } from "./errors";

/**
 * A call's arguments as they go on the wire. JSON has no `undefined`: in an array it writes
 * null, to which a default parameter does not apply. Trailing ones are left out, so
 * `f(x, undefined)` reaches the action as `f(x)`; one before a defined argument cannot be, and
 * arrives as null. CBOR carries `undefined` as it is.
 */
export function wireArguments(encoding: Encoding, args: unknown[]): unknown[] {
  if (encoding !== "json") return args;
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return end === args.length ? args : args.slice(0, end);
}

/** RivetKit's way to call an action by name: `action({ name, args })`. */
export interface ActionCall {
  name: string;
  args?: unknown[] | undefined;
}

/**
 * The name and arguments of `action(name, args)` or of RivetKit's `action({ name, args })`,
 * checked: untyped code can pass anything, and a name that is not a string or arguments that
 * are not a list would otherwise fail deep in the client with a bare TypeError.
 */
export function actionCall(nameOrCall: string | ActionCall, args: unknown[] | undefined): { name: string; args: unknown[] } {
  const call = typeof nameOrCall === "object" && nameOrCall !== null ? nameOrCall : { name: nameOrCall, args };
  if (typeof call.name !== "string") {
    throw new ActorError(
      "invalid_request",
      `action() takes the action's name and its arguments: action("increment", [1]) or action({ name: "increment", args: [1] }).`,
    );
  }
  const list = call.args ?? [];
  if (!Array.isArray(list)) {
    throw new ActorError("invalid_request", `The arguments of action '${call.name}' must be a list: action(${JSON.stringify(call.name)}, [first, second]).`);
  }
  return { name: call.name, args: list };
}
