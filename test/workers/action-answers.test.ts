import { decode, encode } from "cbor-x";
import { describe, expect, it } from "vitest";
import type { Shape } from "./answer-values";
import { call, queryHeaders, rejection, testClient, uniqueKey } from "./helpers";
import { registry } from "./registry";

// What an action answers over HTTP, through `c.client()` and through the server-side client is
// what a connection answers for the same value: the value as the encoding carries it (a class
// instance as its own enumerable properties). What the encoding cannot carry fails as on a
// connection, with `value_not_serializable` saying the action ran, never as a failure to reach it.

const encodings = ["json", "cbor"] as const;

const plainPoint = { x: 3, y: 4 };
const plainNested = { segment: { from: { x: 0, y: 0 }, to: { x: 1, y: 2 } }, points: [{ x: 5, y: 6 }] };

/** What each shape arrives as, per encoding: a value, or the error code the call fails with. */
const expected: Record<Shape, Record<(typeof encodings)[number], { value: unknown } | { code: string }>> = {
  point: { json: { value: plainPoint }, cbor: { value: plainPoint } },
  labelled: { json: { value: { label: "hi" } }, cbor: { value: { label: "hi" } } },
  nested: { json: { value: plainNested }, cbor: { value: plainNested } },
  symbol: { json: { value: { n: 1 } }, cbor: { code: "value_not_serializable" } },
  function: { json: { value: { n: 1 } }, cbor: { code: "value_not_serializable" } },
  bigint: { json: { code: "value_not_serializable" }, cbor: { value: { n: 5n } } },
};

/** A call's value, or the code and message it failed with. */
function settle(answer: Promise<unknown>): Promise<{ value: unknown } | { code: string; message: string }> {
  return answer.then(
    (value) => ({ value }),
    async () => {
      const { code, message } = await rejection(answer);
      return { code, message };
    },
  );
}

/** `outcome` is what `kind` arrives as in `encoding`; a failure says which action ran. */
function expectArrival(outcome: Awaited<ReturnType<typeof settle>>, kind: Shape, encoding: (typeof encodings)[number]): void {
  const want = expected[kind][encoding];
  expect(outcome).toEqual("value" in want ? want : { code: want.code, message: expect.stringContaining("Action 'shaped' ran") });
}

describe("an HTTP action's answer is what a connection answers", () => {
  it.each(encodings)("a class instance arrives as its plain object on the wire (%s), with 200", async (encoding) => {
    const response = await call("/registry/actors/actions/shaped", {
      method: "POST",
      headers: queryHeaders({ getOrCreateForKey: { name: "echo", key: [uniqueKey()] } }, { "X-RivetKit-Encoding": encoding }),
      body: encoding === "json" ? JSON.stringify({ a: ["point"] }) : encode({ a: ["point"] }),
    });
    expect(response.status).toBe(200);
    const body = encoding === "json" ? await response.json() : decode(new Uint8Array(await response.arrayBuffer()));
    expect(body).toEqual({ o: plainPoint });
  });

  describe.each(encodings)("in %s", (encoding) => {
    it.each(Object.keys(expected) as Shape[])("%s: over HTTP as on a connection", async (kind) => {
      const client = testClient(encoding);
      const handle = client.echo.getOrCreate(uniqueKey());
      const conn = handle.connect();
      try {
        expectArrival(await settle(handle.shaped(kind)), kind, encoding);
        expectArrival(await settle(conn.shaped(kind)), kind, encoding);
      } finally {
        await client.dispose();
      }
    });

    it("an action that changes the state and answers with a class instance runs once", async () => {
      const handle = testClient(encoding).echo.getOrCreate(uniqueKey());
      expect(await handle.move("point")).toEqual(plainPoint);
      expect(await handle.moves()).toBe(1);
    });

    it("an answer the encoding cannot carry is value_not_serializable, saying the action ran and its change is kept", async () => {
      const handle = testClient(encoding).echo.getOrCreate(uniqueKey());
      const error = await rejection(handle.move(encoding === "json" ? "bigint" : "function"));
      expect(error.code).toBe("value_not_serializable");
      expect(error.message).toMatch(/^Action 'move' ran \(what it changed is kept\), but its output could not be sent: A value could not be encoded/);
      expect(await handle.moves()).toBe(1);
    });

    it("an answer over the 32 MiB one RPC call carries is value_not_serializable, saying the action ran", async () => {
      const handle = testClient(encoding).echo.getOrCreate(uniqueKey());
      const error = await rejection(handle.moveLarge(33 * 1024 * 1024));
      expect(error.code).toBe("value_not_serializable");
      expect(error.message).toMatch(
        /^Action 'moveLarge' ran \(what it changed is kept\), but its output could not be sent: it is 33\.0 MiB encoded, over the 32 MiB/,
      );
      expect(await handle.moves()).toBe(1);
      // Just under the limit still answers.
      expect((await handle.moveLarge(31 * 1024 * 1024)).length).toBe(31 * 1024 * 1024);
    });

    it("a class instance made by onBeforeActionResponse too", async () => {
      const client = testClient(encoding);
      const handle = client.echo.getOrCreate(uniqueKey());
      const conn = handle.connect();
      try {
        expect(await handle.hooked()).toEqual({ x: 1, y: 1 });
        expect(await conn.hooked()).toEqual({ x: 1, y: 1 });
      } finally {
        await client.dispose();
      }
    });
  });
});

describe("the server's own clients carry the answer as CBOR does", () => {
  // CBOR, not the client's JSON default: it keeps a Date, a Map or a bigint, as RPC did before.
  const client = testClient("cbor");

  it("c.client(): a class instance, nested or not, arrives as its plain object", async () => {
    const caller = client.caller.getOrCreate(uniqueKey());
    expect(await caller.shapedBy(uniqueKey("echo"), "point")).toEqual({ answer: plainPoint });
    expect(await caller.shapedBy(uniqueKey("echo"), "nested")).toEqual({ answer: plainNested });
    expect(await caller.shapedBy(uniqueKey("echo"), "bigint")).toEqual({ answer: { n: 5n } });
  });

  it("c.client(): the called action's state change happens once", async () => {
    expect(await client.caller.getOrCreate(uniqueKey()).moveBy(uniqueKey("echo"), "point")).toEqual({ answer: plainPoint, moves: 1 });
  });

  it("c.client(): an answer CBOR cannot carry is value_not_serializable, saying the action ran", async () => {
    expect(await client.caller.getOrCreate(uniqueKey()).shapedBy(uniqueKey("echo"), "function")).toEqual({
      code: "value_not_serializable",
      message: expect.stringContaining("Action 'shaped' ran"),
    });
  });

  it("the server-side client: a class instance arrives as its plain object; a Date, a Map and bytes stay as they are", async () => {
    const echo = registry.createServer().client.echo.getOrCreate(uniqueKey());
    expect(await echo.shaped("point")).toEqual(plainPoint);
    expect(await echo.typed()).toEqual({ at: new Date(0), tags: new Set(["a"]), counts: new Map([["a", 1]]), bytes: new Uint8Array([1, 2]) });
  });
});
