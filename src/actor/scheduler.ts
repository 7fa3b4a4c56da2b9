import { backoffDelay } from "../protocol/backoff";
import { ActorflareError } from "../protocol/errors";
import { findAction, runAction } from "./actions";
import { Connection } from "./connection";
import type { ActorInstance } from "./instance";
import type { ScheduleStore } from "./schedule-store";

/** A failing job runs at most this many times, with exponential backoff between tries. */
const MAX_ATTEMPTS = 3;

/** The storage calls the scheduler needs besides its table: the object's single alarm. */
export interface AlarmClock {
  getAlarm(): Promise<number | null>;
  setAlarm(at: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

/**
 * `c.schedule`: actions to run later, kept in storage, run by the object's alarm. Jobs run at
 * least once (a job is deleted only after its action finished), survive restarts, and the
 * alarm is re-armed on every wake so a lost alarm cannot strand them.
 */
export class Scheduler {
  readonly #instance: ActorInstance;
  readonly #store: ScheduleStore;
  readonly #clock: AlarmClock;

  constructor(instance: ActorInstance, store: ScheduleStore, clock: AlarmClock) {
    this.#instance = instance;
    this.#store = store;
    this.#clock = clock;
  }

  /** Runs `action(...args)` in `ms` milliseconds. Resolves with the job's id. */
  after(ms: number, action: string, ...args: unknown[]): Promise<string> {
    return this.at(Date.now() + ms, action, ...args);
  }

  /** Runs `action(...args)` at `timestamp` (ms since the epoch). Resolves with the job's id. */
  async at(timestamp: number, action: string, ...args: unknown[]): Promise<string> {
    findAction(this.#instance.definition, action);
    if (!Number.isFinite(timestamp)) throw new ActorflareError("invalid_schedule", "A schedule needs a finite time in milliseconds.");
    let serializable: boolean;
    try {
      serializable = JSON.stringify(args) !== undefined;
    } catch {
      serializable = false;
    }
    if (!serializable) throw new ActorflareError("invalid_schedule", `The arguments of '${action}' must be JSON-serializable to be stored.`);
    const id = crypto.randomUUID();
    this.#store.insert({ id, at: timestamp, action, args, attempts: 0 });
    await this.#arm();
    return id;
  }

  /** The alarm fired: run every due job in order, then arm the alarm for the next one. */
  async runDue(): Promise<void> {
    const now = Date.now();
    const scheduler = new Connection({ encoding: "json", send: () => {}, close: () => {} }, { params: null, auth: undefined, state: undefined });
    for (const job of this.#store.due(now)) {
      // A job destroyed the actor: the jobs after it go with its storage, untried. (If that destroy
      // is called off, the alarm set below runs them.)
      if (!this.#instance.gate.open) break;
      try {
        await runAction(this.#instance, scheduler, job.action, job.args);
        this.#store.delete(job.id);
      } catch (error) {
        const attempts = job.attempts + 1;
        if (attempts >= MAX_ATTEMPTS) {
          this.#instance.log.error(`scheduled '${job.action}' failed ${attempts} times; dropping it:`, error);
          this.#store.delete(job.id);
        } else {
          const delay = backoffDelay(attempts - 1, { base: this.#instance.options.scheduleRetryDelay, max: Number.POSITIVE_INFINITY });
          this.#instance.log.warn(`scheduled '${job.action}' failed (try ${attempts} of ${MAX_ATTEMPTS}); retrying in ${delay} ms:`, error);
          this.#store.reschedule(job.id, Date.now() + delay, attempts);
        }
      }
    }
    await this.#arm();
  }

  /** Sets the alarm to the earliest job, or clears it when none is left. Writes only when it changes. */
  async #arm(): Promise<void> {
    const next = this.#store.next();
    const current = await this.#clock.getAlarm();
    if (next === undefined) {
      if (current !== null) await this.#clock.deleteAlarm();
    } else if (current !== next) {
      await this.#clock.setAlarm(next);
    }
  }

  /** After a wake: make sure the alarm matches the table. */
  rearm(): Promise<void> {
    return this.#arm();
  }
}
