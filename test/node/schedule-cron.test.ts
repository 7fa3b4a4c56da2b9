import { afterEach, expect, it } from "vitest";
import type { registry } from "../../examples/demo/registry";
import { createClient } from "../../src/client/index";
import type { ScheduledJob } from "../../src/index";
import { startWranglerDev, tempPersistDir, type WranglerDev } from "./wrangler-dev";

// A cron job under real `wrangler dev` (the demo's reminders actor): it survives a restart of
// the whole runtime, runs once for its due time when the actor wakes after it, and re-arms
// for the next minute. Cron's smallest step is a minute, so this test waits for one.

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function start(persistTo: string): Promise<WranglerDev> {
  const server = await startWranglerDev({ persistTo });
  cleanups.push(server.stop);
  return server;
}

const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("a cron job survives a restart, runs once for the time it was down, and re-arms for the next", { timeout: 180_000 }, async () => {
  const dir = await tempPersistDir();
  cleanups.push(dir.remove);
  const key = `cron-${Date.now()}`;

  const first = await start(dir.path);
  // Leave the calls below and the stop (at most 20 s: SIGTERM, then SIGKILL) time before the first
  // due time, so that it passes while the server is down. Measured once the server is up: its
  // start can take up to 30 s on a loaded machine.
  if (MINUTE - (Date.now() % MINUTE) < 30_000) await sleep(MINUTE - (Date.now() % MINUTE) + 1_000);
  const before = createClient<typeof registry>(first.url).reminders.getOrCreate(key);
  await expect(before.every("every minute", "bad")).rejects.toMatchObject({ code: "invalid_schedule" });
  const id = await before.every("* * * * *", "stand up");
  const [job] = (await before.jobs()) as ScheduledJob[];
  expect(job).toMatchObject({ id, kind: "cron", cron: "* * * * *", args: ["stand up"], tries: 0 });
  const due = job!.at;
  expect(due % MINUTE).toBe(0);
  await first.stop();
  const stoppedAt = Date.now();

  await sleep(Math.max(0, due - Date.now() + 1_000));
  const second = await start(dir.path);
  const after = createClient<typeof registry>(second.url).reminders.getOrCreate(key);
  // The wake re-arms the alarm for the missed time; it runs once, then the job moves on.
  await expect.poll(async () => (await after.sent()).length, { timeout: 30_000, interval: 200 }).toBe(1);
  const [next] = (await after.jobs()) as ScheduledJob[];
  expect(next).toMatchObject({ id, kind: "cron", tries: 0 });
  expect(next!.at).toBeGreaterThan(due);
  expect(next!.at % MINUTE).toBe(0);
  // It ran on the second server, for the time that passed while none was up.
  const [sent] = await after.sent();
  expect(sent).toMatchObject({ note: "stand up" });
  expect(sent!.at).toBeGreaterThan(stoppedAt);
  // Cancelled, it is gone for good, also after another restart.
  expect(await after.cancel(id)).toBe(true);
  await second.stop();
  const third = await start(dir.path);
  const last = createClient<typeof registry>(third.url).reminders.getOrCreate(key);
  expect(await last.jobs()).toEqual([]);
  expect(await last.sent()).toHaveLength(1);
});
