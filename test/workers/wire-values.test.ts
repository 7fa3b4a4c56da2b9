import { describe, expect, expectTypeOf, it } from "vitest";
import type { ActorError } from "../../src/client/index";
import { encodeCbor } from "../../src/protocol/cbor";
import { errorBody, queryHeaders, rejection, testClient, uniqueKey, call } from "./helpers";
import { Float16 } from "./registry";

// Values an action returns that one of actorflare's own encodings cannot carry (docs/protocol.md,
// "Encodings"): JSON has no bigint and no cycle, and says so with `value_not_serializable`
// rather than a masked internal error; CBOR carries both, and a Float16Array with its tag.

const transports = ["websocket", "sse"] as const;

describe("values JSON cannot carry", () => {
  it.each([
    ["bigint", "holds a bigint"],
    ["bigints", "holds a bigint"],
    ["cycle", "has a cycle"],
  ] as const)("a %s returned over HTTP is value_not_serializable, naming the cause and the fix", async (kind, cause) => {
    const response = await call("/registry/actors/actions/make", {
      method: "POST",
      headers: { ...queryHeaders({ getOrCreateForKey: { name: "echo", key: [uniqueKey()] } }), "X-RivetKit-Encoding": "json" },
      body: JSON.stringify({ a: [kind] }),
    });
    expect(response.status).toBe(500);
    const body = await errorBody(response);
    expect(body.c).toBe("value_not_serializable");
    expect(body.m).toContain(cause);
    expect(body.m).toContain('encoding: "cbor"');
  });

  it.each(transports)("a bigint or a cycle returned on a %s connection is value_not_serializable, and the connection goes on", async (transport) => {
    const client = testClient("json", transport);
    const conn = client.echo.getOrCreate(uniqueKey()).connect();
    try {
      for (const kind of ["bigint", "cycle"] as const) {
        const error = await rejection(conn.make(kind));
        expect([error.code, error.message]).toEqual(["value_not_serializable", expect.stringContaining(kind === "bigint" ? "holds a bigint" : "has a cycle")]);
      }
      expect(await conn.echo(1, "two")).toEqual([1, "two"]);
    } finally {
      await client.dispose();
    }
  });
});

describe("values no encoding carries", () => {
  it("a Promise in an answer over HTTP is value_not_serializable in CBOR, naming it; JSON writes it as {}, as on a JSON connection", async () => {
    const error = await rejection(testClient("cbor").echo.getOrCreate(uniqueKey()).make("promise"));
    expect([error.code, error.message]).toEqual(["value_not_serializable", expect.stringContaining("a Promise (await it first)")]);
    expect(await testClient("json").echo.getOrCreate(uniqueKey()).make("promise")).toEqual({ count: {} });
  });

  it("a function is left out in JSON, as JSON.stringify does, and refused in CBOR", async () => {
    expect(await testClient("json").echo.getOrCreate(uniqueKey()).make("function")).toEqual({});
    const error = await rejection(testClient("cbor").echo.getOrCreate(uniqueKey()).make("function"));
    expect([error.code, error.message]).toEqual(["value_not_serializable", expect.stringContaining("a function")]);
  });

  it.each(transports)("on a CBOR %s connection too, and the connection goes on", async (transport) => {
    const client = testClient("cbor", transport);
    const conn = client.echo.getOrCreate(uniqueKey()).connect();
    try {
      const error = await rejection(conn.make("promise"));
      expect([error.code, error.message]).toEqual(["value_not_serializable", expect.stringContaining("a Promise (await it first)")]);
      expect(await conn.echo(1)).toEqual([1]);
    } finally {
      await client.dispose();
    }
  });
});

describe("what the client's types say and JSON does not keep", () => {
  it("a Date arrives as its ISO string and a Map, a Set or a typed array as a plain object over JSON, typed as they were; CBOR keeps them", async () => {
    const overJson = await testClient("json").echo.getOrCreate(uniqueKey()).typed();
    expectTypeOf(overJson.at).toEqualTypeOf<Date>();
    expect(overJson).toEqual({ at: "1970-01-01T00:00:00.000Z", tags: {}, counts: {}, bytes: { 0: 1, 1: 2 } });
    const overCbor = await testClient("cbor").echo.getOrCreate(uniqueKey()).typed();
    expect(overCbor).toEqual({ at: new Date(0), tags: new Set(["a"]), counts: new Map([["a", 1]]), bytes: new Uint8Array([1, 2]) });
  });
});

describe("CBOR carries them", () => {
  it.each(transports)("a bigint, a cycle and a Float16Array, over HTTP and on a %s connection", async (transport) => {
    const client = testClient("cbor", transport);
    const handle = client.echo.getOrCreate(uniqueKey());
    const conn = handle.connect();
    try {
      for (const call of [handle, conn]) {
        expect(await call.make("bigint")).toBe(5n);
        const loop = (await call.make("cycle")) as Record<string, unknown>;
        expect(loop.self).toBe(loop);
        const halves = await call.make("halves");
        expect(halves).toBeInstanceOf(Float16);
        expect(Array.from(halves as ArrayLike<number>)).toEqual([1.5, 2]);
      }
    } finally {
      await client.dispose();
    }
  });

  it("a Float16Array is tag 84, little-endian (RFC 8746), as the other typed arrays", () => {
    expect([...encodeCbor(new Float16([1.5, 2]))]).toEqual([0xd8, 0x54, 0x44, 0x00, 0x3e, 0x00, 0x40]);
  });
});

describe("an event some listeners' encoding cannot carry", () => {
  it.each(transports)(
    "sent by onConnect to a JSON connection over %s, it refuses the connection with value_not_serializable; CBOR carries it",
    async (transport) => {
      const json = testClient("json", transport);
      const cbor = testClient("cbor", transport);
      try {
        const refused = json.herald.getOrCreate(uniqueKey(), { params: { greet: "bigint" } }).connect();
        const error = await rejection(refused.subscriptions());
        expect([error.code, error.metadata]).toEqual(["value_not_serializable", { event: "greeting" }]);
        const greeted = cbor.herald.getOrCreate(uniqueKey(), { params: { greet: "bigint" } }).connect();
        const greetings: unknown[] = [];
        // @ts-expect-error: an event herald does not declare
        greeted.on("greeting", (value: unknown) => greetings.push(value));
        await greeted.subscriptions();
        expect(greetings).toEqual([5n]);
      } finally {
        await Promise.all([json.dispose(), cbor.dispose()]);
      }
    },
  );

  it.each(transports)(
    "reaches the listeners that can take it; a JSON listener over %s gets value_not_serializable instead; the sender's action answers",
    async (transport) => {
      const key = uniqueKey();
      const cbor = testClient("cbor", transport);
      const json = testClient("json", transport);
      try {
        // The JSON listener connects first: it must not cut the event off from the CBOR one.
        const jsonListener = json.herald.getOrCreate(key).connect();
        const jsonErrors: ActorError[] = [];
        jsonListener.onError((error) => jsonErrors.push(error));
        const jsonSeen: unknown[] = [];
        // @ts-expect-error: an event herald does not declare
        jsonListener.on("big", (value: unknown) => jsonSeen.push(value));
        await jsonListener.subscriptions();
        const sender = cbor.herald.getOrCreate(key).connect();
        const cborSeen: unknown[] = [];
        // @ts-expect-error: an event herald does not declare
        sender.on("big", (value: unknown) => cborSeen.push(value));
        expect(await sender.broadcast("big", 5n)).toBe("big");
        expect(cborSeen).toEqual([5n]);
        // The JSON listener's error went out before the sender's answer; a call on its own connection comes after it.
        await jsonListener.subscriptions();
        expect(jsonSeen).toEqual([]);
        expect(jsonErrors.map((error) => [error.code, error.metadata])).toEqual([["value_not_serializable", { event: "big" }]]);
        expect(jsonErrors[0]!.message).toMatch(/^Event 'big' could not be sent to this connection, whose encoding is json: .*bigint/);

        // conn.send to that one connection fails the action that sends it, saying why.
        const refused = await rejection(sender.sendTo(jsonListener.connectionId!, "big", 5n));
        expect([refused.code, refused.metadata]).toEqual(["value_not_serializable", { event: "big" }]);
        expect(refused.message).toContain(`could not be sent to connection ${jsonListener.connectionId}, whose encoding is json`);
      } finally {
        await Promise.all([cbor.dispose(), json.dispose()]);
      }
    },
  );
});
