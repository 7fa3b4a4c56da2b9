import { runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { ActorError, createClient, type TransportKind } from "../../src/client/index";
import type { StorageWrites } from "../../src/actor/storage";
import type { Encoding } from "../../src/index";
import type { InspectorSnapshot } from "../../src/protocol/inspector";
import { INSPECTOR_TOKEN, type registry } from "./registry";

export const ORIGIN = "http://127.0.0.1:8787";

/** Every transport a connection can take, with every encoding: `describe.each` over it. */
export const TRANSPORTS_AND_ENCODINGS = [
  ["websocket", "json"],
  ["websocket", "cbor"],
  ["sse", "json"],
  ["sse", "cbor"],
] as const;

/** A request to the test worker, through its real front Worker. */
export function call(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(ORIGIN + path, init));
}

export function queryHeaders(query: unknown, extra: Record<string, string> = {}): Record<string, string> {
  return { "X-RivetKit-Query": JSON.stringify(query), "X-RivetKit-Encoding": "json", ...extra };
}

/** A fresh key per test keeps tests independent. */
export function uniqueKey(prefix = "k"): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

export function testClient(encoding: Encoding = "json", transport: TransportKind = "websocket") {
  return createClient<typeof registry>({
    endpoint: ORIGIN,
    encoding,
    transport,
    actionTimeout: 5_000,
    fetch: (input, init) => exports.default.fetch(new Request(input, init)),
  });
}

export async function errorBody(response: Response): Promise<{ c: string; m: string; md?: unknown }> {
  return (await response.json()) as { c: string; m: string; md?: unknown };
}

/**
 * What an actor's object wrote so far: state rows and bytes (from the storage cursors' own
 * counters), connection records put or deleted, subscription rows.
 */
export function writesOf(stub: DurableObjectStub) {
  return runInDurableObject(stub, (instance) => (instance as unknown as { storageWrites(): StorageWrites }).storageWrites());
}

/** What an actor's object keeps about its connections: each socket's attachment, KV records, subscription rows. */
export interface StoredConnections {
  attachments: { id: string; record?: { state: unknown }; subscriptions?: string[] }[];
  records: Record<string, { state: unknown }>;
  rows: { conn: string; event: string }[];
  /** The ids of the connections noted open (the roster a wake after a crash ends). */
  open: string[];
}

/** Reads what an actor's object keeps about its connections, after writing any buffered subscription changes. */
export function storedConnections(stub: DurableObjectStub): Promise<StoredConnections> {
  return runInDurableObject(stub, (instance, state) => {
    (instance as unknown as { storageWrites(): StorageWrites }).storageWrites();
    const { sql, kv } = state.storage;
    const hasTable = sql.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'actorflare_subscriptions'`).toArray().length > 0;
    return {
      attachments: state.getWebSockets().map((socket) => socket.deserializeAttachment() as StoredConnections["attachments"][number]),
      records: Object.fromEntries(
        [...kv.list<{ state: unknown }>({ prefix: "actorflare:conn:" })].map(([key, value]) => [key.slice("actorflare:conn:".length), value]),
      ),
      rows: hasTable ? sql.exec<{ conn: string; event: string }>(`SELECT conn, event FROM actorflare_subscriptions ORDER BY conn, event`).toArray() : [],
      open: [...kv.list({ prefix: "actorflare:open:" })].map(([key]) => key.slice("actorflare:open:".length)).sort(),
    };
  });
}

/**
 * Over WebSocket, waits until a connection's subscription works, by repeating `trigger` (a call on
 * that connection that causes the event) until `arrived()`.
 *
 * Why: the workerd test pool (@cloudflare/vitest-pool-workers) wraps Durable Object classes and
 * hands each hibernatable WebSocket event to the object after an await of its own, so frames sent
 * back to back on one socket (a subscription and the first call) can reach the actor swapped.
 * The runtime itself keeps their order; test/node/connections.test.ts and protocol-compat.test.ts
 * check that strictly under `wrangler dev`. Over SSE the client sends one message at a time, so
 * nothing can be swapped and tests here stay strict for it.
 */
export async function untilSubscribed(transport: string, trigger: () => Promise<unknown>, arrived: () => boolean): Promise<void> {
  if (transport !== "websocket") return;
  const end = Date.now() + 10_000;
  while (!arrived()) {
    if (Date.now() > end) throw new Error("the subscription never took effect");
    await trigger();
  }
}

/** Polls until `condition` holds, failing after a generous deadline with what it waited for. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The error a promise rejects with, an `ActorError` (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<ActorError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(ActorError);
  return outcome.error as ActorError;
}

/** The inspector's API under the test worker; its requests carry the token as a bearer. */
export const INSPECTOR_API = "/registry/inspector/api";
export const INSPECTOR_BEARER = { authorization: `Bearer ${INSPECTOR_TOKEN}` };

/** The inspector's `query` parameter for the actor `name` with the one-part key `key`. */
export const byKey = (name: string, key: string) => `query=${encodeURIComponent(JSON.stringify({ getForKey: { name, key: [key] } }))}`;

/** A request to the inspector with the token; a `body` that is not a string is sent as JSON. */
export function inspector(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) {
  const body = init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  return call(path, {
    method,
    body,
    headers: { ...INSPECTOR_BEARER, ...(body === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
  });
}

/** What the inspector shows of an actor that exists. */
export async function snapshotOf(name: string, key: string): Promise<InspectorSnapshot> {
  const response = await inspector("GET", `${INSPECTOR_API}/actor?${byKey(name, key)}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { value: InspectorSnapshot }).value;
}

/** A counter with this key, made (and counted up by `by`) through the public API. */
export async function counterAt(key: string, by: number): Promise<void> {
  const response = await call("/registry/actors/actions/increment", {
    method: "POST",
    headers: { ...queryHeaders({ getOrCreateForKey: { name: "counter", key: [key] } }), "content-type": "application/json" },
    body: JSON.stringify({ a: [by] }),
  });
  expect(response.status).toBe(200);
}

/** Everything an object keeps: KV entries, its own tables (not the runtime's), the alarm. */
export function storedInObject(stub: DurableObjectStub) {
  return runInDurableObject(stub, async (_instance, state) => ({
    kv: [...state.storage.kv.list()].map(([name]) => name),
    tables: state.storage.sql
      .exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'sqlite_%'`)
      .toArray()
      .map((row) => row.name),
    alarm: await state.storage.getAlarm(),
  }));
}
