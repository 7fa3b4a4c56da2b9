import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { ActorError, createClient } from "../../src/client/index";
import type { registry } from "../../examples/demo/registry";
import { startWranglerDev, tempPersistDir } from "./wrangler-dev";

// The demo's todo list (Drizzle over the actor's SQLite, drizzle-kit's migrations bundled by
// wrangler's Text rule for .sql) under a real `wrangler dev`, across a restart.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("per-actor SQL under wrangler dev", () => {
  it("migrates on the first wake, keeps rows across a restart, and reports SQLite's refusals as codes", { timeout: 150_000 }, async () => {
    const dir = await tempPersistDir();
    cleanups.push(dir.remove);
    const first = await startWranglerDev({ persistTo: dir.path });
    cleanups.push(first.stop);
    const key = `todos-${randomUUID()}`;

    const list = createClient<typeof registry>(first.url).todoList.getOrCreate(key);
    expect(await list.add("buy milk")).toMatchObject({ id: 1, title: "buy milk", done: false });
    expect(await list.toggle(1)).toMatchObject({ id: 1, done: true });
    await list.add("call mum");
    expect(await list.openCount()).toBe(1);
    const error = await list.add("").then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ActorError);
    expect((error as ActorError).code).toBe("invalid_title");

    await first.stop();
    const second = await startWranglerDev({ persistTo: dir.path });
    cleanups.push(second.stop);
    const again = createClient<typeof registry>(second.url).todoList.getOrCreate(key);
    // The migration is not applied twice (it would fail: the table exists), and the rows are there.
    expect((await again.list()).map(({ title, done }) => ({ title, done }))).toEqual([
      { title: "buy milk", done: true },
      { title: "call mum", done: false },
    ]);
    expect(await again.add("third")).toMatchObject({ id: 3 });
  });
});
