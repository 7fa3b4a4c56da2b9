import { STATE_TARGET } from "./state-raw";

/**
 * The proxy of a Map or Set in the actor's state. A collection's entries live in an internal
 * slot that a plain proxy cannot reach (`Map.prototype.get` called on a proxy throws), so each
 * method is replaced by one that works on the real collection: a key or member looked up is the
 * object its proxy stands for (`c.state.byKey.has(c.state.item)` finds the entry put in with
 * `c.state.item`), what comes out is handed out tracked like the rest of the state, and a change
 * (`set`, `add`, `delete`, `clear`, `getOrInsert`) is reported.
 */

/** What a collection's proxy needs from the state tracker, for the field the collection is under. */
export interface CollectionTracking {
  /** A value read out of the collection, as actor code sees it. */
  wrap(value: unknown): unknown;
  /** The object a proxy stands for, without walking it: what a lookup compares. */
  rawOf(value: unknown): unknown;
  /** A value put into the collection: the proxies in it replaced by their objects. */
  store(value: unknown): unknown;
  changed(): void;
}

type Collection = Map<unknown, unknown> | Set<unknown>;
type Methods = Record<PropertyKey, (...args: never[]) => unknown>;

/** The set methods that take another set: they compare members, so both sides must hold the same objects. */
const SET_ALGEBRA = ["union", "intersection", "difference", "symmetricDifference", "isSubsetOf", "isSupersetOf", "isDisjointFrom"] as const;

export function trackCollection<C extends Collection>(collection: C, tracking: CollectionTracking): C {
  const methods: Methods = {};
  const proxy = new Proxy(collection, {
    get(target, property) {
      if (property === STATE_TARGET) return target;
      if (Object.hasOwn(methods, property)) return methods[property];
      return otherMember(target, property, tracking);
    },
  });
  Object.assign(methods, collection instanceof Map ? mapMethods(collection, proxy, tracking) : setMethods(collection as Set<unknown>, proxy, tracking));
  return proxy;
}

/**
 * A member the tables below do not list. A subclass's own method runs on the proxy, so the
 * methods it calls are tracked; `Object.prototype`'s read nothing of the entries. A built-in
 * method this code does not know yet runs on the collection itself, and counts as a change.
 */
function otherMember(target: Collection, property: string | symbol, { wrap, rawOf, changed }: CollectionTracking): unknown {
  const value: unknown = Reflect.get(target, property, target);
  if (typeof value !== "function" || property === "constructor") return value;
  const owner = ownerOf(target, property);
  if (owner === Object.prototype) return value.bind(target);
  if (owner !== Map.prototype && owner !== Set.prototype) return value;
  return (...args: unknown[]) => {
    const result: unknown = value.apply(target, args.map(rawOf));
    changed();
    return wrap(result);
  };
}

function ownerOf(object: object, property: string | symbol): object | null {
  let owner: object | null = object;
  while (owner && !Object.hasOwn(owner, property)) owner = Object.getPrototypeOf(owner);
  return owner;
}

function mapMethods(map: Map<unknown, unknown>, proxy: Collection, { wrap, rawOf, store, changed }: CollectionTracking): Methods {
  const entries = () => wrapped(map.entries(), ([key, value]) => [wrap(key), wrap(value)]);
  const inserted = (key: unknown, value: unknown) => {
    const stored = store(value);
    map.set(store(key), stored);
    changed();
    return wrap(stored);
  };
  const methods: Methods = {
    get: (key: unknown) => wrap(map.get(rawOf(key))),
    has: (key: unknown) => map.has(rawOf(key)),
    set: (key: unknown, value: unknown) => {
      inserted(key, value);
      return proxy;
    },
    delete: (key: unknown) => deleted(map.delete(rawOf(key)), changed),
    clear: () => cleared(map, changed),
    forEach: (callback: (value: unknown, key: unknown, map: Collection) => void, thisArg?: unknown) => {
      for (const [key, value] of map) callback.call(thisArg, wrap(value), wrap(key), proxy);
    },
    keys: () => wrapped(map.keys(), wrap),
    values: () => wrapped(map.values(), wrap),
    entries,
    [Symbol.iterator]: entries,
  };
  // Newer runtimes' upserts, where the runtime has them.
  if ("getOrInsert" in map) {
    methods.getOrInsert = (key: unknown, value: unknown) => (map.has(rawOf(key)) ? wrap(map.get(rawOf(key))) : inserted(key, value));
  }
  if ("getOrInsertComputed" in map) {
    methods.getOrInsertComputed = (key: unknown, compute: (key: unknown) => unknown) =>
      map.has(rawOf(key)) ? wrap(map.get(rawOf(key))) : inserted(key, compute(key));
  }
  return methods;
}

function setMethods(set: Set<unknown>, proxy: Collection, { wrap, rawOf, store, changed }: CollectionTracking): Methods {
  const values = () => wrapped(set.values(), wrap);
  const methods: Methods = {
    has: (member: unknown) => set.has(rawOf(member)),
    add: (member: unknown) => {
      const raw = store(member);
      if (!set.has(raw)) {
        set.add(raw);
        changed();
      }
      return proxy;
    },
    delete: (member: unknown) => deleted(set.delete(rawOf(member)), changed),
    clear: () => cleared(set, changed),
    forEach: (callback: (value: unknown, key: unknown, set: Collection) => void, thisArg?: unknown) => {
      for (const member of set) {
        const tracked = wrap(member);
        callback.call(thisArg, tracked, tracked, proxy);
      }
    },
    keys: values,
    values,
    entries: () =>
      wrapped(set.values(), (member) => {
        const tracked = wrap(member);
        return [tracked, tracked];
      }),
    [Symbol.iterator]: values,
  };
  for (const name of SET_ALGEBRA) {
    const method = (set as unknown as Record<string, unknown>)[name];
    if (typeof method !== "function") continue;
    // The other side's members as the objects behind their proxies; a new set's members handed out tracked.
    methods[name] = (other: unknown) => {
      const result: unknown = method.call(set, rawSetLike(other, rawOf));
      return result instanceof Set ? new Set(wrapped(result, wrap)) : result;
    };
  }
  return methods;
}

/** The other side of a set method, holding the objects behind the state's proxies. */
function rawSetLike(other: unknown, rawOf: (value: unknown) => unknown): unknown {
  const raw = rawOf(other);
  if (raw !== other) return raw;
  if (other instanceof Set) return new Set(wrapped(other, rawOf));
  if (other instanceof Map) return new Map(wrapped(other, ([key, value]) => [rawOf(key), value] as const));
  return other;
}

function deleted(done: boolean, changed: () => void): boolean {
  if (done) changed();
  return done;
}

function cleared(collection: Collection, changed: () => void): void {
  if (collection.size === 0) return;
  collection.clear();
  changed();
}

/** A live iterator over the items, handing each out through `wrap`. */
function* wrapped<T, U>(items: Iterable<T>, wrap: (item: T) => U): Generator<U, undefined, undefined> {
  for (const item of items) yield wrap(item);
}
