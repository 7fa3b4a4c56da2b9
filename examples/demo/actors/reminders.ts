import { actor } from "../../../src/index";

/**
 * Repeating reminders on cron schedules (in UTC), which clients list and cancel. Actions:
 * `every(expression, note)` (answers the job's id), `jobs()`, `cancel(id)`, `sent()`; each
 * reminder is broadcast as `reminder` and kept in `sent()`.
 */
export const reminders = actor({
  state: { sent: [] as { note: string; at: number }[] },
  onAuth: () => ({}),
  actions: {
    every: (c, expression: string, note: string) => c.schedule.cron(expression, "remind", note),
    jobs: (c) => c.schedule.list(),
    cancel: (c, id: string) => c.schedule.cancel(id),
    remind: (c, note: string) => {
      c.state.sent.push({ note, at: Date.now() });
      c.broadcast("reminder", note);
    },
    sent: (c) => c.state.sent,
  },
});
