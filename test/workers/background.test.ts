import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { backgroundDestroyed } from "./background-actors";
import { testClient, uniqueKey, waitFor, writesOf } from "./helpers";

// What an actor reaches besides the actor API: createVars' driver context (the Durable Object's
// state and bindings), c.waitUntil for work that outlives its handler, and c.abortSignal.

const client = testClient();
const stubOf = (key: string) => env.BACKGROUND.get(env.BACKGROUND.idFromName(JSON.stringify([key])));

describe("createVars' driver context", () => {
  it("holds the actor's own Durable Object state and the bindings it was given", async () => {
    const handle = client.background.getOrCreate([uniqueKey("driver")]);
    const seen = await handle.driver();
    expect(seen.objectId).toBe(seen.actorId);
    expect(seen.ownBinding).toBe("function");
    // The same storage the actor's state lives in.
    expect(seen.storageKeys).toContain("actorflare:state:&");
  });
});

describe("c.waitUntil", () => {
  it("the action answers first; the work's change to the state is stored when it settles, with no request running", async () => {
    const key = uniqueKey("later");
    const handle = client.background.getOrCreate([key]);
    expect(await handle.read()).toBe(0);
    const before = (await writesOf(stubOf(key))).rows;
    expect(await handle.finishLater(50)).toBe(0);
    await waitFor(async () => (await writesOf(stubOf(key))).rows > before, "the background work's state write");
    expect(await handle.read()).toBe(1);
  });

  it("a destroy fires c.abortSignal first, then waits for the work before onDestroy runs", async () => {
    const key = uniqueKey("doomed-work");
    const handle = client.background.getOrCreate([key]);
    expect(await handle.untilDestroyed()).toBe(false);
    await handle.destroy();
    expect(backgroundDestroyed.get(key)).toEqual({ done: 1, aborted: true, reason: "actor_destroyed" });
  });

  it("takes any thenable, not only a promise", async () => {
    const handle = client.background.getOrCreate([uniqueKey("thenable")]);
    expect(await handle.thenable()).toBe("answered");
    expect(await handle.read()).toBe(0);
  });

  it("a rejected promise is logged and changes nothing: the actor goes on serving", async () => {
    const handle = client.background.getOrCreate([uniqueKey("fails")]);
    expect(await handle.failLater()).toBe("answered");
    expect(await handle.read()).toBe(0);
  });
});

describe("onBeforeActionResponse", () => {
  it("may replace an action's output, over HTTP and over a connection; a hook that throws leaves the output as it was", async () => {
    const handle = client.background.getOrCreate([uniqueKey("hook")]);
    expect(await handle.shout("hi")).toBe("HI!");
    expect(await handle.hookFails()).toBe("as it was");
    const connection = handle.connect();
    try {
      expect(await connection.shout("again")).toBe("AGAIN!");
      expect(await connection.read()).toBe(0);
    } finally {
      await connection.dispose();
    }
  });
});
