import { env } from "cloudflare:workers";
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ScheduledJob } from "../../src/index";
import { keyToName } from "../../src/worker/locate";
import { testClient, uniqueKey } from "./helpers";
import { healFragile } from "./registry";

type ScheduledState = { ticks: string[]; failures: number; starts: number };
const stubFor = (key: string, namespace = env.SCHEDULED) => namespace.get(namespace.idFromName(keyToName([key])));
const alarmOf = (key: string, namespace = env.SCHEDULED) => runInDurableObject(stubFor(key, namespace), (_instance, state) => state.storage.getAlarm());
/** Far enough ahead that a slow machine cannot reach it during a test; runDueNow brings it forward. */
const HOUR = 3_600_000;

/** Moves every job of the actor an hour and a second earlier, keeping their order, and runs its alarm. */
async function runDueNow(key: string): Promise<void> {
  await runInDurableObject(stubFor(key), (_instance, state) => {
    state.storage.sql.exec("UPDATE actorflare_schedule SET at = at - ?", HOUR + 1_000);
  });
  expect(await runDurableObjectAlarm(stubFor(key))).toBe(true);
}

/**
 * The next try of a `patientScheduled` job (its retries wait an hour, then two): made due now and
 * run on the alarm. Answers the job as listed afterwards (undefined once it is gone), and when the try ran.
 */
async function runNextTry(handle: { list(): Promise<unknown> }, key: string): Promise<{ job: ScheduledJob | undefined; ranAfter: number; ranBefore: number }> {
  await runInDurableObject(stubFor(key, env.PATIENT_SCHEDULED), (_instance, state) => {
    state.storage.sql.exec("UPDATE actorflare_schedule SET at = ?", Date.now() - 1_000);
  });
  const ranAfter = Date.now();
  expect(await runDurableObjectAlarm(stubFor(key, env.PATIENT_SCHEDULED))).toBe(true);
  const ranBefore = Date.now();
  const [job, ...others] = (await handle.list()) as ScheduledJob[];
  expect(others).toEqual([]);
  return { job, ranAfter, ranBefore };
}

describe("c.schedule", () => {
  it("runs an action later, on the object's alarm, with its arguments", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    const before = Date.now();
    const id = await handle.later(HOUR, "first");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await alarmOf(key)).toBeGreaterThanOrEqual(before + HOUR);
    await runDueNow(key);
    expect(((await handle.read()) as ScheduledState).ticks).toEqual(["first"]);
    // Nothing left: the alarm is cleared.
    expect(await alarmOf(key)).toBeNull();
  });

  it("runs jobs in time order and keeps the alarm on the earliest", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    const now = Date.now();
    await handle.at(now + HOUR + 400, "b");
    await handle.at(now + HOUR + 200, "a");
    expect(await alarmOf(key)).toBe(now + HOUR + 200);
    await runDueNow(key);
    expect(((await handle.read()) as ScheduledState).ticks).toEqual(["a", "b"]);
  });

  it("jobs due at the same time run, and are listed, in the order they were scheduled", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    const at = Date.now() + 3_600_000;
    const labels = ["0", "1", "2", "3", "4", "5", "6", "7"];
    for (const label of labels) await handle.at(at, label);
    expect(((await handle.list()) as ScheduledJob[]).map((job) => job.args[0])).toEqual(labels);
    // All due now: one alarm runs them.
    await runInDurableObject(stubFor(key), (_instance, state) => {
      state.storage.sql.exec("UPDATE actorflare_schedule SET at = ?", Date.now() - 1_000);
    });
    expect(await runDurableObjectAlarm(stubFor(key))).toBe(true);
    expect(((await handle.read()) as ScheduledState).ticks).toEqual(labels);
  });

  it("a job survives a restart, runs once, and is not duplicated by wakes that re-run onStart", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    const id = await handle.later(HOUR, "survivor");
    await abortAllDurableObjects();
    expect(((await handle.read()) as ScheduledState).starts).toBe(2);
    await abortAllDurableObjects();
    // Two wakes re-ran onStart: the job is there once, the alarm armed for it.
    const jobs = (await handle.list()) as ScheduledJob[];
    expect(jobs.map((job) => job.id)).toEqual([id]);
    expect(await alarmOf(key)).toBe(jobs[0]!.at);
    await runDueNow(key);
    expect(((await handle.read()) as ScheduledState).ticks).toEqual(["survivor"]);
    // Run once: nothing is left to run.
    expect(await alarmOf(key)).toBeNull();
    expect(await runDurableObjectAlarm(stubFor(key))).toBe(false);
    expect(((await handle.read()) as ScheduledState).ticks).toEqual(["survivor"]);
  });

  it("the alarm is re-armed on a wake: running it early leaves the job armed", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    const at = Date.now() + 60_000;
    await handle.at(at, "much-later");
    expect(await runDurableObjectAlarm(stubFor(key))).toBe(true);
    expect(((await handle.read()) as ScheduledState).ticks).toEqual([]);
    expect(await alarmOf(key)).toBe(at);
    await abortAllDurableObjects();
    await handle.read();
    expect(await alarmOf(key)).toBe(at);
  });

  // On `patientScheduled`, whose retries wait an hour and then two: each try is run on the alarm.
  it("a failing job is retried with backoff and succeeds", async () => {
    const key = uniqueKey();
    const handle = testClient().patientScheduled.getOrCreate(key);
    await handle.laterFlaky(HOUR, 2, "third-time");
    for (const [tries, wait] of [
      [1, HOUR],
      [2, 2 * HOUR],
    ] as const) {
      const { job, ranAfter, ranBefore } = await runNextTry(handle, key);
      expect(job).toMatchObject({ action: "flaky", tries });
      expect(job!.at).toBeGreaterThanOrEqual(ranAfter + wait);
      expect(job!.at).toBeLessThanOrEqual(ranBefore + wait);
      expect(await alarmOf(key, env.PATIENT_SCHEDULED)).toBe(job!.at);
    }
    expect((await runNextTry(handle, key)).job).toBeUndefined();
    expect((await handle.read()) as ScheduledState).toMatchObject({ ticks: ["third-time"], failures: 2 });
    expect(await alarmOf(key, env.PATIENT_SCHEDULED)).toBeNull();
  });

  it("a job that keeps failing is dropped after 3 tries; it never loops", async () => {
    const key = uniqueKey();
    const handle = testClient().patientScheduled.getOrCreate(key);
    await handle.laterFlaky(HOUR, 100, "never");
    expect((await runNextTry(handle, key)).job).toMatchObject({ tries: 1 });
    expect((await runNextTry(handle, key)).job).toMatchObject({ tries: 2 });
    expect((await runNextTry(handle, key)).job).toBeUndefined();
    expect(await alarmOf(key, env.PATIENT_SCHEDULED)).toBeNull();
    // Nothing is armed, so nothing can run again.
    expect(await runDurableObjectAlarm(stubFor(key, env.PATIENT_SCHEDULED))).toBe(false);
    expect((await handle.read()) as ScheduledState).toMatchObject({ failures: 3, ticks: [] });
  });

  it("scheduling an action the actor does not have fails at once", async () => {
    await expect(testClient().scheduled.getOrCreate(uniqueKey()).scheduleMissing()).rejects.toMatchObject({ code: "action_not_found" });
  });

  it("the mistake fails the handler even when the schedule's promise is not awaited", async () => {
    const handle = testClient().scheduled.getOrCreate(uniqueKey());
    await expect(handle.scheduleMissingUnawaited()).rejects.toMatchObject({ code: "action_not_found" });
  });
});

describe("lifecycle", () => {
  it("if onStart throws, the request fails with a clear error and the next one tries again", async () => {
    const handle = testClient().fragile.getOrCreate(uniqueKey());
    const failed = handle.starts();
    await expect(failed).rejects.toMatchObject({ code: "actor_start_failed" });
    await expect(failed).rejects.toHaveProperty("message", expect.not.stringContaining("secret"));
    await expect(handle.starts()).rejects.toMatchObject({ code: "actor_start_failed" });
    healFragile();
    expect(await handle.starts()).toBe(1);
  });
});
