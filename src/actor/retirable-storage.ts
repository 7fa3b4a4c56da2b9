import { errors } from "../protocol/errors";

/**
 * The object's storage as one actor's life uses it. When the actor is destroyed its life is
 * retired: from then on every use of this storage (and of its `sql`) throws `actor_destroyed`, so
 * code of the old actor that still runs (a timer, a raw socket's listener, a store's buffered
 * write) can neither read nor write the storage of an actor later created with the same key.
 */
export class RetirableStorage {
  readonly storage: DurableObjectStorage;
  #retired = false;

  constructor(storage: DurableObjectStorage) {
    const retired = () => this.#retired;
    this.storage = guarded(storage, retired, { sql: guarded(storage.sql, retired) });
  }

  retire(): void {
    this.#retired = true;
  }
}

/**
 * `target` behind a check on every property read. Methods are bound to the target (the
 * runtime's objects refuse another `this`) once, so a call costs one lookup more.
 */
function guarded<T extends object>(target: T, retired: () => boolean, overrides: Partial<T> = {}): T {
  const bound = new Map<PropertyKey, unknown>(Object.entries(overrides));
  return new Proxy(target, {
    get(object, property) {
      if (retired()) throw errors.actorDestroyed();
      const known = bound.get(property);
      if (known !== undefined) return known;
      const value: unknown = Reflect.get(object, property);
      if (typeof value !== "function") return value;
      const method = value.bind(object);
      bound.set(property, method);
      return method;
    },
  });
}
