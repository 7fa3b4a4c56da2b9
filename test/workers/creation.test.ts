import { abortAllDurableObjects, env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { keyToName } from "../../src/worker/locate";
import { creations, hookRuns, hooks } from "./destroy-actors";
import { rejection, storedInObject, testClient, uniqueKey } from "./helpers";

// A creation that fails (createState or onCreate throws) creates nothing: the request fails, and
// the next getOrCreate runs them again from the start.

const client = testClient();
const stubOf = (key: string) => env.DOOMED.get(env.DOOMED.idFromName(keyToName([key])));

describe("a creation whose createState or onCreate throws", () => {
  it("fails the request (a UserError keeps its code, any other error is internal_error) and leaves nothing, not even what onCreate stored", async () => {
    for (const [label, code] of [
      ["onCreate refuses", "not_today"],
      ["onCreate fails", "internal_error"],
      ["createState fails", "internal_error"],
    ] as const) {
      const key = uniqueKey("doomed");
      expect((await rejection(client.doomed.getOrCreate([key], { createWithInput: { label } }).read())).code, label).toBe(code);
      expect((await rejection(client.doomed.get([key]).read())).code, label).toBe("actor_not_found");
      // onCreate had scheduled a job and made a table: neither is left to a later actor with this key.
      expect(await storedInObject(stubOf(key)), label).toEqual({ kv: [], tables: [], alarm: null });
    }
  });

  it("the next getOrCreate runs createState and onCreate again, on a fresh state, and nothing of the failed one runs", async () => {
    const key = uniqueKey("doomed");
    await rejection(client.doomed.getOrCreate([key], { createWithInput: { label: "onCreate fails" } }).read());
    expect(hookRuns.get(key)).toEqual(["createVars", "onCreate"]);
    const handle = client.doomed.getOrCreate([key], { createWithInput: { label: "second try" } });
    expect(await handle.read()).toEqual({ count: 0, label: "second try" });
    expect(creations.get(key)).toBe(2);
    expect(hookRuns.get(key)).toEqual(["createVars", "onCreate", "createVars", "onCreate", "onStart"]);
    // The job the failed onCreate scheduled is not there to run.
    expect(await runDurableObjectAlarm(stubOf(key))).toBe(false);
    expect(await handle.read()).toEqual({ count: 0, label: "second try" });
  });

  it("after a crash in onCreate, what it had stored (a job, a table) is deleted before the next getOrCreate creates the actor afresh", async () => {
    const key = uniqueKey("doomed");
    // Armed from inside the object, so that the hook can reset it once onCreate's writes are stored.
    await runInDurableObject(stubOf(key), (_instance, state) => {
      hooks.set(`${key}:onCreate-stored`, () => {
        hooks.delete(`${key}:onCreate-stored`);
        state.abort("crash during onCreate");
      });
    });
    await client.doomed
      .getOrCreate([key], { createWithInput: { label: "onCreate crashes" } })
      .read()
      .catch(() => undefined);
    expect(hooks.has(`${key}:onCreate-stored`)).toBe(false);
    // What the crash leaves: onCreate's job and table, and no actor.
    const left = await storedInObject(stubOf(key));
    expect(left.kv).toEqual([]);
    expect(left.tables).toContain("notes");
    expect(left.tables.length).toBeGreaterThan(1);
    expect((await rejection(client.doomed.get([key]).read())).code).toBe("actor_not_found");

    const handle = client.doomed.getOrCreate([key], { createWithInput: { label: "second try" } });
    expect(await handle.read()).toEqual({ count: 0, label: "second try" });
    expect((await storedInObject(stubOf(key))).tables).not.toContain("notes");
    // The crashed creation's job does not run on the new actor.
    await runDurableObjectAlarm(stubOf(key));
    expect(await handle.read()).toEqual({ count: 0, label: "second try" });
  });
});

describe("an alarm whose wake fails (onStart throws)", () => {
  it("is logged under the actor's name and id with what onStart threw, and the job stays for the next delivery", async () => {
    const key = uniqueKey("doomed");
    const handle = client.doomed.getOrCreate([key]);
    await handle.later(60_000);
    await abortAllDurableObjects();
    hooks.set(`${key}:onStart`, () => {
      throw new Error("onStart fails on purpose");
    });
    const logged = vi.spyOn(console, "error");
    const mentions = (arg: unknown): boolean => arg instanceof Error && (arg.message === "onStart fails on purpose" || mentions(arg.cause));
    let lines: unknown[][];
    try {
      await runDurableObjectAlarm(stubOf(key)).catch(() => undefined);
      lines = logged.mock.calls.filter((args) => args.some(mentions));
    } finally {
      logged.mockRestore();
      hooks.delete(`${key}:onStart`);
    }
    expect(lines.map((args) => [args[0], args[1]])).toEqual([
      [`[actor doomed ${stubOf(key).id.toString()}]`, expect.stringContaining("could not wake to run its due jobs")],
    ]);
    expect((await storedInObject(stubOf(key))).alarm).not.toBeNull();
  });
});
