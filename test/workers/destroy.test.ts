import { abortAllDurableObjects, env, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { ActorError } from "../../src/client/index";
import { creations, destroyedLog, destroyHolds, destroyStarted, hookRuns, hooks } from "./destroy-actors";
import { rejection, storedInObject, testClient, uniqueKey, waitFor } from "./helpers";
import { SocketReader } from "./ws-helpers";

// Destroy: c.destroy() and handle.destroy() end the actor for good (onDestroy first, every
// connection and raw socket closed with 1001 `actor_destroyed`, its jobs and all of its storage
// gone), and leave the key free for a new actor.

const client = testClient();
const admin = { params: { role: "admin" } };
const stubOf = (key: string) => env.DOOMED.get(env.DOOMED.idFromName(JSON.stringify([key])));

const storedIn = (key: string) => storedInObject(stubOf(key));

const gone = async (key: string) => (await rejection(client.doomed.get([key]).read())).code === "actor_not_found";

/**
 * An actor (`label`, counted up by `by`) whose `c.destroy()` answered and whose object was then
 * reset half-way through `onDestroy`: the crash of a destroy cut short. Returns its key.
 */
async function destroyCutShort(label: string, by: number): Promise<string> {
  const key = uniqueKey("doomed");
  const handle = await client.doomed.create([key], { input: { label } });
  await handle.increment(by);
  let release = () => {};
  destroyHolds.set(key, new Promise<void>((resolve) => (release = resolve)));
  expect(await handle.selfDestruct()).toBe("bye");
  await waitFor(() => destroyStarted.has(key), "onDestroy to begin");
  await abortAllDurableObjects();
  destroyHolds.delete(key);
  release();
  return key;
}

describe("destroying an actor", () => {
  it("handle.destroy(): onDestroy first, then every connection and raw socket closes with 1001 actor_destroyed, jobs and storage are gone", async () => {
    const key = uniqueKey("doomed");
    const handle = client.doomed.getOrCreate([key], { ...admin, createWithInput: { label: "first" } });
    await handle.increment(2);
    await handle.later(60_000);
    await handle.note("kept in c.sql");
    const connection = handle.connect();
    const errors: string[] = [];
    connection.onError((error) => errors.push(error.code));
    await connection.read();
    const raw = new SocketReader(await handle.websocket("/echo"));
    raw.socket.send("hello");
    expect(await raw.nextText()).toBe("hello");
    expect((await storedIn(key)).alarm).not.toBeNull();

    await handle.destroy();

    // onDestroy saw the actor whole: its state and its connection, which had not closed yet.
    expect(destroyedLog.get(key)).toEqual([{ count: 2, label: "first", conns: 1 }]);
    const closed = await raw.closedWithin(10_000);
    expect({ code: closed.code, reason: closed.reason }).toEqual({ code: 1001, reason: "actor_destroyed" });
    await waitFor(() => connection.status === "disposed", "the connection to end");
    expect(errors).toContain("actor_destroyed");
    // The connection does not reconnect to a new actor: its calls fail with the reason.
    expect((await rejection(connection.read())).code).toBe("actor_destroyed");
    expect(await storedIn(key)).toEqual({ kv: [], tables: [], alarm: null });

    expect(await gone(key)).toBe(true);
    expect(await handle.read()).toEqual({ count: 0, label: "first" });
    expect(creations.get(key)).toBe(2);
  });

  it("c.destroy(): the action that calls it answers, then the actor is gone and create works again for its key", async () => {
    const key = uniqueKey("doomed");
    const handle = await client.doomed.create([key], { input: { label: "self" } });
    await handle.increment(5);
    await handle.later(60_000);
    expect(await handle.selfDestruct()).toBe("bye");
    await waitFor(() => destroyedLog.has(key), "onDestroy");
    await waitFor(() => gone(key), "the actor to be gone");
    expect(await storedIn(key)).toEqual({ kv: [], tables: [], alarm: null });
    const again = await client.doomed.create([key], { input: { label: "second" } });
    expect(await again.read()).toEqual({ count: 0, label: "second" });
  });

  it("a destroy a crash cut short (during onDestroy, after c.destroy() answered) is finished by the actor's next wake", async () => {
    const key = await destroyCutShort("cut", 5);
    // The alarm the destroy set wakes it with no request, and the wake finishes it (onDestroy runs again).
    expect(await runDurableObjectAlarm(stubOf(key))).toBe(true);
    expect(destroyedLog.get(key)).toContainEqual({ count: 5, label: "cut", conns: 0 });
    expect(await storedIn(key)).toEqual({ kv: [], tables: [], alarm: null });
    expect(await gone(key)).toBe(true);
    const again = await client.doomed.create([key], { input: { label: "second" } });
    expect(await again.read()).toEqual({ count: 0, label: "second" });
  });

  it("the wake that resumes a destroy runs createVars and onStart, then onDestroy again", async () => {
    const key = await destroyCutShort("cut", 1);
    const beforeCrash = hookRuns.get(key)!.length;
    expect(hookRuns.get(key)!.at(-1)).toBe("onDestroy");
    expect(await runDurableObjectAlarm(stubOf(key))).toBe(true);
    expect(hookRuns.get(key)!.slice(beforeCrash)).toEqual(["createVars", "onStart", "onDestroy"]);
    expect(await gone(key)).toBe(true);
  });

  it("a wake of a half-destroyed actor whose onStart throws leaves the destroy's alarm due, which finishes it later", async () => {
    const key = await destroyCutShort("cut", 3);
    hooks.set(`${key}:onStart`, () => {
      throw new Error("onStart fails on purpose");
    });
    expect((await rejection(client.doomed.getOrCreate([key]).read())).code).toBe("actor_start_failed");
    // The wake did not put the schedule's alarm (none: no jobs) in place of the destroy's.
    expect((await storedIn(key)).alarm).not.toBeNull();
    hooks.delete(`${key}:onStart`);
    expect(await runDurableObjectAlarm(stubOf(key))).toBe(true);
    expect(await gone(key)).toBe(true);
  });

  it("an actor that cannot start (onStart throws on every wake) is destroyed without starting: no onDestroy, its storage and jobs gone, its key free", async () => {
    const key = uniqueKey("doomed");
    const handle = client.doomed.getOrCreate([key], { ...admin, createWithInput: { label: "broken" } });
    await handle.increment(1);
    await handle.later(60_000);
    await handle.note("kept in c.sql");
    hooks.set(`${key}:onStart`, () => {
      throw new Error("onStart fails on purpose");
    });
    await abortAllDurableObjects();
    expect((await rejection(handle.read())).code).toBe("actor_start_failed");
    try {
      await handle.destroy();
      expect(hookRuns.get(key)).not.toContain("onDestroy");
      expect(destroyedLog.get(key)).toBeUndefined();
      expect(await storedIn(key)).toEqual({ kv: [], tables: [], alarm: null });
      expect(await gone(key)).toBe(true);
      // Destroyed once: a second destroy finds nothing.
      expect((await rejection(handle.destroy())).code).toBe("actor_not_found");
    } finally {
      hooks.delete(`${key}:onStart`);
    }
    const again = await client.doomed.create([key], { input: { label: "second" } });
    expect(await again.read()).toEqual({ count: 0, label: "second" });
  });

  it("a destroy a crash cut short, of an actor that then cannot start, is finished by the next handle.destroy()", async () => {
    const key = await destroyCutShort("cut", 4);
    hooks.set(`${key}:onStart`, () => {
      throw new Error("onStart fails on purpose");
    });
    try {
      const onDestroys = hookRuns.get(key)!.filter((hook) => hook === "onDestroy").length;
      await client.doomed.get([key], admin).destroy();
      expect(hookRuns.get(key)!.filter((hook) => hook === "onDestroy")).toHaveLength(onDestroys);
      expect(await storedIn(key)).toEqual({ kv: [], tables: [], alarm: null });
      expect(await gone(key)).toBe(true);
    } finally {
      hooks.delete(`${key}:onStart`);
    }
  });

  it("a request to an actor a crash left half-destroyed finishes the destroy first: a get finds nothing, a create makes a new actor", async () => {
    const key = await destroyCutShort("cut", 2);
    const again = await client.doomed.create([key], { input: { label: "after" } });
    expect(await again.read()).toEqual({ count: 0, label: "after" });
    expect(destroyedLog.get(key)).toContainEqual({ count: 2, label: "cut", conns: 0 });
  });

  it("the old actor's scheduled jobs never run for the new actor with its key", async () => {
    const key = uniqueKey("doomed");
    const handle = client.doomed.getOrCreate([key], admin);
    await handle.later(60_000);
    await handle.destroy();
    const fresh = client.doomed.getOrCreate([key]);
    expect(await fresh.read()).toEqual({ count: 0, label: "fresh" });
    // Nothing left to run: the alarm went with the old actor.
    expect(await runDurableObjectAlarm(stubOf(key))).toBe(false);
    expect(await fresh.read()).toEqual({ count: 0, label: "fresh" });
  });

  it("c.destroy() in a scheduled job: the actor is gone, and the jobs after it never run", async () => {
    const key = uniqueKey("doomed");
    const handle = client.doomed.getOrCreate([key]);
    await handle.increment(1);
    const warnings = vi.spyOn(console, "warn");
    try {
      await handle.destroyLater(50);
      await waitFor(() => destroyedLog.has(key), "onDestroy");
      await waitFor(() => gone(key), "the actor to be gone");
      // The job after it was not tried (and so not put off for a retry): it went with the actor.
      expect(warnings.mock.calls.flat().join(" ")).not.toContain("scheduled 'increment' failed");
    } finally {
      warnings.mockRestore();
    }
    expect(await storedIn(key)).toEqual({ kv: [], tables: [], alarm: null });
    expect(destroyedLog.get(key)).toEqual([{ count: 1, label: "fresh", conns: 0 }]);
  });

  it("while a destroy runs, a get finds nothing and a getOrCreate waits for a new actor: never a half-deleted one", async () => {
    const key = uniqueKey("doomed");
    const handle = client.doomed.getOrCreate([key], admin);
    await handle.increment(3);
    let release = () => {};
    destroyHolds.set(
      key,
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    const destroying = handle.destroy();
    await waitFor(() => destroyStarted.has(key), "onDestroy to begin");
    expect((await rejection(client.doomed.get([key]).read())).code).toBe("actor_not_found");
    const after = client.doomed.getOrCreate([key]).read();
    release();
    await destroying;
    expect(await after).toEqual({ count: 0, label: "fresh" });
  });

  it("a request that races the destroy gets the old actor's answer or actor_not_found", async () => {
    const key = uniqueKey("doomed");
    const handle = client.doomed.getOrCreate([key], admin);
    await handle.increment(1);
    // Through `get` handles: a getOrCreate that arrives late would rightly make the new actor.
    const existing = client.doomed.get([key]);
    const racing = [existing.slow(200), existing.increment(10), existing.read()].map((call) =>
      call.then(
        (value) => ({ value }),
        (error: ActorError) => ({ code: error.code }),
      ),
    );
    await handle.destroy();
    const [slow, increment, read] = await Promise.all(racing);
    for (const outcome of [slow, increment, read]) if (outcome && "code" in outcome) expect(outcome.code).toBe("actor_not_found");
    // An answer is the old actor's: its count of 1 plus what the racing calls added (slow 1, increment 10).
    if (slow && "value" in slow) expect([2, 12]).toContain(slow.value);
    if (increment && "value" in increment) expect([11, 12]).toContain(increment.value);
    if (read && "value" in read) expect([1, 2, 11, 12]).toContain((read.value as { count: number }).count);
    // Whatever the old actor did is gone with it.
    expect(await handle.read()).toEqual({ count: 0, label: "fresh" });
  });

  it("an onDestroy that throws is logged, and the destroy goes on", async () => {
    const key = uniqueKey("doomed");
    const handle = client.doomed.getOrCreate([key], { ...admin, createWithInput: { label: "throws" } });
    await handle.increment(1);
    await handle.destroy();
    expect(destroyedLog.get(key)).toHaveLength(1);
    expect(await gone(key)).toBe(true);
  });

  it("destroying an actor that does not exist is actor_not_found, and creates nothing", async () => {
    const key = uniqueKey("doomed");
    for (const handle of [client.doomed.get([key], admin), client.doomed.getOrCreate([key], admin)]) {
      const error = await rejection(handle.destroy());
      expect(error.code).toBe("actor_not_found");
      expect(error.message).toContain("not found");
    }
    const unknownId = env.DOOMED.newUniqueId().toString();
    expect((await rejection(client.doomed.getForId(unknownId, admin).destroy())).code).toBe("actor_not_found");
    expect(creations.has(key)).toBe(false);
    expect(await storedIn(key)).toEqual({ kv: [], tables: [], alarm: null });
  });

  it("onAuth decides: without the intent destroy allowed, the destroy is forbidden and the actor stays", async () => {
    const key = uniqueKey("doomed");
    const handle = client.doomed.getOrCreate([key]);
    await handle.increment(4);
    expect((await rejection(handle.destroy())).code).toBe("forbidden");
    expect(destroyedLog.has(key)).toBe(false);
    expect(await handle.read()).toEqual({ count: 4, label: "fresh" });
  });

  it("through c.client(): another actor is destroyed without onAuth; the calling actor itself is refused", async () => {
    const key = uniqueKey("doomed");
    await client.doomed.getOrCreate([key]).increment(1);
    const caller = client.doomed.getOrCreate([uniqueKey("caller")]);
    await caller.destroyOther(key);
    expect(await gone(key)).toBe(true);
    expect(await caller.destroyThroughClient()).toBe("invalid_request");
    expect(await caller.read()).toEqual({ count: 0, label: "fresh" });
  });
});
