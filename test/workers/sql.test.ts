import { env, runInDurableObject } from "cloudflare:test";
import { ActorError } from "../../src/client/index";
import { setupTest } from "../../src/testing/index";
import { describe, expect, it } from "vitest";
import { testClient, uniqueKey } from "./helpers";
import { registry } from "./registry";

const { restartActor, runScheduled } = setupTest(registry);

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ActorError);
  return error as ActorError;
}

describe("c.sql", () => {
  it("binds values as parameters: input that looks like SQL is stored as text", async () => {
    const notes = testClient().sqlNotes.getOrCreate(uniqueKey());
    await notes.createTables();
    const hostile = "x'); DROP TABLE state; --";
    await notes.add(hostile);
    await notes.add("plain");
    expect(await notes.find(hostile)).toEqual([{ id: 1, body: hostile }]);
    expect((await notes.all()).map((row) => row.body)).toEqual([hostile, "plain"]);
  });

  it("user tables named state, meta, schedule, connections live beside actorflare's own", async () => {
    const key = uniqueKey();
    const notes = testClient().sqlNotes.getOrCreate(key);
    await notes.createTables();
    expect(await notes.add("one")).toBe(1);
    await notes.later(60_000);
    const tables = await notes.tables();
    expect(tables).toEqual(expect.arrayContaining(["state", "meta", "schedule", "connections"]));
    // actorflare's tables are all prefixed, so none of the user's names is one of them.
    const others = tables.filter((name) => !["state", "meta", "schedule", "connections"].includes(name));
    expect(others.filter((name) => !name.startsWith("actorflare_") && !name.startsWith("_cf_") && !name.startsWith("__drizzle"))).toEqual([]);

    // The actor's state and its scheduled job survive a restart next to the user's tables.
    await restartActor({ query: { getForKey: { name: "sqlNotes", key: [key] } } });
    expect(await runScheduled({ query: { getForKey: { name: "sqlNotes", key: [key] } } })).toBe(true);
    expect((await notes.all()).map((row) => row.body)).toEqual(["one", "from the schedule"]);
    expect(await notes.add("three")).toBe(3);
  });

  it("a failing statement is sql_error with SQLite's message, not the bound values", async () => {
    const { code, message } = await codeOf(testClient().sqlNotes.getOrCreate(uniqueKey()).broken());
    expect(code).toBe("sql_error");
    expect(message).toContain("no such table: no_such_table");
    expect(message).not.toContain("hunter2");
  });

  it("what the runtime refuses without an SQLite code (BEGIN, a bigint parameter) is sql_error with its message too", async () => {
    const notes = testClient().sqlNotes.getOrCreate(uniqueKey());
    const begin = await codeOf(notes.beginTransaction());
    expect(begin.code).toBe("sql_error");
    expect(begin.message).toContain("In an actor, run the statements in c.sql.transaction(() => …) (or c.db.transaction) instead.");
    expect((await codeOf(notes.bigintParameter())).code).toBe("sql_error");
  });

  it("a query builder's failure is sql_error too, without its statement or parameters", async () => {
    const { code, message } = await codeOf(testClient().sqlNotes.getOrCreate(uniqueKey()).brokenBuilder());
    expect(code).toBe("sql_error");
    expect(message).toContain("no such table: missing_table");
    expect(message).not.toContain("hunter2");
    expect(message).not.toContain("Failed query");
  });

  it("actorflare's tables are out of reach: sql_reserved_name, nothing read", async () => {
    const notes = testClient().sqlNotes.getOrCreate(uniqueKey());
    const { code } = await codeOf(notes.reserved());
    expect(code).toBe("sql_reserved_name");
    expect((await codeOf(notes.reservedQuoted())).code).toBe("sql_reserved_name");
    // Only names count: the prefix inside a string value is no table.
    expect(await notes.mentionsReserved()).toBe("about actorflare_things, it's fine");
  });

  it("a name with the prefix inside it, and the prefix in a comment or a string value, are no reserved names", async () => {
    expect(await testClient().sqlNotes.getOrCreate(uniqueKey()).prefixInside()).toEqual(["actorflare_x"]);
  });

  it("bracketed, backticked, qualified, upper-case, after-a-comment and single-quoted forms of a reserved name are refused", async () => {
    expect(await testClient().sqlNotes.getOrCreate(uniqueKey()).reservedForms()).toEqual(Array(5).fill("sql_reserved_name"));
  });

  it("called with a string rather than as a template: sql_not_template", async () => {
    const { code } = await codeOf(testClient().sqlNotes.getOrCreate(uniqueKey()).notTemplate("DELETE FROM state"));
    expect(code).toBe("sql_not_template");
  });
});

describe("c.db's refused statements", () => {
  async function membersOf(key: string) {
    const notes = testClient().sqlNotes.getOrCreate(key);
    await notes.createMembers();
    await notes.addMember("ann", 1);
    return notes;
  }

  it.each([
    ["UNIQUE", ["ann", 1], "UNIQUE constraint failed: members.name"],
    ["NOT NULL", [null, 1], "NOT NULL constraint failed: members.name"],
    ["FOREIGN KEY", ["bob", 99], "FOREIGN KEY constraint failed"],
  ] as const)("a %s constraint reaches the client as sql_error with SQLite's message", async (_kind, [name, group], expected) => {
    const notes = await membersOf(uniqueKey());
    const { code, message } = await codeOf(notes.addMember(name, group));
    expect(code).toBe("sql_error");
    expect(message).toContain(expected);
    expect(message).not.toContain("insert into");
  });

  it("awaited, or in c.db.transaction (which rolls back), it is sql_error too", async () => {
    const notes = await membersOf(uniqueKey());
    expect((await codeOf(notes.addMemberAwaited("ann"))).code).toBe("sql_error");
    const { code, message } = await codeOf(notes.addMembersTogether(["cy", "dee", "cy"]));
    expect(code).toBe("sql_error");
    expect(message).toContain("UNIQUE constraint failed: members.name");
    expect(await notes.memberNames()).toEqual(["ann"]);
  });

  it("inside the action, c.db throws sql_error as c.sql does; c.db.run(sql) wraps it in Drizzle's error", async () => {
    const notes = await membersOf(uniqueKey());
    expect(await notes.duplicateCaught("eve")).toEqual(["nothing thrown", "sql_error", "sql_error", "sql_error"]);
    expect(await notes.rawRunCaught()).toEqual(["DrizzleError", "sql_error"]);
  });
});

describe("actor({ db: drizzle(...) })", () => {
  it("runs drizzle-kit's migrations on the first wake; c.db reads and writes typed rows", async () => {
    const list = testClient().todoList.getOrCreate(uniqueKey());
    const added = await list.add("write tests");
    expect(added).toMatchObject({ id: 1, title: "write tests", done: false });
    await list.add("ship");
    await list.toggle(1);
    expect((await list.list()).map(({ title, done }) => ({ title, done }))).toEqual([
      { title: "write tests", done: true },
      { title: "ship", done: false },
    ]);
    expect(await list.openCount()).toBe(1);
  });

  it("migrations run once: after a restart the rows are still there and nothing is applied twice", async () => {
    const key = uniqueKey();
    const list = testClient().todoList.getOrCreate(key);
    await list.add("before the restart");
    await restartActor({ query: { getForKey: { name: "todoList", key: [key] } } });
    await list.add("after the restart");
    expect((await list.list()).map((todo) => todo.title)).toEqual(["before the restart", "after the restart"]);
  });

  it("a user error from an action keeps its code", async () => {
    const { code } = await codeOf(testClient().todoList.getOrCreate(uniqueKey()).add(""));
    expect(code).toBe("invalid_title");
  });

  it("a failing migration fails the wake with migration_failed and applies nothing; every request tries again", async () => {
    const key = uniqueKey();
    const actor = testClient().badMigration.getOrCreate(key);
    for (let attempt = 0; attempt < 2; attempt++) {
      const { code, message } = await codeOf(actor.tables());
      expect(code).toBe("migration_failed");
      expect(message).toContain("migration 0000_broken: table half already exists");
    }
    // The first statement of the failed migration was rolled back with it.
    const tables = await runInDurableObject(env.BAD_MIGRATION.get(env.BAD_MIGRATION.idFromName(JSON.stringify([key]))), (_instance, state) =>
      state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
        .toArray()
        .map((row) => row.name),
    );
    expect(tables).not.toContain("half");
    expect(tables).not.toContain("__drizzle_migrations");
  });
});
