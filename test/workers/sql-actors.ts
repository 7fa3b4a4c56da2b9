import { sql } from "drizzle-orm";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { drizzle, type DrizzleMigrations } from "../../src/db/drizzle";
import { actor, ActorflareError, type SqlBinding, UserError } from "../../src/index";

export { todoList } from "../../examples/demo/actors/todo-list";

/** Tables with constraints, for c.db: a member's name is required and unique, its group must exist. */
const groups = sqliteTable("groups", { id: integer("id").primaryKey() });
const members = sqliteTable("members", {
  id: integer("id").primaryKey(),
  name: text("name").notNull().unique(),
  group: integer("group_id").references(() => groups.id),
});

/** What an action sees of an error it caught: the code of an ActorflareError, or the error's class. */
function caught(run: () => unknown): string {
  try {
    run();
    return "nothing thrown";
  } catch (error) {
    return error instanceof ActorflareError ? error.code : (error as Error).constructor.name;
  }
}

/**
 * `c.sql` beside the actor's own state and schedules: tables whose names an actor is likely to
 * choose (state, meta, schedule, connections) must not disturb actorflare's own.
 */
export const sqlNotes = actor({
  state: { saved: 0 },
  onAuth: () => ({}),
  actions: {
    createTables: (c) => {
      c.sql`CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY, body TEXT)`;
      c.sql`CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)`;
      c.sql`CREATE TABLE IF NOT EXISTS schedule (id INTEGER PRIMARY KEY, at INTEGER)`;
      c.sql`CREATE TABLE IF NOT EXISTS connections (id INTEGER PRIMARY KEY)`;
    },
    add: (c, body: string) => {
      c.sql`INSERT INTO state (body) VALUES (${body})`;
      c.sql`INSERT OR REPLACE INTO meta (k, v) VALUES (${"last"}, ${body})`;
      c.state.saved++;
      return c.state.saved;
    },
    find: (c, body: string) => c.sql<{ id: number; body: string }>`SELECT id, body FROM state WHERE body = ${body}`,
    all: (c) => c.sql<{ id: number; body: string }>`SELECT id, body FROM state ORDER BY id`,
    tables: (c) => c.sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`.map((row) => row.name),
    later: (c, ms: number) => c.schedule.after(ms, "add", "from the schedule"),
    broken: (c) => c.sql`SELECT * FROM no_such_table WHERE secret = ${"hunter2"}`,
    reserved: (c) => c.sql`SELECT * FROM actorflare_state`,
    reservedQuoted: (c) => c.sql`SELECT * FROM "ActorFlare_state"`,
    /** The reserved prefix inside a string value: no table is named. */
    mentionsReserved: (c) => c.sql<{ v: string }>`SELECT 'about actorflare_things, it''s fine' AS v`[0]?.v,
    /** Statements the runtime refuses without an SQLite code: a transaction of one's own, a bigint parameter. */
    beginTransaction: (c) => c.sql`BEGIN TRANSACTION`,
    bigintParameter: (c) => c.sql`SELECT ${1n as unknown as number} AS n`,
    /** `c.sql(text)` rather than a template: the untyped mistake a JavaScript caller can make. */
    notTemplate: (c, text: string) => (c.sql as unknown as (text: string) => unknown)(text),
    /** A query builder's failure: Drizzle puts the statement and its parameters in its message. */
    brokenBuilder: (c) => c.db.run(sql`SELECT * FROM missing_table WHERE secret = ${"hunter2"}`),
    /** The prefix inside names, a comment, a string value and a bound value: none of them is a table of actorflare's. */
    prefixInside: (c) => {
      c.sql`CREATE TABLE IF NOT EXISTS my_actorflare_stats (x) -- actorflare_ in a comment`;
      c.sql`INSERT INTO my_actorflare_stats (x) VALUES (${"actorflare_x"}) /* actorflare_state */`;
      return c.sql<{ x: string }>`SELECT x FROM main.my_actorflare_stats WHERE x <> 'no actorflare_' AND x <> ${"actorflare_"}`.map((row) => row.x);
    },
    reservedForms: (c) => [
      caught(() => c.sql`SELECT * FROM [actorflare_state]`),
      caught(() => c.sql`SELECT * FROM \`actorflare_state\``),
      caught(() => c.sql`SELECT * FROM main.ACTORFLARE_STATE`),
      caught(() => c.sql`SELECT 1 -- a comment\nFROM actorflare_state`),
      // A string where a name is expected: SQLite reads it as the schedule's table.
      caught(() => c.sql`DELETE FROM 'actorflare_schedule'`),
    ],
    createMembers: (c) => {
      c.sql`CREATE TABLE IF NOT EXISTS groups (id INTEGER PRIMARY KEY)`;
      c.sql`CREATE TABLE IF NOT EXISTS members (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, group_id INTEGER REFERENCES groups (id))`;
      c.sql`INSERT OR IGNORE INTO groups (id) VALUES (1)`;
    },
    /** Adds a member with c.db (null names and unknown groups included: SQLite refuses them). */
    addMember: (c, name: string | null, group: number | null = null) => {
      c.db
        .insert(members)
        .values({ name: name as string, group })
        .run();
    },
    addMemberAwaited: async (c, name: string) => {
      await c.db.insert(members).values({ name });
    },
    /** Adds the members in one c.db transaction. */
    addMembersTogether: (c, names: string[]) =>
      c.db.transaction((tx) => {
        for (const name of names) tx.insert(members).values({ name }).run();
      }),
    /** What the action sees when c.db, or c.sql, refuses a duplicate name. */
    duplicateCaught: (c, name: string) => [
      caught(() => c.db.insert(members).values({ name }).run()),
      caught(() => c.db.insert(members).values({ name }).run()),
      caught(() => c.db.transaction((tx) => tx.insert(members).values({ name }).run())),
      caught(() => c.sql`INSERT INTO members (name) VALUES (${name})`),
    ],
    /** The cause of the error `c.db.run(sql)` throws: Drizzle wraps what the statement threw. */
    rawRunCaught: (c) => {
      try {
        c.db.run(sql`SELECT * FROM missing_table`);
      } catch (error) {
        return [(error as Error).constructor.name, (error as Error).cause instanceof ActorflareError ? ((error as Error).cause as ActorflareError).code : "?"];
      }
    },
    memberNames: (c) =>
      c.db
        .select({ name: members.name })
        .from(members)
        .all()
        .map((row) => row.name),
    /** Writes a row and changes the state, then throws: a UserError, or a later statement SQLite refuses. */
    writeThenThrow: (c, how: "user_error" | "sql_error") => {
      c.sql`INSERT INTO state (body) VALUES (${how})`;
      c.state.saved++;
      if (how === "user_error") throw new UserError("Changed my mind.", { code: "changed_mind" });
      c.sql`INSERT INTO no_such_table VALUES (1)`;
    },
    /** Writes a row and changes the state before and after an await, then throws. */
    writeAwaitThenThrow: async (c) => {
      c.sql`INSERT INTO state (body) VALUES ('before the await')`;
      c.state.saved++;
      await new Promise((resolve) => setTimeout(resolve, 1));
      c.sql`INSERT INTO state (body) VALUES ('after the await')`;
      c.state.saved++;
      throw new UserError("Changed my mind.", { code: "changed_mind" });
    },
    /** Writes a row, then puts in the state what storage cannot keep. */
    writeThenUnstorableState: (c) => {
      c.sql`INSERT INTO state (body) VALUES ('beside a state that is not stored')`;
      c.state.saved++;
      // Inside a class instance, which the assignment does not walk: the save refuses it.
      (c.state as Record<string, unknown>).callback = new (class Holder {
        run = () => "functions cannot be stored";
      })();
    },
    saved: (c) => c.state.saved,
    /** Writes a row with c.sql and one with c.db in one c.sql.transaction, then throws in it if `fail`. */
    inTransaction: (c, fail: boolean) =>
      c.sql.transaction(() => {
        c.sql`INSERT INTO state (body) VALUES ('first')`;
        c.db.run(sql`INSERT INTO state (body) VALUES ('second')`);
        if (fail) throw new UserError("Changed my mind.", { code: "changed_mind" });
        return c.sql<{ n: number }>`SELECT count(*) AS n FROM state`[0]?.n;
      }),
    /** An async function given to c.sql.transaction: refused before it runs, so none of its statements are stored. */
    asyncTransaction: (c) =>
      c.sql.transaction(async () => {
        c.sql`INSERT INTO state (body) VALUES ('in an async transaction')`;
        await Promise.resolve();
        c.sql`INSERT INTO state (body) VALUES ('after its await')`;
      }),
    /** A function that is not async but returns a promise: its statements are undone. */
    promiseTransaction: (c) =>
      c.sql.transaction(() => {
        c.sql`INSERT INTO state (body) VALUES ('before the promise')`;
        return Promise.resolve(1);
      }),
    /** The same for c.db.transaction, which Drizzle's types let take an async function. */
    asyncDrizzleTransaction: (c) =>
      c.db.transaction(async (tx) => {
        tx.insert(members).values({ name: "before the await" }).run();
        await Promise.resolve();
        tx.insert(members).values({ name: "after the await" }).run();
        throw new Error("fail after await");
      }),
    /** An async function in a nested transaction (a savepoint), inside a synchronous one. */
    nestedAsyncDrizzleTransaction: (c) =>
      c.db.transaction((tx) => {
        tx.insert(members).values({ name: "outer" }).run();
        return tx.transaction(async (inner) => {
          inner.insert(members).values({ name: "nested, before the await" }).run();
          await Promise.resolve();
          inner.insert(members).values({ name: "nested, after the await" }).run();
        });
      }),
    promiseDrizzleTransaction: (c) => c.db.transaction((tx) => tx.insert(members).values({ name: "returned, not run" })),
    /** How SQLite sees what c.sql binds: each value's SQLite type and its SQL literal (`quote`), or the error's code. */
    bindings: (c) => {
      const seen = (value: SqlBinding) => {
        try {
          const [row] = c.sql<{ type: string; literal: string }>`SELECT typeof(v) AS type, quote(v) AS literal FROM (SELECT ${value} AS v)`;
          return row;
        } catch (error) {
          return (error as ActorflareError).code;
        }
      };
      return {
        uint8Array: seen(new Uint8Array([1, 2, 3])),
        arrayBuffer: seen(new Uint8Array([4, 5]).buffer),
        subarray: seen(new Uint8Array([9, 8, 7, 6]).subarray(1, 3)),
        dataView: seen(new DataView(new Uint8Array([1, 255]).buffer)),
        number: seen(5),
        nan: seen(Number.NaN),
        // @ts-expect-error: the types refuse undefined; the runtime binds NULL
        undefined: seen(undefined),
        // @ts-expect-error: the types refuse booleans; the runtime binds their text
        boolean: seen(true),
        // @ts-expect-error: the types refuse Dates; the runtime binds their text
        date: seen(new Date(0)),
        // @ts-expect-error: the types refuse objects; the runtime binds their text
        object: seen({ a: 1 }),
        bigint: seen(1n as unknown as number),
        symbol: seen(Symbol("s") as unknown as string),
      };
    },
    /** Numbers read back: an integer column keeps integers, and an integer past 2^53 comes back rounded. */
    integers: (c) => {
      c.sql`CREATE TABLE IF NOT EXISTS counts (n INTEGER, loose)`;
      c.sql`INSERT INTO counts (n, loose) VALUES (${5}, ${5})`;
      const [stored] = c.sql`SELECT n, typeof(n) AS nType, loose, typeof(loose) AS looseType FROM counts`;
      const [big] = c.sql`SELECT 9007199254740993 AS n, typeof(9007199254740993) AS type, CAST(9007199254740993 AS TEXT) AS text`;
      return { stored, big };
    },
    blob: (c) => c.sql<{ bytes: ArrayBuffer }>`SELECT x'01ff' AS bytes`[0],
  },
  db: drizzle(),
});

/** Migrations whose second statement fails: nothing of them may be applied, and the actor does not start. */
const failingMigrations: DrizzleMigrations = {
  journal: { entries: [{ idx: 0, when: 1, tag: "0000_broken", breakpoints: true }] },
  migrations: { m0000: "CREATE TABLE half (id INTEGER);\n--> statement-breakpoint\nCREATE TABLE half (id INTEGER);" },
};

export const badMigration = actor({
  state: { started: 0 },
  db: drizzle({ migrations: failingMigrations }),
  onAuth: () => ({}),
  actions: {
    tables: (c) => c.sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.map((row) => row.name),
  },
});
