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

/** What the inspector shows of one actor. */
export interface InspectorSnapshot {
  actor: { id: string; name: string; key: string[]; createdAt: number };
  state: unknown;
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
  | { op: "setState"; state: unknown }
  | { op: "disconnect"; connectionId: string }
  | { op: "cancelJob"; jobId: string };

/**
 * A value as JSON can carry it, for display: a Map becomes `{ "$map": [[key, value], ...] }`, a
 * Set `{ "$set": [...] }`, a bigint `{ "$bigint": "12" }`, a Date its ISO string, a typed array
 * its numbers; cycles become `"[cycle]"`.
 */
export function jsonView(value: unknown, seen = new Set<object>()): unknown {
  if (typeof value === "bigint") return { $bigint: value.toString() };
  if (typeof value !== "object" || value === null) return typeof value === "function" || typeof value === "symbol" ? String(value) : value;
  if (seen.has(value)) return "[cycle]";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, Number);
  seen.add(value);
  try {
    if (value instanceof Map) return { $map: [...value].map(([k, v]) => [jsonView(k, seen), jsonView(v, seen)]) };
    if (value instanceof Set) return { $set: [...value].map((v) => jsonView(v, seen)) };
    if (Array.isArray(value)) return value.map((v) => jsonView(v, seen));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonView(v, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}
