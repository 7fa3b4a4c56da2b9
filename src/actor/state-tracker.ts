import { UnencodableError } from "../protocol/cbor-format";
import { unencodableObject } from "../protocol/hidden-data";
import { isStackOverflow } from "../protocol/errors";
import { isPlainObject } from "../protocol/plain-object";
import { type CollectionTracking, trackCollection } from "./state-collections";
import { MAX_STATE_DEPTH, notSerializable } from "./state-entries";
import { STATE_TARGET, stateTarget } from "./state-raw";

/**
 * Tracks which parts of the actor's state changed, so a request that changes nothing writes
 * nothing and a change to one top-level field rewrites only that field (see state-store.ts).
 * Plain objects, arrays, Maps and Sets are wrapped in proxies that record every write with the
 * top-level field it belongs to (state-collections.ts for Maps and Sets). Other objects (a Date,
 * a class instance) are handed out as they are, so in-place changes to them are not seen:
 * reassign the field or call `c.saveState()`.
 *
 * One object may sit under two top-level fields (`c.state.current = c.state.items[0]`).
 * Storage keeps a large state's fields apart, so such fields are tied: a change under one
 * marks them all, or the other field's stored copy would keep the old value.
 */

/** What changed since the last save: every field (`all`), or these top-level fields. */
export interface StateChanges {
  all: boolean;
  keys: Set<string>;
}

/**
 * Array methods that write several elements in one call. Through a proxy each element write is
 * a change; onChange runs once for the call, after it, as RivetKit runs onStateChange once for it.
 */
const ARRAY_WRITERS: ReadonlySet<PropertyKey> = new Set(["push", "pop", "shift", "unshift", "splice", "sort", "reverse", "fill", "copyWithin"]);

/** A proxy's object, and the top-level field it was first reached through (`undefined`: the root). */
interface Reached {
  target: object;
  field: string | undefined;
}

export class StateTracker<S> {
  #raw: S;
  #changes: StateChanges = { all: false, keys: new Set() };
  /** One proxy per object, whichever field it is reached through, so `===` holds between them. */
  readonly #proxies = new WeakMap<object, object>();
  readonly #reached = new WeakMap<object, Reached>();
  /** The field each object put in the state (or found in it at the start) was first put under. */
  readonly #homes = new WeakMap<object, string>();
  /** Tied fields: each maps to the set of fields it shares objects with, itself included. */
  readonly #ties = new Map<string, Set<string>>();
  /** The root object itself is under a field: any change may be under any field. */
  #rootShared = false;
  readonly #onChange: () => void;
  /** How deep in array methods (ARRAY_WRITERS) this is, and whether one of them wrote. */
  #inArrayMethod = 0;
  #changedInArrayMethod = false;
  /** Each array method as handed out, so that `items.push === items.push` holds. */
  readonly #arrayMethods = new WeakMap<(...args: unknown[]) => unknown, (...args: unknown[]) => unknown>();

  /**
   * `onChange` runs after every write through the proxies or a reassignment. The initial state is
   * walked once: its objects' fields are noted, so that one later put under another field (one
   * handed out unwrapped by a class instance, say) ties the two, and fields already sharing one (user code
   * made them so, or the runtime's structured value kept them so) are tied at once.
   */
  constructor(initial: S, onChange: () => void = () => {}) {
    this.#raw = initial;
    this.#onChange = onChange;
    this.#adoptFields();
  }

  /** The state as actor code sees it. */
  get value(): S {
    return this.#wrap(this.#raw, undefined) as S;
  }

  set value(next: S) {
    // Ties made under the old root stay: its objects may be under new fields now, and proxies remember old ones.
    const previous = this.#raw;
    this.#raw = ((typeof next === "object" && next !== null && this.#reached.get(next)?.target) || next) as S;
    try {
      this.#adoptFields(MAX_STATE_DEPTH);
    } catch (error) {
      this.#raw = previous;
      throw error;
    }
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

  /** Replaces the state without marking it changed (after reloading from storage). */
  reset(raw: S): void {
    this.#raw = raw;
    this.#changes = { all: false, keys: new Set() };
    this.#adoptFields();
  }

  /** A write under top-level field `field`; `undefined` means the root itself (or an unknown field). */
  #changed(field: string | undefined): void {
    if (field === undefined || this.#rootShared) this.#changes.all = true;
    else {
      const tied = this.#ties.get(field);
      if (tied) for (const other of tied) this.#changes.keys.add(other);
      else this.#changes.keys.add(field);
    }
    if (this.#inArrayMethod > 0) this.#changedInArrayMethod = true;
    else this.#onChange();
  }

  /** `method` of an array, running as one change. */
  #arrayMethod(method: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
    let once = this.#arrayMethods.get(method);
    if (!once) {
      const run = (self: unknown, args: unknown[]) => this.#asOneChange(method, self, args);
      once = function (this: unknown, ...args: unknown[]) {
        return run(this, args);
      };
      this.#arrayMethods.set(method, once);
    }
    return once;
  }

  #asOneChange(method: (...args: unknown[]) => unknown, self: unknown, args: unknown[]): unknown {
    this.#inArrayMethod++;
    try {
      return Reflect.apply(method, self, args);
    } finally {
      this.#inArrayMethod--;
      if (this.#inArrayMethod === 0 && this.#changedInArrayMethod) {
        this.#changedInArrayMethod = false;
        this.#onChange();
      }
    }
  }

  #wrap(value: unknown, field: string | undefined): unknown {
    if (!isTrackable(value)) return value;
    const existing = this.#proxies.get(value);
    if (existing) return existing;
    const proxy = isCollection(value) ? trackCollection(value, this.#collectionTracking(field)) : this.#objectProxy(value, field);
    this.#proxies.set(value, proxy);
    this.#reached.set(proxy, { target: value, field });
    return proxy;
  }

  #objectProxy(value: object, field: string | undefined): object {
    const isRoot = value === this.#raw;
    // Writes on the root name their own field; writes below it belong to the field it was reached through.
    const fieldOf = (property: string | symbol) => (isRoot && isPlainObject(value) && typeof property === "string" ? property : field);
    return new Proxy(value, {
      get: (target, property, receiver) => {
        if (property === STATE_TARGET) return target;
        const inner: unknown = Reflect.get(target, property, receiver);
        // A frozen (or sealed) object's own fields must read as they are: a proxy's get may not answer another value for them.
        if (!Reflect.isExtensible(target) && isFixedField(target, property)) return inner;
        if (typeof inner === "function" && Array.isArray(target) && ARRAY_WRITERS.has(property)) {
          return this.#arrayMethod(inner as (...args: unknown[]) => unknown);
        }
        return this.#wrap(inner, isRoot ? fieldOf(property) : field);
      },
      set: (target, property, next) => {
        const under = fieldOf(property);
        const done = Reflect.set(target, property, this.#unwrapIncoming(next, under));
        this.#changed(under);
        return done;
      },
      defineProperty: (target, property, descriptor) => {
        const under = fieldOf(property);
        const unwrapped = "value" in descriptor ? { ...descriptor, value: this.#unwrapIncoming(descriptor.value, under) } : descriptor;
        const done = Reflect.defineProperty(target, property, unwrapped);
        this.#changed(under);
        return done;
      },
      deleteProperty: (target, property) => {
        const done = Reflect.deleteProperty(target, property);
        this.#changed(fieldOf(property));
        return done;
      },
    });
  }

  #collectionTracking(field: string | undefined): CollectionTracking {
    return {
      wrap: (value) => this.#wrap(value, field),
      rawOf: stateTarget,
      store: (value) => this.#unwrapIncoming(value, field),
      changed: () => this.#changed(field),
    };
  }

  /**
   * Walks the root field by field: replaces proxies in it with their targets and ties fields
   * that hold the same object. A root that is not a plain object has no fields to tie. A state
   * read from storage is taken however deep it is (`maxDepth` unbounded): an earlier release kept
   * deeper ones, and refusing them would leave the actor unable to load.
   */
  #adoptFields(maxDepth = Number.POSITIVE_INFINITY): void {
    const root: unknown = this.#raw;
    if (!isPlainObject(root)) {
      this.#raw = this.#unwrapIncoming(root, undefined, maxDepth) as S;
      return;
    }
    for (const field of Object.keys(root)) {
      const inner = root[field];
      const unwrapped = this.#unwrapIncoming(inner, field, maxDepth);
      if (unwrapped !== inner) root[field] = unwrapped;
    }
  }

  /**
   * `#unwrapDeep` for a value being put in the state. One nested deeper than storage keeps
   * (MAX_STATE_DEPTH, counted from the value put) is refused there, before it is in the state,
   * with the error storage would give it; a value nested deeper by changes made inside it is
   * refused when the state is saved.
   */
  #unwrapIncoming(value: unknown, field: string | undefined, maxDepth = MAX_STATE_DEPTH): unknown {
    try {
      return this.#unwrapDeep(value, field, undefined, 1, maxDepth);
    } catch (error) {
      throw isStackOverflow(error) || error instanceof UnencodableError
        ? notSerializable(field === undefined ? "the state" : `field '${field}'`, error)
        : error;
    }
  }

  /**
   * Storage cannot encode a Proxy: replaces every proxy inside a value put under `field` with
   * its target, and ties `field` to any other field an object in it is already under. A value
   * put by actor code (`maxDepth` bounded) that storage cannot keep is refused here, by the
   * assignment, so that the save that fails is not another handler's: a function, a symbol, an
   * object without data or whose data is not in its fields (hidden-data.ts), nesting past the
   * limit. Inside a class instance, which is not walked, the save finds them.
   */
  #unwrapDeep(value: unknown, field: string | undefined, seen: Set<object> | undefined, depth: number, maxDepth: number): unknown {
    // Most writes assign a number or a string: nothing to walk, nothing to allocate.
    if (typeof value !== "object" || value === null) {
      if ((typeof value === "function" || typeof value === "symbol") && maxDepth !== Number.POSITIVE_INFINITY) throw new UnencodableError(`a ${typeof value}`);
      return value;
    }
    const reached = this.#reached.get(value);
    if (reached) {
      this.#tie(field, reached.field);
      return reached.target;
    }
    if (seen?.has(value)) return value;
    if (field !== undefined) {
      // Any object, a Date or a class instance too: reassigning one after changing it must rewrite every field it is under.
      const home = value === this.#raw ? undefined : this.#homes.get(value);
      if (home === undefined && value !== this.#raw) this.#homes.set(value, field);
      else this.#tie(field, home);
    }
    const plain = Array.isArray(value) || isPlainObject(value);
    if (!plain && !(value instanceof Map) && !(value instanceof Set)) {
      const unencodable = maxDepth === Number.POSITIVE_INFINITY ? undefined : unencodableObject(value);
      if (unencodable) throw new UnencodableError(unencodable);
      return value;
    }
    if (depth > maxDepth) throw new UnencodableError(`data nested more than ${maxDepth} levels deep`);
    seen ??= new Set();
    seen.add(value);
    if (plain) {
      for (const key of Object.keys(value)) {
        const inner = (value as Record<string, unknown>)[key];
        const unwrapped = this.#unwrapDeep(inner, field, seen, depth + 1, maxDepth);
        if (unwrapped !== inner) (value as Record<string, unknown>)[key] = unwrapped;
      }
    } else if (value instanceof Map) {
      const entries = [...value];
      const unwrapped = entries.map(
        ([key, inner]) => [this.#unwrapDeep(key, field, seen, depth + 1, maxDepth), this.#unwrapDeep(inner, field, seen, depth + 1, maxDepth)] as const,
      );
      // A proxy as a key is another key: the Map is refilled, so that its order stays as it was.
      const rekeyed = unwrapped.some(([key], at) => key !== entries[at]?.[0]);
      if (rekeyed) value.clear();
      unwrapped.forEach(([key, inner], at) => {
        if (rekeyed || inner !== entries[at]?.[1]) value.set(key, inner);
      });
    } else {
      const members = [...value];
      const unwrapped = members.map((member) => this.#unwrapDeep(member, field, seen, depth + 1, maxDepth));
      if (unwrapped.some((member, at) => member !== members[at])) {
        value.clear();
        for (const member of unwrapped) value.add(member);
      }
    }
    return value;
  }

  /**
   * Field `field` holds an object that is also under `other` (`undefined`: the root itself, or
   * the state reached through a root that is not a plain object). A walk outside any field (an
   * RPC answer, a root that is not a plain object) ties nothing.
   */
  #tie(field: string | undefined, other: string | undefined): void {
    if (field === undefined || field === other) return;
    if (other === undefined) {
      this.#rootShared = true;
      return;
    }
    const group = this.#ties.get(field) ?? new Set([field]);
    for (const member of this.#ties.get(other) ?? [other]) group.add(member);
    for (const member of group) this.#ties.set(member, group);
  }
}

/** A field a proxy must answer as it is: its own, neither writable nor configurable. */
function isFixedField(target: object, property: string | symbol): boolean {
  const descriptor = Reflect.getOwnPropertyDescriptor(target, property);
  return descriptor !== undefined && !descriptor.configurable && descriptor.writable === false;
}

function isTrackable(value: unknown): value is object {
  return Array.isArray(value) || isPlainObject(value) || isCollection(value);
}

function isCollection(value: unknown): value is Map<unknown, unknown> | Set<unknown> {
  return value instanceof Map || value instanceof Set;
}
