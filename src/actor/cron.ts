import { parseCronExpression } from "cron-schedule";
import { errors } from "../protocol/errors";

/**
 * Cron expressions for `c.schedule.cron`: the five standard fields (minute, hour, day of month,
 * month, day of week; names and ranges like `mon-fri` allowed), read by cron-schedule. It reads
 * the runtime's local time, which in Workers (and workerd) is always UTC. When both day fields
 * are restricted a day matching either one runs, as in Vixie cron.
 */

const EXAMPLE = 'e.g. "*/15 * * * *" for every 15 minutes or "0 3 * * mon" for Mondays at 03:00 UTC';

/** The first time after `after` (ms since the epoch) that `expression` names; `invalid_schedule` if it names none. */
export function nextCronRun(expression: string, after: number): number {
  if (typeof expression !== "string") throw errors.invalidSchedule(`A cron expression must be a string of five fields, ${EXAMPLE}.`);
  let cron: ReturnType<typeof parseCronExpression>;
  try {
    // The library also takes a sixth (seconds) field and nicknames such as @hourly: refused here, so
    // an expression means the same in any standard cron.
    const fields = expression.trim().split(/\s+/).length;
    if (fields !== 5) throw new Error(`${fields} field${fields === 1 ? "" : "s"} instead of five`);
    cron = parseCronExpression(expression);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/\.$/, "") : String(error);
    throw errors.invalidSchedule(
      `Invalid cron expression '${expression}' (${reason}). Use five fields, minute hour day-of-month month day-of-week, evaluated in UTC: ${EXAMPLE}.`,
      { expression },
    );
  }
  try {
    return cron.getNextDate(new Date(after)).getTime();
  } catch {
    // cron-schedule throws when no date matches within its search (such as February 30th).
    throw errors.invalidSchedule(`The cron expression '${expression}' never matches a date (such as February 30th). Check its day and month fields.`, {
      expression,
    });
  }
}
