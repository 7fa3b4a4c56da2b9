/**
 * Tracks whether the actor's state changed, so a request that changes nothing writes nothing.
 * Plain objects and arrays are wrapped in proxies that flag every write; other objects (Date,
 * Map, class instances) are handed out as they are, so in-place changes to them are not seen:
 * reassign the field or call `c.saveState()`.
 */
export class StateTracker<S> {
  #raw: S;
  #dirty = false;
  readonly #proxies = new WeakMap<object, object>();
  readonly #targets = new WeakMap<object, object>();

  readonly #onChange: () => void;

  /** `onChange` runs after every write through the proxies or a reassignment. */
  constructor(initial: S, onChange: () => void = () => {}) {
    this.#raw = initial;
    this.#onChange = onChange;
  }

  /** The state as actor code sees it. */
  get value(): S {
    return this.#wrap(this.#raw) as S;
  }

  set value(next: S) {
    this.#raw = this.#unwrapDeep(next) as S;
    this.#changed();
  }

  /** The unproxied state, for storage. */
  get raw(): S {
    return this.#raw;
  }

  get dirty(): boolean {
    return this.#dirty;
  }

  markClean(): void {
    this.#dirty = false;
  }

  /** Replaces the state without marking it changed (after reloading from storage). */
  reset(raw: S): void {
    this.#raw = raw;
    this.#dirty = false;
  }

  #changed(): void {
    this.#dirty = true;
    this.#onChange();
  }

  #wrap(value: unknown): unknown {
    if (!isTrackable(value)) return value;
    const existing = this.#proxies.get(value);
    if (existing) return existing;
    const proxy = new Proxy(value, {
      get: (target, property, receiver) => this.#wrap(Reflect.get(target, property, receiver)),
      set: (target, property, next) => {
        const done = Reflect.set(target, property, this.#unwrapDeep(next));
        this.#changed();
        return done;
      },
      deleteProperty: (target, property) => {
        const done = Reflect.deleteProperty(target, property);
        this.#changed();
        return done;
      },
    });
    this.#proxies.set(value, proxy);
    this.#targets.set(proxy, value);
    return proxy;
  }

  /** Storage cannot clone a Proxy: replace every proxy inside an assigned value with its target. */
  #unwrapDeep(value: unknown, seen = new Set<object>()): unknown {
    if (typeof value !== "object" || value === null) return value;
    const target = this.#targets.get(value);
    if (target) return target;
    if (!isTrackable(value) || seen.has(value)) return value;
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
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
