import { describe, expect, it } from "vitest";
import { testClient, uniqueKey, untilSubscribed } from "./helpers";

describe("hibernatable connections", () => {
  // Forced the way production does it: the runtime evicts an object that has had no events for
  // ~10 s and holds nothing that pins it (no timers, no pending I/O, no standard sockets).
  // If anything kept the idle actor awake, the wake id would not change.
  it("a connection survives the actor leaving memory; its state, params and subscriptions come back", async () => {
    const key = uniqueKey();
    const conn = testClient("cbor")
      .chatRoom.getOrCreate(key, { params: { name: "sleeper" } })
      .connect();
    const seen: unknown[] = [];
    conn.on("message", (m) => seen.push(m));
    let sentBefore = 0;
    await untilSubscribed(
      "websocket",
      () => conn.send("before").then(() => sentBefore++),
      () => seen.length > 0,
    );
    const seenBefore = seen.length;
    const firstWake = await conn.wakeId();
    const connectionId = conn.connectionId;

    await new Promise((resolve) => setTimeout(resolve, 15_000));

    // A message wakes the actor: a new instance, the same connection.
    expect(await conn.wakeId()).not.toBe(firstWake);
    expect(conn.connectionId).toBe(connectionId);
    expect(await conn.whoami()).toMatchObject({ id: connectionId, state: { name: "sleeper", sent: sentBefore }, params: { name: "sleeper" } });
    // The subscription came back with the connection: the event arrives before the answer.
    await conn.send("after");
    expect(seen.at(-1)).toEqual({ from: "sleeper", text: "after" });
    expect(seen).toHaveLength(seenBefore + 1);
    await conn.dispose();
  }, 40_000);
});
