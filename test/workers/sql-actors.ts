import { sql as sqlTag } from "drizzle-orm";
import { drizzle, type DrizzleMigrations } from "../../src/db/drizzle";
import { actor } from "../../src/index";

export { todoList } from "../../examples/demo/actors/todo-list";

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
    brokenBuilder: (c) => c.db.run(sqlTag`SELECT * FROM missing_table WHERE secret = ${"hunter2"}`),
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
