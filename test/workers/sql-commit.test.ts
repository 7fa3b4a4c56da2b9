import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { testClient, uniqueKey } from "./helpers";

// What an action's writes leave stored when it fails, as the README's "SQL and Drizzle" says:
// an action's rows and state changes are stored even when it throws, as in RivetKit;
// c.db.transaction is all or nothing.

async function notesWithTables() {
  const notes = testClient().sqlNotes.getOrCreate(uniqueKey());
  await notes.createTables();
  return notes;
}

async function bodies(notes: Awaited<ReturnType<typeof notesWithTables>>) {
  return (await notes.all()).map((row) => row.body);
}

describe("what a failing action leaves stored", () => {
  it.each(["user_error", "sql_error"] as const)("an action that throws (%s) after writing keeps its rows and its state change", async (how) => {
    const notes = await notesWithTables();
    await expect(notes.writeThenThrow(how)).rejects.toMatchObject({ code: how === "user_error" ? "changed_mind" : "sql_error" });
    await abortAllDurableObjects();
    expect(await bodies(notes)).toEqual([how]);
    expect(await notes.saved()).toBe(1);
  });

  it("an async action that throws after an await keeps the rows and state changes from before and after it", async () => {
    const notes = await notesWithTables();
    await expect(notes.writeAwaitThenThrow()).rejects.toMatchObject({ code: "changed_mind" });
    await abortAllDurableObjects();
    expect(await bodies(notes)).toEqual(["before the await", "after the await"]);
    expect(await notes.saved()).toBe(2);
  });

  it("a state change storage refuses (state_not_serializable) is dropped, and the rows the action wrote stay", async () => {
    const notes = await notesWithTables();
    await expect(notes.writeThenUnstorableState()).rejects.toMatchObject({ code: "state_not_serializable" });
    await abortAllDurableObjects();
    expect(await bodies(notes)).toEqual(["beside a state that is not stored"]);
    expect(await notes.saved()).toBe(0);
  });

  it("c.sql.transaction stores all of its statements (c.sql's and c.db's) or, when its function throws, none", async () => {
    const notes = await notesWithTables();
    expect(await notes.inTransaction(false)).toBe(2);
    await expect(notes.inTransaction(true)).rejects.toMatchObject({ code: "changed_mind" });
    await abortAllDurableObjects();
    expect(await bodies(notes)).toEqual(["first", "second"]);
  });

  it("c.sql.transaction refuses an async function with sql_error before it runs, and undoes a promise's statements", async () => {
    const notes = await notesWithTables();
    await expect(notes.asyncTransaction()).rejects.toMatchObject({ code: "sql_error", message: expect.stringContaining("synchronous function") });
    await expect(notes.promiseTransaction()).rejects.toMatchObject({ code: "sql_error", message: expect.stringContaining("synchronous function") });
    // A later call runs after whatever the refused functions could still have done.
    await notes.saved();
    expect(await bodies(notes)).toEqual([]);
  });

  it("c.db.transaction refuses an async function the same way: none of its statements, before or after an await, are stored", async () => {
    const notes = testClient().sqlNotes.getOrCreate(uniqueKey());
    await notes.createMembers();
    const refused = { code: "sql_error", message: expect.stringContaining("c.db.transaction(body) takes a synchronous function") };
    await expect(notes.asyncDrizzleTransaction()).rejects.toMatchObject(refused);
    await expect(notes.promiseDrizzleTransaction()).rejects.toMatchObject(refused);
    // A nested transaction's async function is refused before it runs too, so the outer one rolls back whole.
    await expect(notes.nestedAsyncDrizzleTransaction()).rejects.toMatchObject({
      code: "sql_error",
      message: expect.stringContaining("tx.transaction(body) takes a synchronous function"),
    });
    await notes.saved();
    expect(await notes.memberNames()).toEqual([]);
  });

  it("c.db.transaction stores all of its statements or none", async () => {
    const notes = testClient().sqlNotes.getOrCreate(uniqueKey());
    await notes.createMembers();
    await notes.addMembersTogether(["ann", "bob"]);
    await expect(notes.addMembersTogether(["cy", "dee", "ann"])).rejects.toMatchObject({ code: "sql_error" });
    await abortAllDurableObjects();
    expect(await notes.memberNames()).toEqual(["ann", "bob"]);
  });
});
