import { describe, expect, it } from "vitest";
import { destroySchedules } from "./destroy-actors";
import { rejection, testClient, uniqueKey, waitFor } from "./helpers";

// Scheduling while the actor is being destroyed: its jobs are deleted with its storage, so
// c.schedule refuses at once rather than answer an id that would never run.

const client = testClient();
const admin = { params: { role: "admin" } };
const refusal = { code: "actor_destroyed", message: expect.stringMatching(/being destroyed.*nothing scheduled now would run/) };

describe("c.schedule during a destroy", () => {
  it("after c.destroy() in the same action, after, at and cron throw actor_destroyed", async () => {
    for (const how of ["after", "at", "cron"] as const) {
      const key = uniqueKey("doomed");
      const handle = client.doomed.getOrCreate([key]);
      expect(await handle.destroyThenSchedule(how), how).toEqual(refusal);
      await waitFor(async () => (await rejection(client.doomed.get([key]).read())).code === "actor_not_found", "the actor to be gone");
    }
  });

  it("in onDestroy, after, at and cron throw actor_destroyed", async () => {
    const key = uniqueKey("doomed");
    const handle = client.doomed.getOrCreate([key], { ...admin, createWithInput: { label: "schedules" } });
    await handle.read();
    await handle.destroy();
    expect(destroySchedules.get(key)).toEqual([refusal, refusal, refusal]);
  });
});
