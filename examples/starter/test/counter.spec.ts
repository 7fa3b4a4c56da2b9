import { setupTest } from "actorflare/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registry } from "../src/registry.js";

// A client of the Worker under test, running in the same workerd as this test.
const { client, restartActor } = setupTest(registry);

afterEach(() => client.dispose());

describe("counter", () => {
  it("counts", async () => {
    const counter = client.counter.getOrCreate("counts");
    expect(await counter.increment(2)).toBe(2);
    expect(await counter.increment()).toBe(3);
  });

  it("refuses an amount that is not a whole number", async () => {
    const counter = client.counter.getOrCreate("refuses");
    await expect(counter.increment(0.5)).rejects.toMatchObject({ code: "invalid_argument" });
    expect(await counter.getCount()).toBe(0);
  });

  it("keeps its count when the actor restarts", async () => {
    const counter = client.counter.getOrCreate("restarts");
    await counter.increment(5);
    await restartActor(counter);
    expect(await counter.getCount()).toBe(5);
  });

  it("tells connections about new counts", async () => {
    const conn = client.counter.getOrCreate("events").connect();
    const counts: unknown[] = [];
    conn.on("newCount", (count) => counts.push(count));
    // One answer back means the connection is open and its subscription went out before it.
    await conn.getCount();
    await conn.increment(1);
    await vi.waitFor(() => expect(counts).toEqual([1]));
  });
});
