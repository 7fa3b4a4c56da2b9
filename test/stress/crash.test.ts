import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { afterAll, afterEach, expect, it } from "vitest";
import { createClient } from "../../src/client/index";
import type { registry } from "../../examples/demo/registry";
import { removeSnapshot, sleep, startRuntime, tempPersistDir, countingWebSocket, waitFor, type Runtime } from "./runtime";

// Crashes in the middle of traffic. Clients write as fast as they can; after ~2 s the whole
// runtime (wrangler and both workerd processes) gets SIGKILL; `wrangler dev` starts again on the
// same persist folder (and port) and we compare what the clients were told with what is stored.
//
// A write whose answer arrived must be stored (docs/architecture.md §1: the output gate holds
// every answer until the write is durable). A write that was in flight when the process died may
// or may not have been stored, and the client cannot know; so the stored count must lie in
// [acknowledged, acknowledged + in flight at the kill]. Nothing may be counted twice.

const LOAD_MS = 2_000;
const CLIENTS = 8;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
afterAll(removeSnapshot);

async function persistDir(): Promise<string> {
  const dir = await tempPersistDir();
  cleanups.push(dir.remove);
  return dir.path;
}

async function start(dir: string, port?: number): Promise<Runtime> {
  const runtime = await startRuntime(dir, port);
  cleanups.push(runtime.stop);
  return runtime;
}

const json = (value: unknown) => JSON.stringify(value);

async function getCount(url: string, key: string): Promise<number> {
  const response = await fetch(`${url}/registry/actors/actions/getCount`, {
    method: "POST",
    headers: { "X-RivetKit-Encoding": "json", "Content-Type": "application/json", "X-RivetKit-Query": json({ getForKey: { name: "counter", key: [key] } }) },
    body: json({ a: [] }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { o: number }).o;
}

function report(name: string, figures: Record<string, number | string>): void {
  console.log(
    `[crash] ${name}: ${Object.entries(figures)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")}`,
  );
}

it(`HTTP actions: ${CLIENTS} clients increment one counter, SIGKILL mid-traffic, restart: no acknowledged increment lost, none counted twice`, async () => {
  const dir = await persistDir();
  const first = await start(dir);
  const key = `crash-http-${randomUUID()}`;
  const headers = {
    "X-RivetKit-Encoding": "json",
    "Content-Type": "application/json",
    "X-RivetKit-Query": json({ getOrCreateForKey: { name: "counter", key: [key] } }),
  };
  const increment = () =>
    fetch(`${first.url}/registry/actors/actions/increment`, { method: "POST", headers, body: json({ a: [1] }), signal: AbortSignal.timeout(15_000) });

  let acknowledged = 0;
  let inFlight = 0;
  let sent = 0;
  let failedBeforeKill = 0;
  let failedAfterKill = 0;
  let killing = false;
  const counts: number[] = [];
  const loop = async () => {
    while (!killing) {
      inFlight++;
      sent++;
      try {
        const response = await increment();
        const body = (await response.json()) as { o?: number };
        if (response.status === 200 && typeof body.o === "number") {
          acknowledged++;
          counts.push(body.o);
        } else if (killing) failedAfterKill++;
        else failedBeforeKill++;
      } catch {
        if (killing) failedAfterKill++;
        else failedBeforeKill++;
      } finally {
        inFlight--;
      }
    }
  };
  const loops = Array.from({ length: CLIENTS }, loop);
  await sleep(LOAD_MS);
  // From here no loop starts a request; those in flight now are the only ones with an unknown fate.
  killing = true;
  const inFlightAtKill = inFlight;
  await first.kill();
  await Promise.all(loops);

  const second = await start(dir);
  const stored = await getCount(second.url, key);
  report("HTTP actions", { sent, acknowledged, inFlightAtKill, failedAfterKill, failedBeforeKill, stored, lostWrites: Math.max(0, acknowledged - stored) });

  expect(failedBeforeKill).toBe(0);
  expect(acknowledged).toBeGreaterThan(10);
  // Each acknowledged increment answered with a different count: none was applied twice.
  expect(new Set(counts).size).toBe(counts.length);
  expect(Math.max(...counts)).toBeLessThanOrEqual(stored);
  expect(stored).toBeGreaterThanOrEqual(acknowledged);
  expect(stored).toBeLessThanOrEqual(acknowledged + inFlightAtKill);
});

it("scheduled jobs: 40 increments scheduled over 3 s, SIGKILL after 1.5 s, restart: every job runs, none twice", async () => {
  const JOBS = 40;
  const dir = await persistDir();
  const first = await start(dir);
  const key = `crash-schedule-${randomUUID()}`;
  const headers = {
    "X-RivetKit-Encoding": "json",
    "Content-Type": "application/json",
    "X-RivetKit-Query": json({ getOrCreateForKey: { name: "counter", key: [key] } }),
  };
  for (let i = 0; i < JOBS; i++) {
    const delay = Math.round((3_000 * i) / JOBS);
    const response = await fetch(`${first.url}/registry/actors/actions/incrementLater`, { method: "POST", headers, body: json({ a: [delay, 1] }) });
    expect(response.status).toBe(200);
  }
  await sleep(1_500);
  const ranBeforeKill = await getCount(first.url, key);
  await first.kill();

  const second = await start(dir);
  // Every acknowledged job is stored: they all run, on the alarm re-armed after the restart.
  await waitFor(async () => (await getCount(second.url, key)) >= JOBS, "every scheduled job to run", 30_000);
  await sleep(1_000);
  const stored = await getCount(second.url, key);
  report("scheduled jobs", { scheduled: JOBS, ranBeforeKill, storedAfterRestart: stored });
  expect(ranBeforeKill).toBeGreaterThan(0);
  expect(ranBeforeKill).toBeLessThan(JOBS);
  // At least once; a job cut off by the kill between its action and its removal may run again.
  expect(stored).toBeGreaterThanOrEqual(JOBS);
  expect(stored).toBeLessThanOrEqual(JOBS + 1);
});

it(`saveState() from onWebSocket: ${CLIENTS} raw sockets send to one actor, SIGKILL mid-traffic, restart: every echoed message is counted`, async () => {
  const dir = await persistDir();
  const first = await start(dir);
  const key = `crash-ws-${randomUUID()}`;
  const protocols = [`query.${encodeURIComponent(json({ getOrCreateForKey: { name: "websocketActor", key: [key] } }))}`, "encoding.json", "rivetkit"];
  const address = `${first.url.replace(/^http/, "ws")}/registry/actors/raw/websocket/`;

  let echoed = 0;
  let sent = 0;
  let outOfOrder = 0;
  let killing = false;
  /** Per socket: the message sent and not yet echoed, if any. */
  const pending: Array<string | undefined> = [];
  const sockets: WebSocket[] = [];
  const closed: Array<Promise<void>> = [];

  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, index) => {
      const socket = new WebSocket(address, protocols);
      sockets.push(socket);
      socket.on("error", () => {});
      closed.push(new Promise<void>((resolve) => socket.on("close", () => resolve())));
      let seq = 0;
      const sendNext = () => {
        if (killing || socket.readyState !== WebSocket.OPEN) return;
        pending[index] = `s${index}-${seq++}`;
        sent++;
        socket.send(pending[index]!);
      };
      await new Promise<void>((resolve, reject) => {
        socket.once("message", (data) => {
          const welcome = JSON.parse(data.toString()) as { type: string };
          if (welcome.type !== "welcome") reject(new Error(`expected the welcome, got ${data.toString()}`));
          resolve();
        });
        socket.once("close", (code) => reject(new Error(`closed (${code}) before the welcome`)));
      });
      socket.on("message", (data) => {
        const text = data.toString();
        if (text === pending[index]) {
          echoed++;
          pending[index] = undefined;
        } else outOfOrder++;
        sendNext();
      });
      // Each socket sends its next message when the previous one came back.
      sendNext();
    }),
  );

  await sleep(LOAD_MS);
  killing = true;
  const inFlightAtKill = pending.filter((p) => p !== undefined).length;
  await first.kill();
  await Promise.race([Promise.all(closed), sleep(10_000)]);
  for (const socket of sockets) socket.terminate();

  const second = await start(dir);
  const probe = new WebSocket(`${second.url.replace(/^http/, "ws")}/registry/actors/raw/websocket/`, protocols);
  probe.on("error", () => {});
  const welcome = await new Promise<{ messageCount: number; connectionCount: number }>((resolve, reject) => {
    probe.once("message", (data) => resolve(JSON.parse(data.toString())));
    probe.once("close", (code) => reject(new Error(`probe closed (${code})`)));
  });
  probe.close(1000);
  const stored = welcome.messageCount;
  report("saveState() from onWebSocket", { sent, echoed, inFlightAtKill, stored, outOfOrder, lostWrites: Math.max(0, echoed - stored) });

  expect(outOfOrder).toBe(0);
  expect(echoed).toBeGreaterThan(10);
  // The live connection count is a var: it starts over after the restart.
  expect(welcome.connectionCount).toBe(1);
  expect(stored).toBeGreaterThanOrEqual(echoed);
  expect(stored).toBeLessThanOrEqual(echoed + inFlightAtKill);
});

it("a connected client (actions over WebSocket, subscribed to newCount) reconnects by itself after SIGKILL + restart on the same port and gets its events again", {
  timeout: 180_000,
}, async () => {
  const dir = await persistDir();
  const first = await start(dir);
  const key = `crash-conn-${randomUUID()}`;
  const ws = countingWebSocket();
  const client = createClient<typeof registry>({
    endpoint: first.url,
    transport: "websocket",
    encoding: "cbor",
    actionTimeout: 60_000,
    WebSocket: ws.WebSocket,
  });
  const handle = client.counter.getOrCreate(key);
  const conn = handle.connect();
  cleanups.push(() => conn.dispose());
  const events: number[] = [];
  conn.on("newCount", (count) => events.push(count as number));
  await waitFor(() => conn.isOpen, "the connection to open", 20_000);
  // The subscription is active once one event came through.
  expect(await conn.increment(1)).toBe(1);
  await waitFor(() => events.includes(1), "the first event");
  const firstConnectionId = conn.connectionId;
  const actorId = conn.actorId;

  // Four callers keep actions going on the one connection until the kill.
  let acknowledged = 1;
  let inFlight = 0;
  let failedBeforeKill = 0;
  let failedAfterKill = 0;
  let killing = false;
  const loop = async () => {
    while (!killing) {
      inFlight++;
      try {
        await conn.increment(1);
        acknowledged++;
      } catch {
        if (killing) failedAfterKill++;
        else failedBeforeKill++;
      } finally {
        inFlight--;
      }
    }
  };
  const loops = Array.from({ length: 4 }, loop);
  await sleep(LOAD_MS);
  killing = true;
  const inFlightAtKill = inFlight;
  const eventsBeforeKill = events.length;
  await first.kill();
  await waitFor(() => !conn.isOpen, "the client to notice the drop", 10_000);
  await Promise.all(loops);

  const killedAt = Date.now();
  const second = await start(dir, first.port);
  expect(second.url).toBe(first.url);
  await waitFor(() => conn.isOpen && conn.connectionId !== firstConnectionId, "the client to reconnect", 60_000);
  const reconnectMs = Date.now() - killedAt;
  expect(conn.actorId).toBe(actorId);

  const stored = await getCount(second.url, key);
  expect(stored).toBeGreaterThanOrEqual(acknowledged);
  expect(stored).toBeLessThanOrEqual(acknowledged + inFlightAtKill);

  // The subscription was renewed on the new connection: the next increment's event arrives.
  const next = await conn.increment(1);
  expect(next).toBe(stored + 1);
  await waitFor(() => events.includes(next), "an event after the reconnect");
  report("connected client across a restart", {
    acknowledged,
    inFlightAtKill,
    failedAfterKill,
    failedBeforeKill,
    stored,
    eventsBeforeKill,
    eventAfterRestart: next,
    reconnectMsAfterRestartBegan: reconnectMs,
    socketsOpened: ws.created.length,
  });
  expect(failedBeforeKill).toBe(0);
  expect(ws.created.length).toBeGreaterThan(1);
});
