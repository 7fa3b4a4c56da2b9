import { randomUUID } from "node:crypto";
import { join } from "node:path";
import NodeWebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWranglerDev, tempPersistDir, type WranglerDev } from "./wrangler-dev";

// A flood of subscriptions on one connection must not stall other actors. Measured under a real
// `wrangler dev` of the workerd test worker (test/workers/, whose `subscriber` actor allows
// 20,000 subscriptions per connection), not inside the vitest pool: there every Durable Object
// event also passes through a module import in the test runner's own object, so a burst of
// frames holds other requests up even when the actor does nothing with them (measured: a
// no-op flood of 10,000 frames gave another actor a p99 over 800 ms).

const FLOOD = 10_000;
/** Frames the client lets go unanswered, as a socket's buffers bound a real client's. */
const WINDOW = 100;

let server: WranglerDev;
let persist: { path: string; remove(): Promise<void> };
beforeAll(async () => {
  persist = await tempPersistDir();
  server = await startWranglerDev({ persistTo: persist.path, cwd: join(__dirname, "..", "workers") });
});
afterAll(async () => {
  await server?.stop();
  await persist?.remove();
});

const query = (name: string, key: string) => JSON.stringify({ getOrCreateForKey: { name, key: [key] } });

/** A connection over a raw WebSocket (JSON); `next()` resolves with the next message. */
async function connect(name: string, key: string) {
  const socket = new NodeWebSocket(`${server.url.replace(/^http/, "ws")}/registry/actors/connect/websocket`, [
    `query.${encodeURIComponent(query(name, key))}`,
    "encoding.json",
    "rivetkit",
  ]);
  const queue: string[] = [];
  const waiters: ((message: string) => void)[] = [];
  socket.on("message", (data) => {
    const message = String(data);
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  const next = () =>
    new Promise<{ b: Record<string, unknown> }>((resolve) => {
      const queued = queue.shift();
      if (queued !== undefined) resolve(JSON.parse(queued));
      else waiters.push((message) => resolve(JSON.parse(message)));
    });
  expect((await next()).b).toHaveProperty("i");
  let nextId = 0;
  const action = async (n: string): Promise<unknown> => {
    const i = nextId++;
    socket.send(JSON.stringify({ b: { ar: { i, n, a: [] } } }));
    const answer = (await next()).b.ar as { i: number; o?: unknown } | undefined;
    expect(answer?.i).toBe(i);
    return answer!.o;
  };
  return { socket, action };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

type Flood = "control" | "distinct";
type Summary = { elapsed: number; p50: number; p99: number; requests: number };

/**
 * One measurement on fresh actors: a flood of distinct subscriptions and a control flood of as
 * many frames that change nothing (one name, subscribed to again and again), window by window in
 * turn so both see the same load, while another actor answers requests.
 */
async function measure(): Promise<Record<Flood, Summary>> {
  const otherQuery = query("counter", `other-${randomUUID()}`);
  const getCount = async () => {
    const response = await fetch(`${server.url}/registry/actors/actions/getCount`, {
      method: "POST",
      headers: { "X-RivetKit-Query": otherQuery, "X-RivetKit-Encoding": "json", "Content-Type": "application/json" },
      body: JSON.stringify({ a: [] }),
    });
    expect(response.status).toBe(200);
    return response.json();
  };
  await getCount();
  const floods = {
    control: { conn: await connect("subscriber", `control-${randomUUID()}`), event: () => "the-same-event", latencies: [] as number[], elapsed: 0 },
    distinct: {
      conn: await connect("subscriber", `flood-${randomUUID()}`),
      event: (i: number) => `event-number-${i}`,
      latencies: [] as number[],
      elapsed: 0,
    },
  };
  // Each request's latency counts for the flood whose window was in flight when it was sent.
  let current: Flood | undefined = "control";
  const probing = (async () => {
    for (let flood = current; flood; flood = current) {
      const start = performance.now();
      await getCount();
      floods[flood].latencies.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  for (let window = 0; window < FLOOD / WINDOW; window++) {
    for (const flood of ["control", "distinct"] as const) {
      const { conn, event } = floods[flood];
      current = flood;
      const start = performance.now();
      for (let i = window * WINDOW; i < (window + 1) * WINDOW; i++) conn.socket.send(JSON.stringify({ b: { sr: { e: event(i), s: true } } }));
      await conn.action("padLength");
      floods[flood].elapsed += performance.now() - start;
    }
  }
  current = undefined;
  await probing;

  expect(((await floods.distinct.conn.action("subscriptions")) as string[]).length).toBe(FLOOD);
  for (const { conn } of Object.values(floods)) conn.socket.close();
  const summary = (flood: Flood): Summary => {
    const { latencies, elapsed } = floods[flood];
    return {
      elapsed: Math.round(elapsed),
      p50: Math.round(percentile(latencies, 50)),
      p99: Math.round(percentile(latencies, 99)),
      requests: latencies.length,
    };
  };
  return { control: summary("control"), distinct: summary("distinct") };
}

/** Rounds at most: a stall of the machine's own can push one round's p99 past the bound, not three in a row. */
const ROUNDS = 3;

describe("a flood of subscriptions", () => {
  // On a shared machine another actor's latency has a floor that has nothing to do with how the
  // actor handles subscriptions (on the busy 2-core machine of this test: an idle p99 of 15–90
  // ms, and 50–90 ms while the runtime merely delivers 10,000 frames), and a p99 is the few
  // slowest requests of a few hundred: with another process spinning beside it, the control
  // flood's alone swung by 100 ms from round to round. So the distinct flood is compared with the
  // control flood in each round, and the bound must hold in one of up to three rounds.
  // Before subscriptions were stored one row each, the flood added about 450 ms to the p99
  // and took 9 times as long as the control: every round would fail.
  it(`${FLOOD} distinct subscriptions on one connection add under 50 ms to another actor's p99 latency`, async () => {
    let last: Record<Flood, Summary> | undefined;
    for (let round = 1; round <= ROUNDS; round++) {
      const { control, distinct } = await measure();
      console.log(
        `round ${round}: ${FLOOD} subscriptions, ${WINDOW} in flight; another actor's latency: control ${JSON.stringify(control)}, distinct ${JSON.stringify(distinct)}`,
      );
      expect(distinct.requests).toBeGreaterThanOrEqual(20);
      last = { control, distinct };
      if (distinct.p99 - control.p99 < 50 && distinct.elapsed < 3 * control.elapsed) break;
    }
    expect(last!.distinct.p99 - last!.control.p99).toBeLessThan(50);
    expect(last!.distinct.elapsed).toBeLessThan(3 * last!.control.elapsed);
  }, 180_000);
});
