import { describe, expect, it } from "vitest";
import { ActorflareError, sqlError } from "../../src/protocol/errors";

// What reaches the client of an error SQLite gave: sql_error with SQLite's message, found along
// the causes a query builder wraps it in; any other error is no SQL error.

describe("sqlError", () => {
  it.each([
    "no such table: todos: SQLITE_ERROR",
    "UNIQUE constraint failed: members.name: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)",
    "NOT NULL constraint failed: members.name: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_NOTNULL)",
    "FOREIGN KEY constraint failed: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_FOREIGNKEY)",
  ])("%j, and a builder's error caused by it, are sql_error with SQLite's message only", (message) => {
    const wrapped = new Error(`Failed query: INSERT INTO members VALUES (?)\nparams: hunter2`, { cause: new Error(message) });
    for (const error of [new Error(message), wrapped]) {
      expect(sqlError(error)?.toBody()).toEqual({ c: "sql_error", m: `SQL failed: ${message}` });
    }
  });

  it("a builder's error caused by an sql_error answers that sql_error; other errors are none", () => {
    const refused = new ActorflareError("sql_error", "SQL failed: no such table: t: SQLITE_ERROR", { status: 500 });
    expect(sqlError(new Error("Failed to run the query", { cause: refused }))).toBe(refused);
    expect(sqlError(new Error("Failed", { cause: new ActorflareError("user_error", "SQLITE_ERROR") }))).toBeUndefined();
    expect(sqlError(new Error("something else"))).toBeUndefined();
    expect(sqlError("SQLITE_ERROR")).toBeUndefined();
  });
});
