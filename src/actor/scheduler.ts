import { backoffDelay } from "../protocol/backoff";
import { errors } from "../protocol/errors";
import { findAction, runAction } from "./actions";
import { Connection } from "./connection";
import type { Schedule, ScheduledJob } from "./context";
import { nextCronRun } from "./cron";
import type { ActorInstance } from "./instance";
import { storableArgs } from "./schedule-args";
import type { JobRow, ScheduleStore } from "./schedule-store";

/** A failing run is tried at most this many times, with exponential backoff between tries. */
const MAX_ATTEMPTS = 3;

/**
 * The latest time a job may be scheduled for. The runtime's alarms refuse a time that is not
 * positive, or past what its clock holds (late 2262 in nanoseconds), and an alarm that cannot be
 * set would fail every wake of the actor; a time this far out is microseconds mistaken for
 * milliseconds anyway.
 */
const LATEST_SCHEDULE = Date.UTC(2200, 0, 1);

/**
 * The earliest time a job may be scheduled for. An earlier time in the past would run at once
 * like any other, but one this early is nearly always seconds taken for milliseconds (seconds
 * since 1970 read as milliseconds fall in January 1970), and running it at once would hide that.
 */
const EARLIEST_SCHEDULE = Date.UTC(2000, 0, 1);

/** The storage calls the scheduler needs besides its table: the object's single alarm. */
export interface AlarmClock {
  getAlarm(): Promise<number | null>;
  setAlarm(at: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

/**
 * `c.schedule`: actions to run later, kept in storage, run by the object's alarm. Jobs survive
 * restarts, and the alarm is re-armed on every wake so a lost alarm cannot strand them.
 *
 * A due time runs once. Each run is recorded in the same transaction as the state its action
 * left, against the due time it ran for, so a second alarm finds nothing due. A crash before
 * that commit loses the run's state changes too, and the due time runs again; but if some of
 * them were stored earlier (another handler saved the state meanwhile, or the action called
 * `c.saveState()`), that write also marked the run started, and the due time is then settled
 * as done instead of run again. Passes over the due jobs run one after another, so two alarms
 * at once cannot run a job twice either.
 */
export class Scheduler implements Schedule {
  readonly #instance: ActorInstance;
  readonly #store: ScheduleStore;
  readonly #clock: AlarmClock;
  /** The pass over due jobs that runs now, if any: the next one waits for it. */
  #passes: Promise<void> = Promise.resolve();

  constructor(instance: ActorInstance, store: ScheduleStore, clock: AlarmClock) {
    this.#instance = instance;
    this.#store = store;
    this.#clock = clock;
  }

  // after, at and cron check their arguments before they return: a mistake throws at once, so
  // it fails the handler even where the promise is not awaited (and would go unseen).

  after(ms: number, action: string, ...args: unknown[]): Promise<string> {
    // Checked here too: `Date.now() + null` would be a time.
    if (typeof ms !== "number") throw notATime(ms);
    return this.at(Date.now() + ms, action, ...args);
  }

  at(timestamp: number, action: string, ...args: unknown[]): Promise<string> {
    this.#refuseWhileDestroyed();
    findAction(this.#instance.definition, action);
    if (typeof timestamp !== "number" || !Number.isFinite(timestamp)) throw notATime(timestamp);
    if (timestamp < EARLIEST_SCHEDULE) {
      throw errors.invalidSchedule(
        `A schedule's time must be from ${new Date(EARLIEST_SCHEDULE).toISOString()} on (got ${timestamp}${asDate(timestamp)}): times are milliseconds since 1970, as Date.now() gives them, and a time this early is most likely seconds; multiply it by 1000. To run a job now, use c.schedule.after(0, ...).`,
        { at: timestamp, earliest: EARLIEST_SCHEDULE },
      );
    }
    if (timestamp > LATEST_SCHEDULE) {
      throw errors.invalidSchedule(
        `A schedule's time must be at or before ${new Date(LATEST_SCHEDULE).toISOString()} (got ${timestamp}): times are milliseconds since 1970, as Date.now() gives them, and a time this late is most likely microseconds; divide it by 1000.`,
        { at: timestamp, latest: LATEST_SCHEDULE },
      );
    }
    const argsJson = storableArgs(action, args);
    const id = crypto.randomUUID();
    this.#store.insert({ id, at: timestamp, action, argsJson, cron: null });
    return this.#arm().then(() => id);
  }

  cron(expression: string, action: string, ...args: unknown[]): Promise<string> {
    this.#refuseWhileDestroyed();
    findAction(this.#instance.definition, action);
    const first = nextCronRun(expression, Date.now());
    const argsJson = storableArgs(action, args);
    // The same repeating job again (an onStart that schedules on every wake) is the one already stored.
    const existing = this.#store.findCron(expression, action, argsJson);
    if (existing !== undefined) return Promise.resolve(existing);
    const id = crypto.randomUUID();
    this.#store.insert({ id, at: first, action, argsJson, cron: expression });
    return this.#arm().then(() => id);
  }

  async list(): Promise<ScheduledJob[]> {
    return this.#store
      .all()
      .map(
        ({ id, action, args, at, attempts, cron }): ScheduledJob =>
          cron === null ? { id, kind: "once", action, args, at, tries: attempts } : { id, kind: "cron", cron, action, args, at, tries: attempts },
      );
  }

  async cancel(id: string): Promise<boolean> {
    if (typeof id !== "string" || !this.#store.delete(id)) return false;
    await this.#arm();
    return true;
  }

  /**
   * A destroy has begun (`onDestroy`, or `c.destroy()` earlier in this handler): the jobs are
   * deleted with the actor's storage, so a job scheduled now would never run.
   */
  #refuseWhileDestroyed(): void {
    if (!this.#instance.gate.open) throw errors.scheduleWhileDestroyed(this.#instance.meta.name);
  }

  /** The alarm fired: run every due job in order, then arm the alarm for the next one. */
  runDue(): Promise<void> {
    const pass = this.#passes.then(() => this.#runPass());
    this.#passes = pass.catch(() => {});
    return pass;
  }

  /** After a wake: make sure the alarm matches the table. */
  rearm(): Promise<void> {
    return this.#arm();
  }

  async #runPass(): Promise<void> {
    const scheduler = new Connection({ encoding: "json", send: () => {}, close: () => {} }, { params: null, auth: undefined, state: undefined });
    for (const job of this.#store.due(Date.now())) {
      // A job destroyed the actor: the jobs after it go with its storage, untried. (If that destroy
      // is called off, the alarm set below runs them.)
      if (!this.#instance.gate.open) break;
      // A job an earlier one cancelled or moved is not due any more.
      if (this.#store.isDueAt(job.id, job.at)) await this.#run(job, scheduler);
    }
    await this.#arm();
  }

  async #run(job: JobRow, scheduler: Connection): Promise<void> {
    if (job.started === job.at) {
      // Cut short by a crash after some of its changes were stored: running it again would repeat them.
      this.#instance.log.warn(`scheduled '${job.action}' was interrupted after its state changes were stored; not running that time again.`);
      this.#settle(job, true);
      return;
    }
    try {
      findAction(this.#instance.definition, job.action);
    } catch (error) {
      // A deploy removed the action: no try can succeed.
      this.#instance.log.error(`scheduled '${job.action}' names no action of this actor any more; dropping the job:`, error);
      this.#store.settle(job.id, job.at, undefined);
      return;
    }
    let failure: string | undefined;
    let settled = false;
    const settle = (succeeded: boolean) => {
      failure = this.#settle(job, succeeded);
      settled = true;
    };
    const unmark = this.#instance.withEveryStateWrite(() => this.#store.markStarted(job.id, job.at));
    try {
      await runAction(this.#instance, scheduler, job.action, job.args, settle);
    } catch (error) {
      // The action's state could not be stored, and with it neither could the record of the run.
      if (!settled) settle(false);
      this.#instance.log.warn(`scheduled '${job.action}' failed (try ${job.attempts + 1} of ${MAX_ATTEMPTS}); ${failure}:`, error);
    } finally {
      unmark();
    }
  }

  /** Records how the run due at `job.at` ended; for a failed one, says what happens next. */
  #settle(job: JobRow, succeeded: boolean): string | undefined {
    const attempts = job.attempts + 1;
    if (!succeeded && attempts < MAX_ATTEMPTS) {
      const delay = backoffDelay(attempts - 1, { base: this.#instance.options.scheduleRetryDelay, max: Number.POSITIVE_INFINITY });
      this.#store.settle(job.id, job.at, { at: Date.now() + delay, attempts });
      return `retrying in ${delay} ms`;
    }
    if (job.cron === null) {
      this.#store.settle(job.id, job.at, undefined);
      return succeeded ? undefined : "dropping it";
    }
    let next: number;
    try {
      // Missed times are skipped: the next run is the first one after now.
      next = nextCronRun(job.cron, Date.now());
    } catch (error) {
      // Only if the cron parser changed its mind about an expression it once accepted.
      this.#instance.log.error(`scheduled '${job.action}' has a cron expression that no longer has a next time; dropping the job:`, error);
      this.#store.settle(job.id, job.at, undefined);
      return "dropping it";
    }
    this.#store.settle(job.id, job.at, { at: next, attempts: 0 });
    return succeeded ? undefined : `giving up on this run; the next is at ${new Date(next).toISOString()}`;
  }

  /** Sets the alarm to the earliest job, or clears it when none is left. Writes only when it changes. */
  async #arm(): Promise<void> {
    const next = this.#store.next();
    const current = await this.#clock.getAlarm();
    if (next === undefined) {
      if (current !== null) await this.#clock.deleteAlarm();
      return;
    }
    // The runtime refuses an alarm at 0 or before, or past the latest time. Such times are refused
    // when scheduled, but a release that did not check may have stored one: one at or before 1970 is due now.
    const armAt = Math.min(Math.max(next, 1), LATEST_SCHEDULE);
    if (current !== armAt) await this.#clock.setAlarm(armAt);
  }
}

function notATime(value: unknown) {
  return errors.invalidSchedule(
    `A schedule needs a finite time in milliseconds (got ${describeTime(value)}): c.schedule.after(ms, ...) or c.schedule.at(Date.now() + ms, ...); a Date as date.getTime().`,
  );
}

/** `, which is <ISO time>` for a time a Date can hold (±8.64e15 ms), else nothing. */
function asDate(timestamp: number): string {
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? "" : `, which is ${date.toISOString()}`;
}

/** What was passed for a time, in words: the value itself when it is short and plain, else its kind. */
function describeTime(value: unknown): string {
  switch (typeof value) {
    case "number":
    case "boolean":
    case "undefined":
      return String(value);
    case "string":
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case "bigint":
      return `the bigint ${value}n`;
    case "object":
      if (value === null) return "null";
      if (Array.isArray(value)) return "an array";
      return value instanceof Date ? "a Date" : `an object${value.constructor && value.constructor !== Object ? ` (${value.constructor.name})` : ""}`;
    default:
      return `a ${typeof value}`;
  }
}
