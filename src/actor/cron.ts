import { Cron } from "croner";
import { errors } from "../protocol/errors";

/**
 * Cron expressions for `c.schedule.cron`: the five standard fields (minute, hour, day of month,
 * month, day of week), read by croner and always in UTC. When both day fields are restricted a
 * day matching either one runs, as in Vixie cron.
 */

const EXAMPLE = 'e.g. "*/15 * * * *" for every 15 minutes or "0 3 * * mon" for Mondays at 03:00 UTC';

/** The first time after `after` (ms since the epoch) that `expression` names; `invalid_schedule` if it names none. */
export function nextCronRun(expression: string, after: number): number {
  if (typeof expression !== "string") throw errors.invalidSchedule(`A cron expression must be a string of five fields, ${EXAMPLE}.`);
  let next: Date | null;
  try {
    // No callback and paused: croner only computes, it starts no timer.
    next = new Cron(expression, { paused: true, mode: "5-part", utcOffset: 0 }).nextRun(new Date(after));
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, "") : String(error);
    throw errors.invalidSchedule(
      `Invalid cron expression '${expression}' (${reason}). Use five fields, minute hour day-of-month month day-of-week, evaluated in UTC: ${EXAMPLE}.`,
      { expression },
    );
  }
  if (next === null) {
    throw errors.invalidSchedule(`The cron expression '${expression}' never matches a date (such as February 30th). Check its day and month fields.`, {
      expression,
    });
  }
  return next.getTime();
}
