import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { keyToName } from "../../src/worker/locate";
import { snapshotOf, testClient, uniqueKey, untilSubscribed, waitFor } from "./helpers";

const chatRoomStub = (key: string) => env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(keyToName([key])));

/** Makes the stored record of connection `id` look as a release before record version 2 wrote it: no `since`. */
function storeAsVersion1(key: string, id: string): Promise<void> {
  return runInDurableObject(chatRoomStub(key), (_instance, state) => {
    const socket = state.getWebSockets().find((candidate) => (candidate.deserializeAttachment() as { id?: string } | null)?.id === id);
    const attachment = socket?.deserializeAttachment() as { record: { v?: number; since?: number } };
    expect(attachment.record.since).toEqual(expect.any(Number));
    delete attachment.record.since;
    attachment.record.v = 1;
    socket!.serializeAttachment(attachment);
  });
}

// Every test here waits 15 s for its actor to leave memory; they use their own actors, so the waits overlap.
describe.concurrent("actors leaving memory", () => {
  describe("hibernatable connections", () => {
    // Forced the way production does it: the runtime evicts an object that has had no events for
    // ~10 s and holds nothing that pins it (no timers, no pending I/O, no standard sockets).
    // If anything kept the idle actor awake, the wake id would not change.
    it("a connection survives the actor leaving memory; its state, params, subscriptions and opening time come back", async () => {
      const key = uniqueKey();
      const conn = testClient("cbor")
        .chatRoom.getOrCreate(key, { params: { name: "sleeper" } })
        .connect();
      // A second connection whose record is made to look as an older release stored it.
      const older = testClient("json")
        .chatRoom.getOrCreate(key, { params: { name: "older" } })
        .connect();
      const seen: unknown[] = [];
      conn.on("message", (m) => seen.push(m));
      let sentBefore = 0;
      await untilSubscribed(
        "websocket",
        () => conn.send("before").then(() => sentBefore++),
        () => seen.length > 0,
      );
      await older.whoami();
      await storeAsVersion1(key, older.connectionId!);
      const seenBefore = seen.length;
      const sinceBefore = new Map((await snapshotOf("chatRoom", key)).connections.map((c) => [c.id, c.since]));
      const firstWake = await conn.wakeId();
      const connectionId = conn.connectionId;
      const sleptAt = Date.now();

      await new Promise((resolve) => setTimeout(resolve, 15_000));

      // A message wakes the actor: a new instance, the same connection.
      expect(await conn.wakeId()).not.toBe(firstWake);
      expect(conn.connectionId).toBe(connectionId);
      expect(await conn.whoami()).toMatchObject({ id: connectionId, state: { name: "sleeper", sent: sentBefore }, params: { name: "sleeper" } });
      // The subscription came back with the connection: the event arrives before the answer.
      await conn.send("after");
      expect(seen.at(-1)).toEqual({ from: "sleeper", text: "after" });
      expect(seen).toHaveLength(seenBefore + 1);

      // The inspector shows when each connection opened, not when the actor woke; a record without
      // that time (version 1) reads as opened when the actor rebuilt it, and still works.
      const since = new Map((await snapshotOf("chatRoom", key)).connections.map((c) => [c.id, c.since]));
      expect(since.get(connectionId!)).toBe(sinceBefore.get(connectionId!));
      expect(since.get(connectionId!)).toBeLessThan(sleptAt);
      expect(since.get(older.connectionId!)).toBeGreaterThan(sleptAt);
      expect(await older.whoami()).toMatchObject({ state: { name: "older" } });
      await Promise.all([conn.dispose(), older.dispose()]);
    }, 40_000);
  });

  describe("a wake that fails", () => {
    it("a call that wakes an actor whose onStart throws fails with actor_start_failed (it did not run); the connection tries again", async () => {
      const conn = testClient().fragile.getOrCreate(`fails-on-wake-${uniqueKey()}`).connect();
      const errors: string[] = [];
      conn.onError((error) => errors.push(error.code));
      expect(await conn.starts()).toBe(1);

      await new Promise((resolve) => setTimeout(resolve, 15_000));

      // The second start (this wake) throws: the call never ran, and says why.
      await expect(conn.starts()).rejects.toMatchObject({ code: "actor_start_failed" });
      expect(errors).toEqual(["actor_start_failed"]);
      // The connection reconnects by itself; the third start succeeds.
      expect(await conn.starts()).toBe(2);
      await conn.dispose();
    }, 40_000);
  });

  describe("a connection that ends while its actor is out of memory", () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    it("over WebSocket: the close wakes the actor, onDisconnect runs there, its broadcast reaches the others and its state change is kept", async () => {
      const key = uniqueKey();
      const leaving = testClient("cbor")
        .chatRoom.getOrCreate(key, { params: { name: "leaving" } })
        .connect();
      const staying = testClient("json")
        .chatRoom.getOrCreate(key, { params: { name: "staying" } })
        .connect();
      const left: unknown[] = [];
      staying.on("left", (name, sent) => left.push([name, sent]));
      // A conn state that changed after it opened: onDisconnect sees it as it is.
      await leaving.send("before sleeping");
      // Its subscription went out before this call; the wait below leaves it all the time it needs.
      const firstWake = await staying.wakeId();

      await sleep(15_000);
      await leaving.dispose();

      // The close woke the actor (a new instance), which ran onDisconnect with the connection's own state.
      await waitFor(() => left.length > 0, "the broadcast of onDisconnect");
      expect(left).toEqual([["leaving", 1]]);
      const secondWake = await staying.wakeId();
      expect(secondWake).not.toBe(firstWake);
      expect(await staying.stats()).toEqual({ connects: 2, disconnects: 1, open: 1 });

      // What onDisconnect changed was stored: the next wake reads it back.
      await sleep(15_000);
      expect(await staying.wakeId()).not.toBe(secondWake);
      expect(await staying.stats()).toEqual({ connects: 2, disconnects: 1, open: 1 });
      await staying.dispose();
    }, 60_000);

    it("over SSE: the open stream keeps the actor in memory, so it never misses the end of a connection", async () => {
      const key = uniqueKey();
      const conn = testClient("json", "sse")
        .chatRoom.getOrCreate(key, { params: { name: "streaming" } })
        .connect();
      const firstWake = await conn.wakeId();

      await sleep(15_000);
      expect(await conn.wakeId()).toBe(firstWake);
      await conn.dispose();

      const handle = testClient().chatRoom.getOrCreate(key);
      await expect.poll(() => handle.stats(), { timeout: 10_000 }).toMatchObject({ disconnects: 1 });
      expect(await handle.wakeId()).toBe(firstWake);
    }, 90_000);
  });
});
