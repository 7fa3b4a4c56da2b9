import * as bare from "@rivetkit/bare-ts";
import { decode as cborDecode } from "cbor-x";
import { expect } from "vitest";
import type { Encoding, Known, Rivet23Case } from "./rivet23-table";
import { expectNoLeak, openSocket, send } from "./transport";

// Running one 2.3 row: the answer must carry RivetKit's error shape, in the request's encoding.

// ---------------------------------------------------------------------------------------------
// Reading 2.3 errors
// ---------------------------------------------------------------------------------------------

interface RivetError {
  group: string;
  code: string;
  message: string;
  metadata?: unknown;
}

function readBare(bytes: Uint8Array): { bc: bare.ByteCursor; version: number } {
  const bc = new bare.ByteCursor(bytes, bare.Config({}));
  return { bc, version: bare.readU16(bc) };
}

/** group, code, message, optional CBOR metadata: how both BARE error shapes start. */
function readBareError(bc: bare.ByteCursor): RivetError {
  const error: RivetError = { group: bare.readString(bc), code: bare.readString(bc), message: bare.readString(bc) };
  if (bare.readBool(bc)) error.metadata = cborDecode(new Uint8Array(bare.readData(bc)));
  return error;
}

/** An HTTP error body: JSON by its content type, else in the request's encoding. */
function httpErrorOf(response: { contentType: string; body: Buffer }, encoding: Encoding): RivetError {
  if (response.contentType.includes("application/json")) return JSON.parse(response.body.toString("utf8")) as RivetError;
  if (encoding === "cbor") return cborDecode(response.body) as RivetError;
  const { bc, version } = readBare(new Uint8Array(response.body));
  expect(version).toBe(4);
  const error = readBareError(bc);
  expect(bare.readBool(bc)).toBe(false); // no actor specifier
  return error;
}

/** A connection message's tag and, for an error, the error. */
function messageOf(message: string | Buffer, encoding: Encoding): { tag: string; error?: RivetError } {
  if (typeof message === "string" || encoding !== "bare") {
    const { body } = (typeof message === "string" ? JSON.parse(message) : cborDecode(message)) as {
      body: { tag: string; val: RivetError & { actionId: unknown } };
    };
    if (body.tag !== "Error") return { tag: body.tag };
    const { actionId, ...error } = body.val;
    expect(actionId).toBeNull();
    return { tag: body.tag, error };
  }
  const { bc } = readBare(new Uint8Array(message));
  const tag = ["Init", "Error", "ActionResponse", "Event"][bare.readU8(bc)]!;
  return tag === "Error" ? { tag, error: readBareError(bc) } : { tag };
}

function expectRivetError(error: RivetError, expected: string): void {
  expect(`${error.group}.${error.code}`).toBe(expected);
  expect(Object.keys(error).every((key) => ["group", "code", "message", "metadata"].includes(key))).toBe(true);
  expect(error.message.length).toBeGreaterThan(5);
  expectNoLeak(JSON.stringify(error));
}

export async function runRivet23(c: Rivet23Case, known: Known): Promise<void> {
  const path = typeof c.path === "function" ? c.path(known) : c.path;
  const headers = typeof c.headers === "function" ? c.headers(known) : (c.headers ?? {});
  if (c.kind === "http23") {
    const response = await send(c.method, path, headers, typeof c.body === "function" ? c.body(known) : c.body);
    expectNoLeak(response.body.toString("utf8"));
    expect(response.status).toBe(c.status);
    expectRivetError(httpErrorOf(response, c.encoding ?? "json"), c.error);
    return;
  }
  const outcome = await openSocket(path, c.protocols, headers, c.frames ?? [], c.afterInit ?? false);
  if ("status" in c.expect) {
    expect(outcome.kind).toBe("http");
    if (outcome.kind !== "http") return;
    expect(outcome.response.status).toBe(c.expect.status);
    expectRivetError(httpErrorOf(outcome.response, "json"), c.expect.error);
    return;
  }
  expect(outcome.kind).toBe("close");
  if (outcome.kind !== "close") return;
  expect([outcome.code, outcome.reason]).toEqual([1011, c.expect.close]);
  const encoding = (c.protocols?.find((entry) => entry.startsWith("rivet_encoding."))?.slice("rivet_encoding.".length) ?? "json") as Encoding;
  const messages = outcome.messages.map((message) => messageOf(message, encoding));
  const errors = messages.filter((message) => message.error);
  for (const { error } of errors) expectRivetError(error!, c.expect.close);
  if (c.afterInit) expect(messages[0]?.tag).toBe("Init");
  if (c.expect.message) {
    expect(errors).toHaveLength(1);
    expect(typeof outcome.messages[0] === "string" ? "json" : encoding).toBe(c.expect.message);
  } else if (!c.afterInit) expect(messages).toEqual([]);
}
