import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ScheduledJob } from "../../src/index";
import { keyToName } from "../../src/worker/locate";
import { ScheduleStore } from "../../src/actor/schedule-store";
import { rejection, testClient, uniqueKey } from "./helpers";

// c.schedule.list() and cancel(), and what scheduling refuses (before anything is stored).

const stubFor = (key: string) => env.SCHEDULED.get(env.SCHEDULED.idFromName(keyToName([key])));
const alarmOf = (key: string) => runInDurableObject(stubFor(key), (_instance, state) => state.storage.getAlarm());

/** The ticks (sorted if `sorted`) and the alarm, read together: jobs due at once run on the runtime's own alarm, which clears itself after them. */
const ranAndCleared = async (handle: { read(): Promise<unknown> }, key: string, sorted = false) => {
  const { ticks } = (await handle.read()) as { ticks: string[] };
  return { ticks: sorted ? [...ticks].sort() : ticks, alarm: await alarmOf(key) };
};
/** As long as any wait of this suite (helpers.ts waitFor): the real alarm runs on a loaded machine too. */
const UNTIL_RUN = { timeout: 10_000 };

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

describe("scheduling refuses times and arguments the platform or JSON would not keep", () => {
  it("a time past 2200 (seconds or microseconds taken for milliseconds), or a delay that is not a number, is invalid_schedule; nothing is stored", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    for (const [how, when] of [
      ["at", 1e16],
      ["at", 8.64e15],
      ["after", 1e16],
      ["after", null],
      ["after", true],
    ] as const) {
      await expect(handle.schedule(how, "tick", when, "x"), `${how} ${when}`).rejects.toMatchObject({ code: "invalid_schedule" });
    }
    expect(await handle.list()).toEqual([]);
    expect(await alarmOf(key)).toBeNull();
  });

  it("arguments JSON would change (a Date, a Map, NaN) or drop (a function) are invalid_schedule, naming what and where", async () => {
    const handle = testClient().scheduled.getOrCreate(uniqueKey());
    const expected = {
      date: "a Date (at [0])",
      function: "a function (at [0])",
      map: "a Map (at [0])",
      nan: "NaN (at [0])",
      nested: "a Date (at [0].list[1].at)",
    };
    for (const [kind, named] of Object.entries(expected)) {
      const refusal = await rejection(handle.scheduleOddArgument(kind as keyof typeof expected));
      expect(refusal.code, kind).toBe("invalid_schedule");
      expect(refusal.message, kind).toContain(named);
    }
    expect(await handle.list()).toEqual([]);
  });

  it("a time before 2000 (seconds taken for milliseconds) is invalid_schedule, saying so; nothing is stored", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    const inSeconds = Math.floor(Date.now() / 1000) + 60;
    for (const [how, when] of [
      ["at", inSeconds],
      ["at", 0],
      ["at", -1],
      ["at", -1e16],
      ["at", Date.UTC(2000, 0, 1) - 1],
      ["after", -Date.now()],
    ] as const) {
      const refusal = await rejection(handle.schedule(how, "tick", when, "x"));
      expect(refusal.code, `${how} ${when}`).toBe("invalid_schedule");
      expect(refusal.message, `${how} ${when}`).toMatch(/2000-01-01.*seconds.*1000/);
    }
    expect(await handle.list()).toEqual([]);
    expect(await alarmOf(key)).toBeNull();
  });

  it("a past time from 2000 on is due at once: it runs as if scheduled for now", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    await handle.at(Date.UTC(2000, 0, 1), "y2k");
    await handle.at(Date.now() - 60_000, "a minute ago");
    // The first may run before the second is scheduled: which comes first is not the point.
    await expect.poll(() => ranAndCleared(handle, key, true), UNTIL_RUN).toEqual({ ticks: ["a minute ago", "y2k"], alarm: null });
  });

  it("a job an older release stored at or before 1970 runs at once, though the runtime's alarm cannot be set there", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    await handle.read();
    await runInDurableObject(stubFor(key), (_instance, state) => {
      const store = new ScheduleStore(state.storage.sql);
      store.insert({ id: "zero", at: 0, action: "tick", argsJson: '["zero"]', cron: null });
      store.insert({ id: "before", at: -1, action: "tick", argsJson: '["before"]', cron: null });
    });
    await abortAllDurableObjects();
    await expect.poll(() => ranAndCleared(handle, key), UNTIL_RUN).toEqual({ ticks: ["before", "zero"], alarm: null });
  });

  it("a time that is not a number says what it got: null, undefined, NaN, a string, a Date", async () => {
    const handle = testClient().scheduled.getOrCreate(uniqueKey());
    const expected = {
      null: "got null",
      undefined: "got undefined",
      nan: "got NaN",
      infinity: "got Infinity",
      string: 'got the string "60000"',
      date: "got a Date",
      array: "got an array",
      bigint: "got the bigint 60000n",
    } as const;
    for (const how of ["after", "at"] as const) {
      for (const [kind, got] of Object.entries(expected)) {
        const refusal = await rejection(handle.scheduleOddTime(how, kind as keyof typeof expected));
        expect(refusal.code, `${how} ${kind}`).toBe("invalid_schedule");
        expect(refusal.message, `${how} ${kind}`).toContain(`(${got})`);
      }
    }
    expect(await handle.list()).toEqual([]);
  });

  it("a job an older release stored past 2200 does not stop the actor from waking: its alarm is set at the latest time", async () => {
    const key = uniqueKey();
    const handle = testClient().scheduled.getOrCreate(key);
    await handle.read();
    await runInDurableObject(stubFor(key), (_instance, state) => {
      new ScheduleStore(state.storage.sql).insert({ id: "far", at: 1e16, action: "tick", argsJson: '["far"]', cron: null });
    });
    await abortAllDurableObjects();
    expect(await handle.read()).toMatchObject({ ticks: [] });
    expect(await alarmOf(key)).toBe(Date.UTC(2200, 0, 1));
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
    expect(jobs.map((job) => job.id)).toEqual([...jobs].sort((a, b) => a.at - b.at).map((job) => job.id));
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
