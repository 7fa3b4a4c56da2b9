import { describe, expect, it } from "vitest";
import { namesReserved } from "../../src/actor/sql-names";

// c.sql refuses statements that name actorflare's own tables (sql_reserved_name); the names
// users choose are theirs, even those with the prefix inside them.

describe("namesReserved", () => {
  it.each([
    "SELECT * FROM actorflare_state",
    "select * from ACTORFLARE_STATE",
    'SELECT * FROM "ActorFlare_state"',
    "SELECT * FROM [actorflare_state]",
    "SELECT * FROM `actorflare_state`",
    "SELECT * FROM main.actorflare_state",
    'SELECT * FROM "main"."actorflare_state"',
    "SELECT * FROM main.[actorflare_schedule]",
    "DELETE FROM actorflare_connections WHERE 1",
    "DROP TABLE IF EXISTS actorflare_x",
    "CREATE TABLE actorflare_mine (x)",
    "SELECT 1 AS actorflare_col",
    "SELECT x FROM t1 JOIN actorflare_state ON 1",
    "SELECT * FROM(actorflare_state)",
    "SELECT * FROM t WHERE a='x'AND b IN (SELECT * FROM actorflare_state)",
    "SELECT '--' FROM actorflare_state",
    'SELECT "it\'s" FROM actorflare_state',
    'SELECT 1 FROM "actorflare_a""b"',
    "SELECT 1 -- a comment\nFROM actorflare_state",
    "SELECT /* a comment */ * FROM actorflare_state",
    // SQLite takes a string for a name where one is expected.
    "DELETE FROM 'actorflare_schedule'",
    "SELECT count(*) FROM 'ACTORFLARE_state'",
    "SELECT * FROM main.'actorflare_state'",
    "SELECT 'actorflare_state",
    "SELECT 'a' || 'actorflare_' AS v",
  ])("refuses %j", (query) => {
    expect(namesReserved(query)).toBe(true);
  });

  it.each([
    "CREATE TABLE my_actorflare_stats (x)",
    "INSERT INTO my_actorflare_stats (x) VALUES (?)",
    'SELECT * FROM "my actorflare_stats"',
    "SELECT * FROM [my actorflare_stats]",
    "SELECT * FROM stats_actorflare_",
    "SELECT * FROM éactorflare_x",
    "SELECT 'about actorflare_things, it''s fine' AS v",
    "SELECT 1 -- actorflare_ comment",
    "SELECT 1 /* actorflare_state */ AS v",
    "SELECT 1 /* actorflare_state",
    "SELECT 'my actorflare_state' AS v",
    "SELECT * FROM todos WHERE title = 'x' -- then actorflare_state\n AND done = 0",
    "SELECT * FROM state",
  ])("lets %j through", (query) => {
    expect(namesReserved(query)).toBe(false);
  });
});
