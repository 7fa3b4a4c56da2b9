import { runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { createClient, type TransportKind } from "../../src/client/index";
import type { Encoding } from "../../src/index";
import type { registry } from "./registry";

export const ORIGIN = "http://127.0.0.1:8787";

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

/** State rows and bytes an actor's object wrote so far, from the storage cursors' own counters. */
export function writesOf(stub: DurableObjectStub) {
  return runInDurableObject(stub, (instance) => (instance as unknown as { storageWrites(): { rows: number; bytes: number } }).storageWrites());
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
