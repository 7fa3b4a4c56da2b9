import { isPlainObject } from "../protocol/plain-object";

/**
 * `c.state` hands out proxies (state-tracker.ts), which neither the runtime's structured clone
 * (an RPC answer or argument) nor storage can carry. Read on one of them, this symbol answers
 * the object behind it; it is never set on anything else.
 */
export const STATE_TARGET: unique symbol = Symbol("actorflare.stateTarget");

/** The object a proxy of the state stands for, or `value` itself. */
export function stateTarget(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  return (value as { [STATE_TARGET]?: object })[STATE_TARGET] ?? value;
}

/**
 * `value` as data that leaves the actor (an action's answer, an argument to another actor): the
 * state's proxies in it replaced by their objects. The caller's own objects are left as they
 * are: when they hold a proxy, the containers on the way to it are copied (sharing and cycles
 * kept), since changing them in place would hand raw state objects to whoever keeps them.
 */
export function rawCopy<T>(value: T): T {
  return holdsProxy(value, new Set()) ? (copyOut(value, new Map()) as T) : value;
}

/** Whether a proxy of the state is reachable through plain objects, arrays, Maps and Sets. */
function holdsProxy(value: unknown, seen: Set<object>): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (stateTarget(value) !== value) return true;
  if (seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value) || isPlainObject(value)) return Object.values(value).some((inner) => holdsProxy(inner, seen));
  if (value instanceof Map) {
    for (const [key, inner] of value) if (holdsProxy(key, seen) || holdsProxy(inner, seen)) return true;
  } else if (value instanceof Set) {
    for (const member of value) if (holdsProxy(member, seen)) return true;
  }
  return false;
}

function copyOut(value: unknown, copies: Map<object, unknown>): unknown {
  if (typeof value !== "object" || value === null) return value;
  const target = stateTarget(value);
  // The state's own objects never hold proxies: they go out as they are.
  if (target !== value) return target;
  if (copies.has(value)) return copies.get(value);
  if (Array.isArray(value) || isPlainObject(value)) {
    const copy: Record<string, unknown> = Array.isArray(value) ? new Array(value.length) : Object.create(Object.getPrototypeOf(value));
    copies.set(value, copy);
    for (const key of Object.keys(value)) {
      // A defined property: `copy["__proto__"] = x` would set the prototype instead.
      Object.defineProperty(copy, key, {
        value: copyOut((value as Record<string, unknown>)[key], copies),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  }
  if (value instanceof Map) {
    const copy = new Map();
    copies.set(value, copy);
    for (const [key, inner] of value) copy.set(copyOut(key, copies), copyOut(inner, copies));
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set();
    copies.set(value, copy);
    for (const member of value) copy.add(copyOut(member, copies));
    return copy;
  }
  return value;
}
