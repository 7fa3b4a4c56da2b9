import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ScheduledJob } from "../../src/index";
import { keyToName } from "../../src/worker/locate";
import { testClient, uniqueKey } from "./helpers";
import { holdSlowRuns, slowRunsStarted } from "./registry";

// Cron jobs under the real alarm. Time cannot be faked in workerd, so the tests compute due
// times, move a job's due time in storage where a test needs it due now, and run the alarm.

type ScheduledState = { ticks: string[]; failures: number };
const HOUR = 3_600_000;

const stubFor = (key: string, namespace = env.SCHEDULED) => namespace.get(namespace.idFromName(keyToName([key])));
const alarmOf = (key: string) => runInDurableObject(stubFor(key), (_instance, state) => state.storage.getAlarm());
/** Makes every job of the actor due at `at` (default: now), as if the actor had slept until then. */
const makeDue = (key: string, at?: number, namespace = env.SCHEDULED) =>
  runInDurableObject(stubFor(key, namespace), (_instance, state) => {
    state.storage.sql.exec("UPDATE actorflare_schedule SET at = ?", at ?? Date.now());
  });
const jobOf = async (handle: { list(): Promise<unknown> }, id: string) => ((await handle.list()) as ScheduledJob[]).find((job) => job.id === id);

/**
 * An hourly expression whose next time is about half an hour away: a test that counts runs
 * must not see the job's next time come round while it runs (a real alarm would run it).
 */
function hourly(): string {
  return `${(new Date().getUTCMinutes() + 30) % 60} * * * *`;
}

/** `at` is the next time of `expression` (from hourly()) after `after`: that minute of the next hour at most. */
function expectNextHourly(at: number, expression: string, after: number, before: number) {
  expect(at % 60_000).toBe(0);
  expect(new Date(at).getUTCMinutes()).toBe(Number.parseInt(expression, 10));
  expect(at).toBeGreaterThan(after);
  expect(at).toBeLessThanOrEqual(before + HOUR);
}

describe("c.schedule.cron", () => {
  it("stores the job with its first time in UTC, lists it, and arms the alarm for it", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    const before = Date.now();
    const expression = hourly();
    const id = await handle.every(expression, "hourly");
    const after = Date.now();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const job = await jobOf(handle, id);
    expect(job).toEqual({ id, kind: "cron", cron: expression, action: "tick", args: ["hourly"], at: expect.any(Number), tries: 0 });
    expectNextHourly(job!.at, expression, before, after);
    expect(await alarmOf(key)).toBe(job!.at);
    // Hours and weekdays are UTC too: 03:00 on Mondays.
    const monday = await jobOf(handle, await handle.every("0 3 * * mon", "monday"));
    const date = new Date(monday!.at);
    expect([date.getUTCDay(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]).toEqual([1, 3, 0, 0]);
    expect(monday!.at - before).toBeLessThanOrEqual(7 * 24 * 3_600_000);
  });

  it("runs when due and re-arms for its next time; the same alarm again runs nothing", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    const expression = hourly();
    const id = await handle.every(expression, "tick");
    await makeDue(key);
    const before = Date.now();
    expect(await runDurableObjectAlarm(stubFor(key))).toBe(true);
    const after = Date.now();
    expect(((await handle.read()) as ScheduledState).ticks).toEqual(["tick"]);
    const job = await jobOf(handle, id);
    expectNextHourly(job!.at, expression, before, after);
    expect(await alarmOf(key)).toBe(job!.at);
    // The alarm fires again (the runtime may deliver one twice): the job is not due, nothing runs.
    expect(await runDurableObjectAlarm(stubFor(key))).toBe(true);
    expect(((await handle.read()) as ScheduledState).ticks).toEqual(["tick"]);
    // And after a restart the alarm is armed for the same next time.
    await runInDurableObject(stubFor(key), (_instance, state) => state.abort("restart")).catch(() => {});
    await handle.read();
    expect(await alarmOf(key)).toBe(job!.at);
    expect(((await handle.read()) as ScheduledState).ticks).toEqual(["tick"]);
  });

  it("two alarms at once run a due time once: the second pass waits for the first and finds nothing due", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    await handle.everySlow(hourly(), "slow");
    await makeDue(key);
    const started = slowRunsStarted();
    holdSlowRuns(true);
    try {
      const alarms = runInDurableObject(stubFor(key), (instance: DurableObject) => Promise.all([instance.alarm!(), instance.alarm!()]));
      // Both alarms have started by the time the first run is under way.
      await expect.poll(slowRunsStarted, { timeout: 10_000 }).toBe(started + 1);
      holdSlowRuns(false);
      await alarms;
    } finally {
      holdSlowRuns(false);
    }
    expect(((await handle.read()) as ScheduledState).ticks).toEqual(["slow"]);
    expect(slowRunsStarted()).toBe(started + 1);
  });

  /** Starts the job's run on the alarm, lets `during` act while it waits, then crashes the actor. */
  async function crashDuringRun(key: string, during: () => Promise<unknown>): Promise<void> {
    const started = slowRunsStarted();
    holdSlowRuns(true);
    try {
      const alarm = runDurableObjectAlarm(stubFor(key)).catch((error: unknown) => error);
      await expect.poll(slowRunsStarted, { timeout: 10_000 }).toBe(started + 1);
      await during();
      await runInDurableObject(stubFor(key), (_instance, state) => state.abort("crash")).catch(() => {});
      await alarm;
    } finally {
      holdSlowRuns(false);
    }
  }

  /** The job's row as stored, read without loading the actor (which would re-arm its alarm). */
  const storedJobs = (key: string) =>
    runInDurableObject(stubFor(key), (_instance, state) => state.storage.sql.exec("SELECT at, attempts, started FROM actorflare_schedule").toArray());

  it("a crash during a run, before anything of it was stored: the due time runs again, once", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    const id = await handle.everySlow(hourly(), "slow");
    const due = Date.now() - 1_000;
    await makeDue(key, due);
    await crashDuringRun(key, async () => {});
    expect(await storedJobs(key)).toEqual([{ at: due, attempts: 0, started: null }]);
    // The next wake re-arms the alarm for it and it runs again. The first run's tick was lost
    // with the crash, so there is one tick: the due time ran once, then the job moved on.
    await expect.poll(async () => (await jobOf(handle, id))!.at, { timeout: 10_000 }).toBeGreaterThan(Date.now());
    expect(((await handle.read()) as ScheduledState).ticks).toEqual(["slow"]);
  });

  it("a crash during a run after another request stored its changes: that due time is done, not run again", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    const id = await handle.everySlow(hourly(), "slow");
    const due = Date.now() - 1_000;
    await makeDue(key, due);
    const started = slowRunsStarted();
    // An action that saves the state while the run waits stores the run's tick, and marks the run started.
    await crashDuringRun(key, () => handle.later(3_600_000, "unrelated"));
    expect(await storedJobs(key)).toContainEqual({ at: due, attempts: 0, started: due });
    await expect.poll(async () => (await jobOf(handle, id))!.at, { timeout: 10_000 }).toBeGreaterThan(Date.now());
    expect(((await handle.read()) as ScheduledState).ticks).toEqual(["slow"]);
    expect(slowRunsStarted()).toBe(started + 1);
  });

  it("a run whose state cannot be stored is not recorded as done: it counts as a failed try", async () => {
    const key = uniqueKey();
    const handle = testClient().patientScheduled.getOrCreate(key);
    const id = await handle.everyUnstorable(hourly());
    await makeDue(key, undefined, env.PATIENT_SCHEDULED);
    const before = Date.now();
    expect(await runDurableObjectAlarm(stubFor(key, env.PATIENT_SCHEDULED))).toBe(true);
    const job = await jobOf(handle, id);
    // Retried (in an hour, for this actor), not moved on to its next time.
    expect(job).toMatchObject({ kind: "cron", tries: 1 });
    expect(job!.at).toBeGreaterThanOrEqual(before + 3_600_000 / 2);
    expect(((await handle.read()) as Record<string, unknown>).fn).toBeUndefined();
  });

  it("after a long sleep it runs once for all the times it missed, then continues from now", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    const expression = hourly();
    const id = await handle.every(expression, "late");
    // Three hours of missed times: three of them.
    await makeDue(key, Date.now() - 3 * 3_600_000);
    const before = Date.now();
    expect(await runDurableObjectAlarm(stubFor(key))).toBe(true);
    const after = Date.now();
    expect(((await handle.read()) as ScheduledState).ticks).toEqual(["late"]);
    expectNextHourly((await jobOf(handle, id))!.at, expression, before, after);
  });

  it("a failing run is retried with backoff; after the third failure the job moves on to its next time", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    const expression = hourly();
    const id = await handle.everyFlaky(expression, 100, "never");
    await makeDue(key);
    const before = Date.now();
    expect(await runDurableObjectAlarm(stubFor(key))).toBe(true);
    // The retries run on the real alarm (this actor waits 50 ms, then 100 ms).
    await expect.poll(async () => ((await handle.read()) as ScheduledState).failures, { timeout: 10_000 }).toBe(3);
    await expect.poll(async () => (await jobOf(handle, id))?.tries, { timeout: 10_000 }).toBe(0);
    const job = await jobOf(handle, id);
    expect(job).toMatchObject({ kind: "cron", action: "flaky" });
    expectNextHourly(job!.at, expression, before, Date.now());
  });

  it("shows a failed try in list() until the retry", async () => {
    const key = uniqueKey();
    const handle = testClient().patientScheduled.getOrCreate(key);
    const id = await handle.everyFlaky("0 0 * * *", 1, "second-try");
    await makeDue(key, undefined, env.PATIENT_SCHEDULED);
    expect(await runDurableObjectAlarm(stubFor(key, env.PATIENT_SCHEDULED))).toBe(true);
    expect(await jobOf(handle, id)).toMatchObject({ kind: "cron", tries: 1 });
    await makeDue(key, undefined, env.PATIENT_SCHEDULED);
    expect(await runDurableObjectAlarm(stubFor(key, env.PATIENT_SCHEDULED))).toBe(true);
    expect(await handle.read()).toMatchObject({ ticks: ["second-try"], failures: 1 });
    const job = await jobOf(handle, id);
    expect(job).toMatchObject({ tries: 0 });
    expect(job!.at % 86_400_000).toBe(0);
  });

  it("the same expression, action and arguments again is the job already stored", async () => {
    const handle = testClient().scheduled.getOrCreate(uniqueKey());
    const id = await handle.every("0 * * * *", "hourly");
    expect(await handle.every("0 * * * *", "hourly")).toBe(id);
    const other = await handle.every("0 * * * *", "other");
    expect(other).not.toBe(id);
    expect(await handle.every("30 * * * *", "hourly")).not.toBe(id);
    expect(((await handle.list()) as ScheduledJob[]).map((job) => job.id).sort()).toHaveLength(3);
  });

  it("a cron job can be cancelled; it never runs again", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    const id = await handle.every("* * * * *", "minutely");
    expect(await handle.cancel(id)).toBe(true);
    expect(await handle.list()).toEqual([]);
    expect(await alarmOf(key)).toBeNull();
    expect(await handle.cancel(id)).toBe(false);
  });
});
