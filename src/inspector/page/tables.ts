// The inspector page's tables of an actor's connections, scheduled jobs and recent activity.
import type { ActivityEntry, InspectedConnection, InspectedJob } from "../../protocol/inspector";
import { abbreviated, button, json, table, utc, utcTime } from "./elements";

/** Sends a change to the actor (`method` on `path` under the API), saying `done` when it worked. */
type Act = (method: string, path: string, done: string) => void;

export function connectionsTable(connections: InspectedConnection[], act: Act): Node {
  return table(
    ["Id", "Transport", "Since", "Params", "Conn state", "Subscriptions", ""],
    connections.map((conn) => [
      abbreviated(conn.id),
      conn.transport,
      utc(conn.since),
      json(conn.params),
      json(conn.state),
      conn.subscriptions.join(", "),
      button("Disconnect", `Disconnect ${conn.id}`, () => act("DELETE", `/api/actor/connections/${encodeURIComponent(conn.id)}`, "Disconnected.")),
    ]),
    "No open connections.",
  );
}

export function scheduleTable(jobs: InspectedJob[], act: Act): Node {
  return table(
    ["When", "Action", "Arguments", "Repeats", "Tries", ""],
    jobs.map((job) => [
      utc(job.at),
      job.action,
      json(job.args),
      job.cron ? `${job.cron} (UTC)` : "no",
      String(job.tries),
      button("Cancel", `Cancel ${job.action} at ${utc(job.at)}`, () => act("DELETE", `/api/actor/schedule/${encodeURIComponent(job.id)}`, "Job cancelled.")),
    ]),
    "No scheduled jobs.",
  );
}

export function activityTable(activity: ActivityEntry[], awake: boolean): Node {
  return table(
    ["Time", "Kind", "Name", "Took", "Outcome"],
    activity.map((entry) => [
      utcTime(entry.at),
      entry.kind,
      entry.name,
      entry.kind === "action" ? `${entry.durationMs} ms` : "",
      entry.outcome === "ok" ? "ok" : `error ${entry.code ?? ""}`,
    ]),
    awake ? "Nothing yet since the actor woke." : "Nothing: the actor is not awake.",
  );
}
