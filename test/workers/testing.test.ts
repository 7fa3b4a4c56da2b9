import { env, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { ScheduleStore } from "../../src/actor/schedule-store";
import { ActorError } from "../../src/client/index";
import { setupTest } from "../../src/testing/index";
import { keyToName } from "../../src/worker/locate";
import { registry } from "./registry";
import { uniqueKey } from "./helpers";

// actorflare/testing against this repository's test worker, as a user's test would use it.
const { client, restartActor, restartAllActors, runScheduled, actorIds } = setupTest(registry);

afterEach(() => client.dispose());

describe("actorflare/testing", () => {
  it("the client goes through the Worker, so onAuth runs", async () => {
    const refused = await client.chatRoom
      .getOrCreate(uniqueKey(), { params: { token: "deny" } })
      .history()
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ActorError);
    expect((refused as ActorError).code).toBe("forbidden");
    expect(await client.counter.getOrCreate(uniqueKey()).increment(2)).toBe(2);
  });

  it("restartActor: the actor leaves memory, keeps its storage, and its connection comes back", async () => {
    const key = uniqueKey();
    const conn = client.chatRoom.getOrCreate(key, { params: { name: "ada" } }).connect();
    await conn.send("before");
    const firstWake = await conn.wakeId();
    const firstConnection = conn.connectionId;
    const other = client.chatRoom.getOrCreate(uniqueKey());
    const otherWake = await other.wakeId();

    await restartActor(client.chatRoom.getOrCreate(key));

    // The connection reconnects by itself; the actor is a new instance with the same state.
    expect(await conn.wakeId()).not.toBe(firstWake);
    expect(conn.connectionId).not.toBe(firstConnection);
    expect(await conn.history()).toEqual([{ from: "ada", text: "before" }]);
    // Other actors stay as they were.
    expect(await other.wakeId()).toBe(otherWake);
  });

  it("restartActor takes a connection too: the one in hand names its actor", async () => {
    const conn = client.chatRoom.getOrCreate(uniqueKey(), { params: { name: "ada" } }).connect();
    const firstWake = await conn.wakeId();
    await restartActor(conn);
    expect(await conn.wakeId()).not.toBe(firstWake);
  });

  it("restartActor leaves an actor that does not exist uncreated", async () => {
    const before = await actorIds("lifecycle");
    await restartActor(client.lifecycle.getOrCreate(uniqueKey()));
    expect(await actorIds("lifecycle")).toEqual(before);
  });

  it("restartAllActors restarts every actor", async () => {
    const handle = client.chatRoom.getOrCreate(uniqueKey());
    const firstWake = await handle.wakeId();
    await restartAllActors();
    expect(await handle.wakeId()).not.toBe(firstWake);
  });

  it("restartAllActors: an open connection has seen the restart when it resolves, so the next call waits for the reconnect", async () => {
    const counter = client.counter.getOrCreate(uniqueKey()).connect();
    const room = client.chatRoom.getOrCreate(uniqueKey(), { params: { name: "ada" } }).connect();
    await counter.increment(2);
    await room.send("before");
    const before = [counter.connectionId, room.connectionId];
    await restartAllActors();
    expect(await counter.increment(1)).toBe(3);
    expect(await room.history()).toEqual([{ from: "ada", text: "before" }]);
    expect([counter.connectionId, room.connectionId]).not.toContain(before[0]);
    expect([counter.connectionId, room.connectionId]).not.toContain(before[1]);
  });

  it("restartAllActors closes raw WebSockets too: the old instance serves none after it resolves", async () => {
    const socket = await client.chatRoom.getOrCreate(uniqueKey()).websocket("/");
    let closed = false;
    socket.addEventListener("close", () => (closed = true));
    await restartAllActors();
    expect(closed).toBe(true);
  });

  it("runScheduled runs scheduled actions now", async () => {
    const handle = client.scheduled.getOrCreate(uniqueKey());
    expect(await runScheduled(handle)).toBe(false);
    await handle.later(3_600_000, "in an hour");
    expect(await runScheduled(handle)).toBe(true);
    expect((await handle.read()).ticks).toEqual(["in an hour"]);
  });

  it("runScheduled runs later jobs in time order, ties in the order they were scheduled", async () => {
    const key = uniqueKey();
    const handle = client.scheduled.getOrCreate(key);
    const at = Date.now() + 3_600_000;
    // Scheduled latest first; "tie" is due with "b", after it.
    for (const [offset, label] of [
      [3, "d"],
      [2, "c"],
      [1, "b"],
      [0, "a"],
      [1, "tie"],
    ] as const)
      await handle.at(at + offset * 60_000, label);
    // Due already but not yet run (stored without arming the alarm): it stays first.
    await runInDurableObject(env.SCHEDULED.get(env.SCHEDULED.idFromName(keyToName([key]))), (_instance, state) => {
      new ScheduleStore(state.storage.sql).insert({ id: "due", at: Date.now() - 1, action: "tick", argsJson: '["due already"]', cron: null });
    });
    expect(await runScheduled(handle)).toBe(true);
    expect((await handle.read()).ticks).toEqual(["due already", "a", "b", "tie", "c", "d"]);
  });

  it("actorIds lists the actors of one kind", async () => {
    const handle = client.counter.getOrCreate(uniqueKey());
    const id = await handle.resolve();
    expect(await actorIds("counter")).toContain(id);
  });

  it("a misspelt actor name is named as unregistered, with the nearest registered name and the others", async () => {
    const error = await actorIds("chatRom" as "chatRoom").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain("no actor named 'chatRom' is registered");
    expect(message).toContain("did you mean 'chatRoom'?");
    expect(message).toContain("counter, ");
    expect(message).not.toContain("binding");
    // The helpers that take a handle say the same of one whose name is not registered.
    const misspelt = { query: { getForKey: { name: "chatRom", key: [uniqueKey()] } } };
    for (const helper of [restartActor, runScheduled]) {
      const refused = await helper(misspelt).catch((caught: unknown) => caught);
      expect((refused as Error).message).toContain("no actor named 'chatRom' is registered");
    }
    // Nothing near: no suggestion, still the list.
    const far = (await actorIds("zzzzzzzz" as "chatRoom").catch((caught: unknown) => caught)) as Error;
    expect(far.message).not.toContain("did you mean");
    expect(far.message).toContain("chatRoom");
  });
});
