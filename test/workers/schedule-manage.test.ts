import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ScheduledJob } from "../../src/index";
import { keyToName } from "../../src/worker/locate";
import { testClient, uniqueKey } from "./helpers";

// c.schedule.list() and cancel(), and what scheduling refuses (before anything is stored).

const stubFor = (key: string) => env.SCHEDULED.get(env.SCHEDULED.idFromName(keyToName([key])));
const alarmOf = (key: string) => runInDurableObject(stubFor(key), (_instance, state) => state.storage.getAlarm());

describe("scheduling refuses bad jobs when they are scheduled", () => {
  it("a cron expression that is not five valid fields, or never matches, is invalid_schedule; nothing is stored", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    const bad = ["every minute", "* * * *", "* * * * * *", "61 * * * *", "* 24 * * *", "0 0 30 2 *", "", 5, null];
    for (const expression of bad) {
      const refusal = await handle.schedule("cron", "tick", expression, "x").then(
        () => undefined,
        (error: { code: string; message: string }) => error,
      );
      expect(refusal, `cron ${JSON.stringify(expression)}`).toMatchObject({ code: "invalid_schedule" });
      expect(refusal!.message).toMatch(/five fields|never matches/);
    }
    expect(await handle.list()).toEqual([]);
    expect(await alarmOf(key)).toBeNull();
  });

  it("an unknown action, a time that is not finite, or arguments that are not JSON are refused the same way", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    await expect(handle.schedule("cron", "nope", "* * * * *")).rejects.toMatchObject({ code: "action_not_found" });
    await expect(handle.schedule("cron", "toString", "* * * * *")).rejects.toMatchObject({ code: "action_not_found" });
    await expect(handle.schedule("after", "tick", "soon")).rejects.toMatchObject({ code: "invalid_schedule" });
    await expect(handle.schedule("at", "tick", null)).rejects.toMatchObject({ code: "invalid_schedule" });
    await expect(handle.scheduleBigint("cron")).rejects.toMatchObject({ code: "invalid_schedule" });
    await expect(handle.scheduleBigint("after")).rejects.toMatchObject({ code: "invalid_schedule" });
    expect(await handle.list()).toEqual([]);
    expect(await alarmOf(key)).toBeNull();
  });
});

describe("c.schedule.list and cancel", () => {
  it("lists one-off and cron jobs earliest first; cancel removes one and moves the alarm", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    const soon = Date.now() + 3_600_000;
    const first = await handle.at(soon, "first");
    const second = await handle.at(soon + 1, "second");
    const yearly = await handle.every("0 0 1 1 *", "yearly");
    const jobs = (await handle.list()) as ScheduledJob[];
    expect(jobs.map((job) => job.id)).toEqual([...jobs].sort((a, b) => a.at - b.at || a.id.localeCompare(b.id)).map((job) => job.id));
    expect(jobs.find((job) => job.id === first)).toEqual({ id: first, kind: "once", action: "tick", args: ["first"], at: soon, tries: 0 });
    expect(jobs.find((job) => job.id === yearly)).toMatchObject({ kind: "cron", cron: "0 0 1 1 *", args: ["yearly"] });
    const earliest = Math.min(...jobs.map((job) => job.at));
    expect(await alarmOf(key)).toBe(earliest);

    expect(await handle.cancel(first)).toBe(true);
    expect(await handle.cancel(first)).toBe(false);
    expect(await handle.cancel("no-such-job")).toBe(false);
    expect(((await handle.list()) as ScheduledJob[]).map((job) => job.id).sort()).toEqual([second, yearly].sort());
    expect(await alarmOf(key)).toBe(Math.min(soon + 1, jobs.find((job) => job.id === yearly)!.at));
    expect(await handle.cancel(second)).toBe(true);
    expect(await handle.cancel(yearly)).toBe(true);
    expect(await handle.list()).toEqual([]);
    expect(await alarmOf(key)).toBeNull();
  });

  it("a job that ran is no longer listed; a job cancelled by an earlier job of the same pass does not run", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    const at = Date.now() + 3_600_000;
    const victim = await handle.at(at + 1, "victim");
    // Due first: cancels the victim, which is due in the same pass.
    await handle.schedule("at", "cancel", at, victim);
    // Both due now, in that order.
    await runInDurableObject(stubFor(key), (_instance, state) => {
      state.storage.sql.exec("UPDATE actorflare_schedule SET at = at - ?", 3_600_000 + 1_000);
    });
    expect(await runDurableObjectAlarm(stubFor(key))).toBe(true);
    expect(await handle.read()).toMatchObject({ ticks: [] });
    expect(await handle.list()).toEqual([]);
    expect(await alarmOf(key)).toBeNull();
  });
});
