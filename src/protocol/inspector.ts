import { isPlainObject } from "./plain-object";

/**
 * The inspector's API shapes (docs/protocol.md, "Inspector"), shared by the Worker, the actor's
 * object and the inspector page. Every value is JSON: what JSON cannot say (a Map, a bigint) is
 * shown by `jsonView` in a form that can.
 */

/** One thing the actor did: an action it ran (from any client, a scheduled job or the inspector) or an event it broadcast. */
export interface ActivityEntry {
  kind: "action" | "event";
  name: string;
  /** When it started, in ms since the epoch. */
  at: number;
  /** How long an action took, in ms; 0 for an event. */
  durationMs: number;
  outcome: "ok" | "error";
  /** The error's code, when the action failed. */
  code?: string;
}

export interface InspectedConnection {
  id: string;
  params: unknown;
  state: unknown;
  subscriptions: string[];
  transport: "websocket" | "sse" | "http";
  /** When it opened, in ms since the epoch (a connection stored by an older release: when the actor woke and rebuilt it). */
  since: number;
}

export interface InspectedJob {
  id: string;
  action: string;
  args: unknown;
  /** When it runs next, in ms since the epoch. */
  at: number;
  /** A repeating job's cron expression. */
  cron?: string;
  /** How many times it failed so far. */
  tries: number;
}

/** Why the actor's last wake failed (its load or its `onStart` threw): known while its object stays in memory. */
export interface StartFailure {
  /** The error code requests got: `actor_start_failed`, `migration_failed`, `internal_error`… */
  code: string;
  message: string;
  /** What actor code threw, when it was not one of actorflare's errors (the inspector is the actor's owner's). */
  cause?: string;
  /** When the wake failed, in ms since the epoch. */
  at: number;
}

/** What the inspector shows of one actor. */
export interface InspectorSnapshot {
  actor: { id: string; name: string; key: string[]; createdAt: number };
  /**
   * Whether the actor is in memory and started. When it is not (asleep, or its wake failed), the
   * snapshot is read from storage without starting it: no actor code runs, and `activity` is empty.
   */
  awake: boolean;
  /** Set while the actor's last wake failed and none has succeeded since. */
  startFailure?: StartFailure;
  state: unknown;
  /** A digest of `state` as shown: send it back as `ifStateDigest` to replace only that state (docs/protocol.md §13). */
  stateDigest: string;
  /** The names of its actions. */
  actions: string[];
  connections: InspectedConnection[];
  schedule: InspectedJob[];
  /** Recent actions and events, newest first (in the order they finished); kept in memory, so it starts empty when the actor wakes. */
  activity: ActivityEntry[];
  /** The size of the actor's SQLite database (state, connections, jobs and its own tables), in bytes. */
  storageBytes: number;
}

/** What the inspector asks an actor's object to do. */
export type InspectorOp =
  | { op: "snapshot" }
  | { op: "action"; name: string; args: unknown[] }
  | { op: "setState"; state: unknown; ifStateDigest?: string }
  | { op: "disconnect"; connectionId: string }
  | { op: "cancelJob"; jobId: string };

/** The marks `jsonView` writes for what JSON has no form for. */
const MARKS: ReadonlySet<string> = new Set(["$map", "$set", "$bigint", "$number", "$object"]);

/**
 * A value as JSON can carry it, for display: a Map becomes `{ "$map": [[key, value], ...] }`, a
 * Set `{ "$set": [...] }`, a bigint `{ "$bigint": "12" }`, a number JSON has no form for
 * (`NaN`, `Infinity`, `-Infinity`, `-0`) `{ "$number": "NaN" }`, a Date its ISO string, a typed
 * array its numbers, and a plain object whose one key is a mark's name `{ "$object": {...} }`,
 * so that it is not taken for the mark; cycles become `"[cycle]"`.
 */
export function jsonView(value: unknown, seen = new Set<object>()): unknown {
  if (typeof value === "bigint") return { $bigint: value.toString() };
  if (typeof value === "number" && (!Number.isFinite(value) || Object.is(value, -0))) return { $number: Object.is(value, -0) ? "-0" : String(value) };
  if (typeof value !== "object" || value === null) return typeof value === "function" || typeof value === "symbol" ? String(value) : value;
  if (seen.has(value)) return "[cycle]";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, (item) => jsonView(Number(item), seen));
  seen.add(value);
  try {
    if (value instanceof Map) return { $map: [...value].map(([k, v]) => [jsonView(k, seen), jsonView(v, seen)]) };
    if (value instanceof Set) return { $set: [...value].map((v) => jsonView(v, seen)) };
    if (Array.isArray(value)) return value.map((v) => jsonView(v, seen));
    // fromEntries defines each key, so a field named `__proto__` is shown like any other.
    const fields = Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : [[k, jsonView(v, seen)]]));
    const view = Object.fromEntries(fields);
    return fields.length === 1 && MARKS.has(String(fields[0]?.[0])) ? { $object: view } : view;
  } finally {
    seen.delete(value);
  }
}

/** How deep `fromJsonView` looks; below that a value is kept as it came (storing it may still refuse it). */
const MAX_VIEW_DEPTH = 1000;

/**
 * The way back from `jsonView`, for a state edited in the inspector, so that a state copied from
 * a snapshot, edited and saved keeps its types. `{ "$map": [[key, value], ...] }` becomes a Map,
 * `{ "$set": [...] }` a Set, `{ "$bigint": "12" }` a bigint, `{ "$number": "NaN" }` its number,
 * and `{ "$object": {...} }` the plain object inside (an object is read as a mark only when the
 * mark is its one key and the value has the mark's shape). JSON cannot tell a Date's ISO string
 * or a typed array's numbers from a real string or array, so those are taken from `like`, the
 * value being replaced: where it held a Date, a date string becomes a Date again; where it held
 * a typed array, an array of numbers becomes one of the same type. A Set's members and a Map's
 * keys are matched with `like`'s by position.
 */
export function fromJsonView(value: unknown, like?: unknown, depth = 0): unknown {
  if (depth > MAX_VIEW_DEPTH) return value;
  if (typeof value === "string" && like instanceof Date) {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : date;
  }
  if (typeof value !== "object" || value === null) return value;
  const next = (item: unknown, itemLike?: unknown) => fromJsonView(item, itemLike, depth + 1);
  if (Array.isArray(value)) {
    if (isTypedArray(like)) {
      const typed = typedArrayLike(
        like,
        value.map((item) => next(item)),
      );
      if (typed) return typed;
    }
    return value.map((item, i) => next(item, Array.isArray(like) ? like[i] : undefined));
  }
  const keys = Object.keys(value);
  const record = value as Record<string, unknown>;
  if (keys.length === 1) {
    const [mark] = keys;
    const marked = record[mark as string];
    if (mark === "$map" && Array.isArray(marked) && marked.every((entry) => Array.isArray(entry) && entry.length === 2)) {
      // A key or value is typed like the one at the same position (a Date key has no other way to be found).
      const likeEntries = like instanceof Map ? [...like] : [];
      return new Map(
        marked.map(([key, item]: unknown[], at) => {
          const revivedKey = next(key, likeEntries[at]?.[0]);
          const likeValue = like instanceof Map && like.has(revivedKey) ? like.get(revivedKey) : likeEntries[at]?.[1];
          return [revivedKey, next(item, likeValue)];
        }),
      );
    }
    if (mark === "$set" && Array.isArray(marked)) {
      const likeMembers = like instanceof Set ? [...like] : [];
      return new Set(marked.map((item, at) => next(item, likeMembers[at])));
    }
    if (mark === "$bigint" && typeof marked === "string" && /^-?\d+$/.test(marked)) return BigInt(marked);
    if (mark === "$number" && typeof marked === "string" && Object.hasOwn(NUMBERS, marked)) return NUMBERS[marked];
    if (mark === "$object" && isPlainObject(marked) && Object.keys(marked).length === 1 && MARKS.has(Object.keys(marked)[0] ?? "")) {
      return fields(marked, isPlainObject(like) ? like : undefined, next);
    }
  }
  return fields(record, isPlainObject(like) ? like : undefined, next);
}

/** The numbers JSON has no form for, by their `$number` mark. */
const NUMBERS: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, "-Infinity": Number.NEGATIVE_INFINITY, "-0": -0 };

/** A plain object's fields revived, each typed like the field of the same name in `like`. */
function fields(
  record: Record<string, unknown>,
  like: Record<string, unknown> | undefined,
  next: (item: unknown, itemLike?: unknown) => unknown,
): Record<string, unknown> {
  // fromEntries defines each key, so a key named `__proto__` stays an ordinary one.
  return Object.fromEntries(Object.keys(record).map((key) => [key, next(record[key], like && Object.hasOwn(like, key) ? like[key] : undefined)]));
}

type NumberArray = ArrayBufferView & ArrayLike<number | bigint>;

function isTypedArray(value: unknown): value is NumberArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** `items` as a typed array of `like`'s type, or undefined when some item does not fit it (300 in a Uint8Array). */
function typedArrayLike(like: NumberArray, items: unknown[]): NumberArray | undefined {
  // NaN and the infinities fit a float array only; the check of each item below refuses them elsewhere.
  if (!items.every((item) => typeof item === "number")) return undefined;
  const numbers = items as number[];
  const bigints = like instanceof BigInt64Array || like instanceof BigUint64Array;
  if (bigints && !numbers.every(Number.isInteger)) return undefined;
  const Type = like.constructor as new (items: (number | bigint)[]) => NumberArray;
  const typed = new Type(bigints ? numbers.map(BigInt) : numbers);
  // Floats are rounded to the array's precision, as any write to one is; other items must fit exactly.
  if (like instanceof Float32Array || like instanceof Float64Array) return typed;
  for (let i = 0; i < numbers.length; i++) if (Number(typed[i]) !== numbers[i]) return undefined;
  return typed;
}
