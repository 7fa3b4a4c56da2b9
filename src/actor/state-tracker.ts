import { isPlainObject } from "../protocol/plain-object";

/**
 * Tracks which parts of the actor's state changed, so a request that changes nothing writes
 * nothing and a change to one top-level field rewrites only that field (see state-store.ts).
 * Plain objects and arrays are wrapped in proxies that record every write with the top-level
 * field it belongs to. Other objects (Date, Map, class instances) are handed out as they are,
 * so in-place changes to them are not seen: reassign the field or call `c.saveState()`.
 */

/** What changed since the last save: every field (`all`), or these top-level fields. */
export interface StateChanges {
  all: boolean;
  keys: Set<string>;
}

export class StateTracker<S> {
  #raw: S;
  #changes: StateChanges = { all: false, keys: new Set() };
  /** Proxies per target and per top-level field they were reached through. */
  readonly #proxies = new WeakMap<object, Map<string | undefined, object>>();
  readonly #targets = new WeakMap<object, object>();
  readonly #onChange: () => void;

  /** `onChange` runs after every write through the proxies or a reassignment. */
  constructor(initial: S, onChange: () => void = () => {}) {
    this.#raw = initial;
    this.#onChange = onChange;
  }

  /** The state as actor code sees it. */
  get value(): S {
    return this.#wrap(this.#raw, undefined) as S;
  }

  set value(next: S) {
    this.#raw = this.#unwrapDeep(next) as S;
    this.#changed(undefined);
  }

  /** The unproxied state, for storage. */
  get raw(): S {
    return this.#raw;
  }

  get dirty(): boolean {
    return this.#changes.all || this.#changes.keys.size > 0;
  }

  /** The changes so far, and a clean slate. */
  takeChanges(): StateChanges {
    const changes = this.#changes;
    this.#changes = { all: false, keys: new Set() };
    return changes;
  }

  /** Marks everything changed (`c.saveState()` writes it all: in-place changes to a Map are not seen). */
  markAllChanged(): void {
    this.#changes.all = true;
  }

  /** Replaces the state without marking it changed (after reloading from storage). */
  reset(raw: S): void {
    this.#raw = raw;
    this.#changes = { all: false, keys: new Set() };
  }

  /** A write under top-level field `field`; `undefined` means the root itself (or an unknown field). */
  #changed(field: string | undefined): void {
    if (field === undefined) this.#changes.all = true;
    else this.#changes.keys.add(field);
    this.#onChange();
  }

  #wrap(value: unknown, field: string | undefined): unknown {
    if (!isTrackable(value)) return value;
    const isRoot = value === this.#raw;
    let byField = this.#proxies.get(value);
    const existing = byField?.get(field);
    if (existing) return existing;
    // Writes on the root name their own field; writes below it belong to the field they were reached through.
    const fieldOf = (property: string | symbol) => (isRoot && isPlainObject(value) && typeof property === "string" ? property : field);
    const proxy = new Proxy(value, {
      get: (target, property, receiver) => this.#wrap(Reflect.get(target, property, receiver), isRoot ? fieldOf(property) : field),
      set: (target, property, next) => {
        const done = Reflect.set(target, property, this.#unwrapDeep(next));
        this.#changed(fieldOf(property));
        return done;
      },
      deleteProperty: (target, property) => {
        const done = Reflect.deleteProperty(target, property);
        this.#changed(fieldOf(property));
        return done;
      },
    });
    if (!byField) {
      byField = new Map();
      this.#proxies.set(value, byField);
    }
    byField.set(field, proxy);
    this.#targets.set(proxy, value);
    return proxy;
  }

  /**
   * `value` with every proxy of this state in it replaced by its target: what storage and the
   * runtime's structured clone (an RPC answer) can carry. Plain objects and arrays made by the
   * caller are walked and fixed in place; the state's own objects never hold proxies.
   */
  toRaw(value: unknown): unknown {
    return this.#unwrapDeep(value);
  }

  /** Storage cannot encode a Proxy: replace every proxy inside an assigned value with its target. */
  #unwrapDeep(value: unknown, seen?: Set<object>): unknown {
    // Most writes assign a number or a string: nothing to walk, nothing to allocate.
    if (typeof value !== "object" || value === null) return value;
    const target = this.#targets.get(value);
    if (target) return target;
    if (!isTrackable(value) || seen?.has(value)) return value;
    seen ??= new Set();
    seen.add(value);
    for (const key of Object.keys(value)) {
      const inner = (value as Record<string, unknown>)[key];
      const unwrapped = this.#unwrapDeep(inner, seen);
      if (unwrapped !== inner) (value as Record<string, unknown>)[key] = unwrapped;
    }
    return value;
  }
}

function isTrackable(value: unknown): value is object {
  return Array.isArray(value) || isPlainObject(value);
}
