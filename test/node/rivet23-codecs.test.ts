import * as bare from "@rivetkit/bare-ts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCbor, encodeCbor } from "../../src/protocol/cbor";
import { ActorflareError } from "../../src/protocol/errors";
import { BareError, BareReader, BareWriter } from "../../src/protocol/rivet23/bare";
import { CompatError, fromCompat, toCompat } from "../../src/protocol/rivet23/compat";
import { closeReason, toRivetError } from "../../src/protocol/rivet23/errors";
import { type GatewayPath, gatewayActor, splitGatewayPath } from "../../src/protocol/rivet23/gateway";
import { decodeInput, formatKeyString, parseGatewayKey, parseKeyString } from "../../src/protocol/rivet23/keys";
import { decodeActionArgs23, decodeToServer23, encodeToClient23 } from "../../src/protocol/rivet23/messages";

// The pieces of RivetKit 2.3's wire (docs/protocol.md §12), without a server: the hand-written
// BARE primitives against the BARE library RivetKit's client uses (@rivetkit/bare-ts, installed
// with rivetkit), the key and input formats, the value tagging, the gateway's paths and the
// refusals of malformed messages. test/node/rivetkit23-client.test.ts runs RivetKit's own client.

const cursor = (bytes: Uint8Array) => new bare.ByteCursor(bytes, bare.Config({}));
const libraryWrite = (write: (bc: bare.ByteCursor) => void) => {
  const bc = cursor(new Uint8Array(16));
  write(bc);
  return new Uint8Array(bc.view.buffer, bc.view.byteOffset, bc.offset);
};

describe("BARE primitives agree with @rivetkit/bare-ts", () => {
  it("uint, string, data, bool and optional, both ways", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.string(), fc.uint8Array({ maxLength: 300 }), fc.boolean(), fc.option(fc.string()), (n, text, bytes, flag, maybe) => {
        const ours = new BareWriter()
          .uint(n)
          .string(text)
          .data(bytes)
          .bool(flag)
          .optional(maybe, (w, s) => w.string(s))
          .bytes();
        const theirs = libraryWrite((bc) => {
          bare.writeUint(bc, BigInt(n));
          bare.writeString(bc, text);
          bare.writeData(bc, bytes.slice().buffer);
          bare.writeBool(bc, flag);
          bare.writeBool(bc, maybe !== null);
          if (maybe !== null) bare.writeString(bc, maybe);
        });
        expect([...ours]).toEqual([...theirs]);
        const reader = new BareReader(theirs);
        expect([reader.uint(), reader.string(), [...reader.data()], reader.bool(), reader.optional((r) => r.string())]).toEqual([
          n,
          text,
          [...bytes],
          flag,
          maybe,
        ]);
        reader.end();
      }),
    );
  });

  it("the u16 version prefix is little-endian", () => {
    expect([...new BareWriter().u16(4).bytes()]).toEqual([4, 0]);
    expect(new BareReader(new Uint8Array([0x34, 0x12])).u16()).toBe(0x1234);
  });

  const uint = (r: BareReader) => r.uint();
  const text = (r: BareReader) => r.string();
  const bool = (r: BareReader) => r.bool();
  it.each([
    ["a truncated integer", [0x80], uint],
    ["an integer not in its shortest form", [0x80, 0x00], uint],
    ["an integer past 2^53", [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], uint],
    ["a length past the end", [0x05, 0x61], text],
    ["text that is not UTF-8", [0x02, 0xc3, 0x28], text],
    ["a boolean of 2", [0x02], bool],
  ])("refuses %s", (_what, bytes, read) => {
    expect(() => read(new BareReader(new Uint8Array(bytes)))).toThrow(BareError);
  });

  it("refuses bytes left after a message", () => {
    const reader = new BareReader(new Uint8Array([1, 2]));
    reader.u8();
    expect(() => reader.end()).toThrow(BareError);
  });
});

describe("keys and input", () => {
  it("the actor API's key string round-trips every key", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom("a", "/", "\\", "0", ",", "é") }), { maxLength: 5 }), (key) => {
        expect(parseKeyString(formatKeyString(key))).toEqual(key);
      }),
    );
  });

  it.each([
    ["/", []],
    ["", []],
    ["room", ["room"]],
    ["a/b", ["a", "b"]],
    ["a\\/b", ["a/b"]],
    ["\\0", [""]],
    ["\\0/\\0", ["", ""]],
    ["back\\\\slash", ["back\\slash"]],
  ])("parses %j as RivetKit writes it", (text, key) => {
    expect(parseKeyString(text)).toEqual(key);
    expect(formatKeyString(key)).toBe(text === "" ? "/" : text);
  });

  it("rvt-key splits on commas; empty is the empty key", () => {
    expect(parseGatewayKey("tenant,room")).toEqual(["tenant", "room"]);
    expect(parseGatewayKey("")).toEqual([]);
    expect(parseGatewayKey(undefined)).toEqual([]);
  });

  it("input is tagged CBOR in base64 or unpadded base64url", () => {
    const bytes = encodeCbor(toCompat({ n: 1n, list: [1, "two"] }));
    const base64 = Buffer.from(bytes).toString("base64");
    const base64url = Buffer.from(bytes).toString("base64url");
    expect(decodeInput(base64, "input")).toEqual({ n: 1n, list: [1, "two"] });
    expect(decodeInput(base64url, "rvt-input")).toEqual({ n: 1n, list: [1, "two"] });
    for (const bad of ["%%%", "A", Buffer.from([0xff]).toString("base64")]) {
      expect(() => decodeInput(bad, "input")).toThrow(expect.objectContaining({ code: "invalid_request" }));
    }
  });
});

describe("value tagging", () => {
  it("every value comes back as it went", () => {
    const value = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.string(),
        fc.double({ noNaN: true }),
        fc.bigInt(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        fc.uint8Array({ maxLength: 8 }),
        fc.tuple(fc.constantFrom("$x", "$BigInt", "$$y"), tie("value")),
        fc.array(tie("value"), { maxLength: 3 }),
        fc.dictionary(fc.string(), tie("value"), { maxKeys: 3 }),
      ),
    })).value;
    fc.assert(
      fc.property(value, (v) => {
        expect(fromCompat(toCompat(v))).toEqual(v);
      }),
    );
  });

  it("tags what JSON cannot carry, as RivetKit's client reads it", () => {
    expect(toCompat([1n, new Uint8Array([1, 2]), new Set([1]), undefined, ["$x", 1]])).toEqual([
      ["$BigInt", "1"],
      ["$Uint8Array", "AQI="],
      ["$Set", [1]],
      ["$Undefined", 0],
      ["$$x", 1],
    ]);
    expect(fromCompat(["$ArrayBuffer", "AQI="])).toEqual(new Uint8Array([1, 2]).buffer);
    expect(() => fromCompat(["$Nope", 1])).toThrow(CompatError);
    expect(() => fromCompat(["$BigInt", "1.5"])).toThrow(CompatError);
  });

  it("in JSON, a BigInt64Array is an object of tagged bigints, as RivetKit's own server writes it; in CBOR it stays one", () => {
    const text = encodeToClient23("json", { b: { ar: { i: 1, o: { big: new BigInt64Array([1n, -2n]), small: new BigUint64Array([3n]) } } } });
    expect(JSON.parse(text as string).body.val.output).toEqual({ big: { 0: ["$BigInt", "1"], 1: ["$BigInt", "-2"] }, small: { 0: ["$BigInt", "3"] } });
    expect(toCompat(new BigInt64Array([1n]))).toEqual(new BigInt64Array([1n]));
  });

  it("a cycle is value_not_serializable in every encoding, not a stack overflow; a value met twice is not a cycle", () => {
    const loop: Record<string, unknown> = { name: "loop" };
    loop.self = { back: [new Set([new Map([["again", loop]])])] };
    for (const encoding of ["json", "cbor", "bare"] as const) {
      const encode = () => encodeToClient23(encoding, { b: { ar: { i: 1, o: loop } } });
      expect(encode).toThrow(ActorflareError);
      expect(encode).toThrow(expect.objectContaining({ code: "value_not_serializable", message: expect.stringContaining("has a cycle") }));
    }
    const shared = { n: 1 };
    expect(toCompat({ a: shared, b: [shared, shared] })).toEqual({ a: shared, b: [shared, shared] });
  });

  it("a bigint JSON cannot carry even tagged (inside a class instance) is value_not_serializable", () => {
    class Box {
      constructor(readonly n: bigint) {}
    }
    expect(() => encodeToClient23("json", { b: { ar: { i: 1, o: new Box(5n) } } })).toThrow(
      expect.objectContaining({ code: "value_not_serializable", message: expect.stringContaining("holds a bigint") }),
    );
  });

  it("a key `__proto__` stays a key", () => {
    const revived = fromCompat(JSON.parse('{"__proto__":{"polluted":true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(revived)).toBe(Object.prototype);
    expect(Object.keys(revived)).toEqual(["__proto__"]);
  });
});

describe("errors on the 2.3 wire", () => {
  it.each([
    ["actor_not_found", "actor", "not_found"],
    ["actor_already_exists", "actor", "duplicate_key"],
    ["forbidden", "auth", "forbidden"],
    ["user_error", "user", "user_error"],
    ["invalid_request", "actorflare", "invalid_request"],
    ["my_own_code", "user", "my_own_code"],
  ])("%s is %s.%s", (c, group, code) => {
    expect(toRivetError({ c, m: "message", md: { n: 1 } })).toEqual({ group, code, message: "message", metadata: { n: 1 } });
  });

  it("a close reason fits in 123 bytes", () => {
    const long = closeReason({ group: "user", code: "é".repeat(100), message: "" });
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(123);
    expect(long.startsWith("user.éé")).toBe(true);
    expect(closeReason({ group: "auth", code: "forbidden", message: "" })).toBe("auth.forbidden");
  });
});

describe("gateway paths", () => {
  const path = (rest: string, query = ""): GatewayPath => splitGatewayPath(rest, query);

  it("by id, with or without a token", () => {
    expect(gatewayActor(path("/abc@tok/action/x"))).toEqual({ actorId: "abc" });
    expect(path("/abc/request/a/b", "x=1&rvt-token=t").search).toBe("?x=1");
    expect(path("/abc").actorPath).toBe("/");
  });

  it("by name and key, the rvt- parameters kept from the actor", () => {
    const parsed = path("/counter/request/api", "q=1&rvt-namespace=default&rvt-method=getOrCreate&rvt-runner=default&rvt-key=a,b+c&rvt-crash-policy=sleep");
    expect(parsed.actorPath).toBe("/request/api");
    expect(parsed.search).toBe("?q=1");
    expect(gatewayActor(parsed)).toEqual({ name: "counter", method: "getOrCreate", key: ["a", "b c"], namespace: "default" });
  });

  it.each([
    ["no actor", "/", ""],
    ["an unknown parameter", "/c", "rvt-namespace=default&rvt-method=get&rvt-nope=1"],
    ["a parameter twice", "/c", "rvt-namespace=default&rvt-method=get&rvt-method=get"],
    ["no namespace", "/c", "rvt-method=get"],
    ["an unknown method", "/c", "rvt-namespace=default&rvt-method=create"],
    ["input on a get", "/c", "rvt-namespace=default&rvt-method=get&rvt-input=oA"],
    ["an unknown crash policy", "/c", "rvt-namespace=default&rvt-method=getOrCreate&rvt-crash-policy=explode"],
    ["a token after @ with parameters", "/c@t", "rvt-namespace=default&rvt-method=get"],
    ["a malformed escape", "/c", "rvt-namespace=%E0%A4%A&rvt-method=get"],
  ])("refuses %s", (_what, rest, query) => {
    expect(() => gatewayActor(path(rest, query))).toThrow(expect.objectContaining({ code: "invalid_request" }));
  });
});

describe("messages", () => {
  const limit = 65_536;
  const version4 = (body: number[]) => new Uint8Array([4, 0, ...body]);
  const args = [...new BareWriter().data(encodeCbor(toCompat([1, 2n]))).bytes()];

  it("reads an action request and a subscription in every encoding", () => {
    const expected = { b: { ar: { i: 3, n: "go", a: [1, 2n] } } };
    expect(decodeToServer23("bare", version4([0, 3, 2, 0x67, 0x6f, ...args]), limit)).toEqual(expected);
    expect(decodeToServer23("cbor", encodeCbor({ body: { tag: "ActionRequest", val: { id: 3n, name: "go", args: [1, 2n] } } }), limit)).toEqual(expected);
    expect(
      decodeToServer23(
        "json",
        JSON.stringify({ body: { tag: "ActionRequest", val: { id: ["$BigInt", "3"], name: "go", args: [1, ["$BigInt", "2"]] } } }),
        limit,
      ),
    ).toEqual(expected);
    expect(decodeToServer23("bare", version4([1, 1, 0x65, 1]), limit)).toEqual({ b: { sr: { e: "e", s: true } } });
  });

  it("reads the versions 1 to 4 RivetKit may send, and refuses others", () => {
    for (const version of [1, 2, 3, 4])
      expect(decodeToServer23("bare", new Uint8Array([version, 0, 1, 1, 0x65, 0]), limit).b).toEqual({ sr: { e: "e", s: false } });
    expect(() => decodeToServer23("bare", new Uint8Array([5, 0, 1, 1, 0x65, 0]), limit)).toThrow(expect.objectContaining({ code: "malformed_message" }));
  });

  it.each([
    ["bare", new Uint8Array([4, 0, 9])],
    ["bare", new Uint8Array([4, 0, 1, 1, 0x65, 1, 0])],
    ["bare", new Uint8Array([4])],
    ["bare", "text"],
    ["cbor", encodeCbor({ body: { tag: "ActionRequest", val: { id: -1, name: "x", args: [] } } })],
    ["cbor", encodeCbor({ body: { tag: "Nope", val: {} } })],
    ["json", '{"body":{"tag":"ActionRequest","val":{"id":0,"name":"x","args":["$Nope",1]}}}'],
    ["json", new Uint8Array([0x7b, 0x7d])],
  ] as const)("refuses a malformed %s frame", (encoding, frame) => {
    expect(() => decodeToServer23(encoding, frame, limit)).toThrow(expect.objectContaining({ code: "malformed_message" }));
  });

  it("refuses a frame over the limit before decoding it", () => {
    expect(() => decodeToServer23("bare", new Uint8Array(100), 99)).toThrow(expect.objectContaining({ code: "message_too_long" }));
  });

  it("writes what RivetKit's schema reads: init, response, event, error", () => {
    const read = (bytes: Uint8Array) => new BareReader(bytes);
    const init = read(encodeToClient23("bare", { b: { i: { ai: "id", ci: "conn", ct: "token" } } }) as Uint8Array);
    expect([init.u16(), init.uint(), init.string(), init.string()]).toEqual([4, 0, "id", "conn"]);
    init.end();
    const error = read(encodeToClient23("bare", { b: { e: { c: "nope", m: "No.", md: { n: 1 }, ai: 7 } } }) as Uint8Array);
    expect([error.u16(), error.uint(), error.string(), error.string(), error.string()]).toEqual([4, 1, "user", "nope", "No."]);
    expect(fromCompat(decodeCbor(error.optional((r) => r.data())!))).toEqual({ n: 1 });
    expect([error.optional((r) => r.uint()), error.bool()]).toEqual([7, false]);
    error.end();
    expect(JSON.parse(encodeToClient23("json", { b: { ar: { i: 2, o: 5n } } }) as string)).toEqual({
      body: { tag: "ActionResponse", val: { id: ["$BigInt", "2"], output: ["$BigInt", "5"] } },
    });
    expect(decodeCbor(encodeToClient23("cbor", { b: { ev: { n: "e", a: [1] } } }) as Uint8Array)).toEqual({
      body: { tag: "Event", val: { name: "e", args: [1] } },
    });
  });

  it("HTTP action bodies: `{ args }`, anything else invalid_action_request", () => {
    expect(decodeActionArgs23("bare", version4(args))).toEqual([1, 2n]);
    expect(decodeActionArgs23("json", new TextEncoder().encode('{"args":[["$BigInt","2"]]}'))).toEqual([2n]);
    for (const [encoding, body] of [
      ["json", "{}"],
      ["json", "[1]"],
      ["cbor", "\xff"],
      ["bare", "\x04\x00\x05"],
    ] as const) {
      const bytes = new Uint8Array([...body].map((c) => c.charCodeAt(0)));
      expect(() => decodeActionArgs23(encoding, bytes)).toThrow(ActorflareError);
    }
  });
});
