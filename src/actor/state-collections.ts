/**
 * The proxy of a Map or Set in the actor's state. A collection's entries live in an internal
 * slot that a plain proxy cannot reach (`Map.prototype.get` called on a proxy throws), so each
 * method is replaced by one that works on the real collection: a key or member looked up is the
 * object its proxy stands for (`c.state.byKey.has(c.state.item)` finds the entry put in with
 * `c.state.item`), what comes out is handed out tracked like the rest of the state, and a change
 * (`set`, `add`, `delete`, `clear`) is reported.
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

export function trackCollection<C extends Collection>(collection: C, tracking: CollectionTracking): C {
  const methods: Methods = {};
  const proxy = new Proxy(collection, {
    get(target, property) {
      if (Object.hasOwn(methods, property)) return methods[property];
      const value: unknown = Reflect.get(target, property, target);
      // Other methods (`Set.prototype.union`, say) read the internal slot too: they run on the collection itself.
      return typeof value === "function" && property !== "constructor" ? value.bind(target) : value;
    },
  });
  Object.assign(methods, collection instanceof Map ? mapMethods(collection, proxy, tracking) : setMethods(collection as Set<unknown>, proxy, tracking));
  return proxy;
}

function mapMethods(map: Map<unknown, unknown>, proxy: Collection, { wrap, rawOf, store, changed }: CollectionTracking): Methods {
  const entries = () => wrapped(map.entries(), ([key, value]) => [wrap(key), wrap(value)]);
  return {
    get: (key: unknown) => wrap(map.get(rawOf(key))),
    has: (key: unknown) => map.has(rawOf(key)),
    set: (key: unknown, value: unknown) => {
      map.set(store(key), store(value));
      changed();
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
}

function setMethods(set: Set<unknown>, proxy: Collection, { wrap, rawOf, store, changed }: CollectionTracking): Methods {
  const values = () => wrapped(set.values(), wrap);
  return {
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

/** A live iterator over the collection, handing each item out tracked. */
function* wrapped<T>(items: Iterable<T>, wrap: (item: T) => unknown): Generator<unknown, undefined, undefined> {
  for (const item of items) yield wrap(item);
}
