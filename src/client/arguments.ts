import type { Encoding } from "../protocol/encoding";

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
