import { describe, expect, it } from "vitest";
import { ActorError } from "../../src/client/index";
import { testClient, uniqueKey } from "./helpers";

describe("client.dispose()", () => {
  it("closes every connection and raw WebSocket the client opened", async () => {
    const client = testClient();
    expect(typeof client.dispose).toBe("function");
    const first = client.chatRoom.getOrCreate(uniqueKey()).connect();
    const second = client.counter.getOrCreate(uniqueKey()).connect();
    await Promise.all([first.history(), second.getCount()]);
    const socket = await client.chatRoom.getOrCreate(uniqueKey()).websocket();
    const closed = new Promise<number>((resolve) => socket.addEventListener("close", (event) => resolve(event.code)));
    // A call still waiting for its answer fails rather than hangs.
    const waiting = first.wait(5_000).catch((error: unknown) => error);

    await client.dispose();

    expect(first.status).toBe("disposed");
    expect(second.status).toBe("disposed");
    expect(await closed).toBe(1000);
    expect(await waiting).toBeInstanceOf(ActorError);
    expect(((await waiting) as ActorError).code).toBe("connection_disposed");
  });

  it("leaves the client usable, and connections disposed before are let go", async () => {
    const client = testClient();
    const early = client.counter.getOrCreate(uniqueKey()).connect();
    await early.dispose();
    await client.dispose();
    const key = uniqueKey();
    expect(await client.counter.getOrCreate(key).increment(1)).toBe(1);
    const later = client.counter.getOrCreate(key).connect();
    expect(await later.increment(1)).toBe(2);
    await client.dispose();
    expect(later.status).toBe("disposed");
  });
});
