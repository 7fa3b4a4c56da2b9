import type { ActorListPage } from "../../src/client/index";
import { actor, Forbidden, type Schedule, UserError } from "../../src/index";
import type { registry } from "./registry";

/** What `onDestroy` saw, per key: the actor's own state is deleted with it, so tests read it here. */
export const destroyedLog = new Map<string, { count: number; label: string; conns: number }[]>();
/** How often each key was created (createState ran): a new actor after a destroy counts again. */
export const creations = new Map<string, number>();
/** Test hooks by key: `onCreate` and `onStart` call `<key>:onCreate` / `<key>:onStart` (a crash, set with the object's ctx). */
export const hooks = new Map<string, () => void>();
/** An `onDestroy` waits on the promise set for its key (a destroy held half-way). */
export const destroyHolds = new Map<string, Promise<void>>();
/** Keys whose `onDestroy` has begun. */
export const destroyStarted = new Set<string>();
/** The hooks each key ran, in order (`createVars`, `onCreate`, `onStart`, `onDestroy`), across its wakes and lives. */
export const hookRuns = new Map<string, string[]>();
/** What `c.schedule` answered in `onDestroy`, per key (label `"schedules"`): a job id or the error's code and message. */
export const destroySchedules = new Map<string, ScheduleOutcome[]>();

type ScheduleOutcome = { id: string } | { code: string; message: string };

const ran = (key: string | undefined, hook: string) => hookRuns.set(key ?? "", [...(hookRuns.get(key ?? "") ?? []), hook]);

/** Schedules `increment` a minute from now with `after`, `at` or `cron`; answers the id, or the error it threw. */
async function scheduleIncrement(schedule: Schedule, how: "after" | "at" | "cron"): Promise<ScheduleOutcome> {
  try {
    const when = {
      after: () => schedule.after(60_000, "increment", 1),
      at: () => schedule.at(Date.now() + 60_000, "increment", 1),
      cron: () => schedule.cron("* * * * *", "increment", 1),
    };
    return { id: await when[how]() };
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Destroy and listing under test: `onDestroy`, `c.destroy()`, a slow action to race a destroy,
 * schedules, `c.sql`, a raw socket; and creations that fail, by the label given as input
 * (`"createState fails"`, `"onCreate fails"`, `"onCreate refuses"`). Its `onAuth` lets only
 * `{ role: "admin" }` destroy or list.
 */
export const doomed = actor({
  createState: (c, input: { label?: string } | undefined) => {
    const key = c.key[0] ?? "";
    creations.set(key, (creations.get(key) ?? 0) + 1);
    if (input?.label === "createState fails") throw new Error("createState fails on purpose");
    return { count: 0, label: input?.label ?? "fresh" };
  },
  createVars: (c) => {
    ran(c.key[0], "createVars");
    return {};
  },
  onAuth: ({ intents }, params: { role?: string } | null | undefined) => {
    if ((intents.has("destroy") || intents.has("list")) && params?.role !== "admin") throw new Forbidden("Only an admin destroys or lists.");
    return { role: params?.role ?? "user" };
  },
  /**
   * Label `"onCreate fails"`, `"onCreate refuses"` or `"onCreate crashes"`: it changes the state,
   * schedules a job and writes `c.sql`, then throws (an Error or a UserError), or lets those
   * writes be stored and calls the key's `:onCreate-stored` hook (a crash).
   */
  onCreate: async (c) => {
    ran(c.key[0], "onCreate");
    hooks.get(`${c.key[0]}:onCreate`)?.();
    if (!["onCreate fails", "onCreate refuses", "onCreate crashes"].includes(c.state.label)) return;
    c.state.count = 99;
    await c.schedule.after(60_000, "increment", 1);
    c.sql`CREATE TABLE IF NOT EXISTS notes (text TEXT)`;
    if (c.state.label === "onCreate crashes") {
      await sleep(10);
      hooks.get(`${c.key[0]}:onCreate-stored`)?.();
    }
    if (c.state.label === "onCreate refuses") throw new UserError("Not today.", { code: "not_today" });
    throw new Error("onCreate fails on purpose");
  },
  onStart: (c) => {
    ran(c.key[0], "onStart");
    hooks.get(`${c.key[0]}:onStart`)?.();
  },
  onDestroy: async (c) => {
    const key = c.key[0] ?? "";
    ran(key, "onDestroy");
    destroyStarted.add(key);
    if (c.state.label === "schedules") {
      destroySchedules.set(key, [
        await scheduleIncrement(c.schedule, "after"),
        await scheduleIncrement(c.schedule, "at"),
        await scheduleIncrement(c.schedule, "cron"),
      ]);
    }
    await destroyHolds.get(key);
    destroyedLog.set(key, [...(destroyedLog.get(key) ?? []), { count: c.state.count, label: c.state.label, conns: c.conns.size }]);
    if (c.state.label === "throws") throw new Error("onDestroy fails on purpose");
  },
  onWebSocket: (_c, ws) => {
    ws.addEventListener("message", (event) => ws.send(event.data));
  },
  actions: {
    increment: (c, by = 1) => {
      c.state.count += by;
      c.broadcast("count", c.state.count);
      return c.state.count;
    },
    read: (c) => ({ ...c.state }),
    /** Destroys the actor and still answers. */
    selfDestruct: (c) => {
      c.destroy();
      return "bye";
    },
    /** Destroys the actor, then schedules a job in the same action: answers what the schedule gave. */
    destroyThenSchedule: (c, how: "after" | "at" | "cron") => {
      c.destroy();
      return scheduleIncrement(c.schedule, how);
    },
    /** Increments after `ms`: a request still running when a destroy begins. */
    slow: async (c, ms: number) => {
      await sleep(ms);
      c.state.count++;
      return c.state.count;
    },
    later: (c, ms: number) => c.schedule.after(ms, "increment", 1),
    /** A scheduled job that destroys the actor, with another job due after it. */
    destroyLater: async (c, ms: number) => {
      await c.schedule.after(ms, "selfDestruct");
      await c.schedule.after(ms + 1, "increment", 100);
    },
    note: (c, text: string) => {
      c.sql`CREATE TABLE IF NOT EXISTS notes (text TEXT)`;
      c.sql`INSERT INTO notes (text) VALUES (${text})`;
    },
    /** Through c.client(): refused, since the destroy would wait for this very action. */
    destroyThroughClient: async (c): Promise<string> => {
      try {
        await c.client<typeof registry>().doomed.get(c.key).destroy();
        return "destroyed";
      } catch (error) {
        return (error as { code: string }).code;
      }
    },
    /** Destroys another actor, and lists this kind, through c.client() (no onAuth). */
    destroyOther: (c, key: string): Promise<void> => c.client<typeof registry>().doomed.get(key).destroy(),
    listKind: (c, cursor?: string, limit?: number): Promise<ActorListPage> => c.client<typeof registry>().doomed.list({ cursor, limit }),
  },
  options: { actionTimeout: 5_000 },
});
