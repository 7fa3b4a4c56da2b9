import { afterEach, expect, it } from "vitest";
import { createClient } from "../../src/client/index";
import type { registry } from "../../examples/demo/registry";
import type { registry as testRegistry } from "../workers/registry";
import { startWranglerDev, TEST_WORKER_DIR, tempPersistDir, type WranglerDev } from "./wrangler-dev";

// Durability across a restart of the whole runtime (docs/architecture.md §1: a response the
// client received means the state is stored). Each test restarts `wrangler dev` on the same persisted folder.

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  // Runs even when a test fails half-way: stop servers first, then remove their folders.
  while (cleanups.length) await cleanups.pop()!();
});

async function persistDir(): Promise<string> {
  const dir = await tempPersistDir();
  cleanups.push(dir.remove);
  return dir.path;
}

async function start(persistTo: string, cwd?: string): Promise<WranglerDev> {
  const server = await startWranglerDev({ persistTo, cwd });
  cleanups.push(server.stop);
  return server;
}

function counter(server: WranglerDev, key: string) {
  return createClient<typeof registry>(server.url).counter.getOrCreate(key);
}

async function count(server: WranglerDev, key: string): Promise<number> {
  const response = await counter(server, key).fetch("/");
  expect(response.status).toBe(200);
  return ((await response.json()) as { count: number }).count;
}

it("keeps the count across a graceful stop", async () => {
  const dir = await persistDir();
  const key = "graceful";

  const first = await start(dir);
  for (let i = 1; i <= 5; i++) {
    const response = await counter(first, key).fetch("/increment", { method: "POST" });
    expect(await response.json()).toEqual({ count: i, key: [key] });
  }
  await first.stop();

  const second = await start(dir);
  expect(await count(second, key)).toBe(5);
  const response = await counter(second, key).fetch("/increment", { method: "POST" });
  expect(await response.json()).toEqual({ count: 6, key: [key] });
});

it("keeps every acknowledged increment across SIGKILL of wrangler and workerd", async () => {
  const dir = await persistDir();
  const key = "crash";
  let acknowledged = 0;

  // Two crash rounds: the second also checks that state recovered from a crash survives another one.
  for (const increments of [3, 2]) {
    const server = await start(dir);
    expect(await count(server, key)).toBe(acknowledged);
    for (let i = 1; i <= increments; i++) {
      const response = await counter(server, key).fetch("/increment", { method: "POST" });
      if (response.status === 200) acknowledged++;
      // Crash as soon as the last 200 arrived, before anything else can happen in workerd.
      if (i === increments) await server.kill();
      else await response.arrayBuffer();
    }
  }

  const server = await start(dir);
  expect(acknowledged).toBe(5);
  expect(await count(server, key)).toBe(acknowledged);
});

// Under `wrangler dev` the runtime stored a state nested 2,500 deep, answered the action, and then
// could not read it back when the object woke (its deserializer ran out of stack): every later
// request failed with internal_error. Such a value is refused when saved now.
it("refuses a state nested too deeply to be read back, and keeps one 1,000 deep across a restart", async () => {
  const dir = await persistDir();
  const first = await start(dir, TEST_WORKER_DIR);
  // Where the runtime's stack ends varies from run to run: several depths past the limit.
  for (const depth of [1_500, 2_000, 2_500, 3_000, 3_500]) {
    const refused = createClient<typeof testRegistry>(first.url).bigState.getOrCreate(`deep-${depth}`);
    await expect(refused.nest(depth, "field")).rejects.toMatchObject({ code: "state_not_serializable" });
  }
  await createClient<typeof testRegistry>(first.url).bigState.getOrCreate("deep-kept").nest(999, "field");
  await first.stop();

  const second = await start(dir, TEST_WORKER_DIR);
  const client = createClient<typeof testRegistry>(second.url);
  // Each loads: its state is the one it was created with.
  for (const depth of [1_500, 2_000, 2_500, 3_000, 3_500])
    expect(await client.bigState.getOrCreate(`deep-${depth}`).whole()).toMatchObject({ counter: 0, note: "" });
  let levels = 0;
  const { note } = (await client.bigState.getOrCreate("deep-kept").whole()) as { note: unknown };
  for (let value = note; typeof value === "object" && value !== null; value = (value as { inner?: unknown }).inner) levels++;
  expect(levels).toBe(1_000);
});
