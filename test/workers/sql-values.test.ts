import { describe, expect, it } from "vitest";
import { testClient, uniqueKey } from "./helpers";

// What c.sql binds, and how values come back, as the README's "SQL and Drizzle" says.

describe("c.sql's values", () => {
  it("binds typed arrays, DataViews and ArrayBuffers as blobs; undefined and NaN as NULL; booleans, Dates and objects as their text; refuses bigint and Symbol", async () => {
    expect(await testClient().sqlNotes.getOrCreate(uniqueKey()).bindings()).toEqual({
      uint8Array: { type: "blob", literal: "X'010203'" },
      arrayBuffer: { type: "blob", literal: "X'0405'" },
      subarray: { type: "blob", literal: "X'0807'" },
      dataView: { type: "blob", literal: "X'01FF'" },
      number: { type: "real", literal: "5.0" },
      nan: { type: "null", literal: "NULL" },
      undefined: { type: "null", literal: "NULL" },
      boolean: { type: "text", literal: "'true'" },
      date: { type: "text", literal: `'${String(new Date(0))}'` },
      object: { type: "text", literal: "'[object Object]'" },
      bigint: "sql_error",
      symbol: "sql_error",
    });
  });

  it("a number is bound as REAL, which a column declared INTEGER stores as an integer; integers read back as numbers, rounded past 2^53", async () => {
    expect(await testClient().sqlNotes.getOrCreate(uniqueKey()).integers()).toEqual({
      stored: { n: 5, nType: "integer", loose: 5, looseType: "real" },
      big: { n: 2 ** 53, type: "integer", text: "9007199254740993" },
    });
  });

  it("a blob an action returns is {} over JSON (JSON.stringify's rule for an ArrayBuffer) and its bytes over CBOR", async () => {
    const key = uniqueKey();
    expect(await testClient("json").sqlNotes.getOrCreate(key).blob()).toEqual({ bytes: {} });
    const overCbor = (await testClient("cbor").sqlNotes.getOrCreate(key).blob()) as { bytes: unknown };
    expect(overCbor.bytes).toBeInstanceOf(Uint8Array);
    expect([...(overCbor.bytes as Uint8Array)]).toEqual([1, 255]);
  });
});
