import { decodeCbor, encodeCbor } from "../cbor";
import { ActorflareError, type ErrorBody, errors } from "../errors";
import type { Frame, ToClient, ToServer } from "../messages";
import { BareReader, BareWriter } from "./bare";
import { fromCompat, toCompat } from "./compat";
import { toRivetError } from "./errors";

/**
 * RivetKit 2.3's client protocol (docs/protocol.md §12.4), translated to and from actorflare's
 * own connection messages, so everything behind the codec is the same for both wires.
 *
 * - `json`: `{"body":{"tag":…,"val":{…}}}` as text, values tagged (compat.ts);
 * - `cbor`: the same object in CBOR; the client tags nothing it sends and revives what it receives;
 * - `bare`: a u16 version (1–4 read, 4 written), then the schema's binary form, with every
 *   user value (arguments, output, event arguments, metadata) a byte array of tagged CBOR.
 */

export type Rivet23Encoding = "json" | "cbor" | "bare";
export const RIVET23_ENCODINGS: readonly Rivet23Encoding[] = ["json", "cbor", "bare"];

/** The client protocol version this server writes: rivetkit 2.3.19's. */
export const CLIENT_PROTOCOL_VERSION = 4;
const OLDEST_VERSION = 1;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function bareVersion(reader: BareReader): void {
  const version = reader.u16();
  if (version < OLDEST_VERSION || version > CLIENT_PROTOCOL_VERSION) throw new Error(`unknown protocol version ${version}`);
}

/** A user value carried as tagged CBOR inside BARE. */
const cborPayload = (value: unknown) => encodeCbor(toCompat(value));
const fromCborPayload = (bytes: Uint8Array) => fromCompat(decodeCbor(bytes));

/** A non-negative integer id, sent as a number, a bigint (CBOR) or a tagged bigint (JSON). */
function actionId(value: unknown): number | undefined {
  const id = typeof value === "bigint" && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  return Number.isSafeInteger(id) && (id as number) >= 0 ? (id as number) : undefined;
}

/** The decoded `{ body: { tag, val } }` as an actorflare message, or undefined for another shape. */
function asToServer(value: unknown): ToServer | undefined {
  if (!isRecord(value) || !isRecord(value.body) || !isRecord(value.body.val)) return undefined;
  const { tag, val } = value.body;
  if (tag === "ActionRequest") {
    const id = actionId(val.id);
    if (id !== undefined && typeof val.name === "string" && Array.isArray(val.args)) return { b: { ar: { i: id, n: val.name, a: val.args } } };
  } else if (tag === "SubscriptionRequest") {
    if (typeof val.eventName === "string" && typeof val.subscribe === "boolean") return { b: { sr: { e: val.eventName, s: val.subscribe } } };
  }
  return undefined;
}

function readToServer(bytes: Uint8Array): ToServer | undefined {
  const reader = new BareReader(bytes);
  bareVersion(reader);
  const tag = reader.uint();
  let message: ToServer | undefined;
  if (tag === 0) {
    const id = reader.uint();
    const name = reader.string();
    const args = fromCborPayload(reader.data());
    message = Array.isArray(args) ? { b: { ar: { i: id, n: name, a: args } } } : undefined;
  } else if (tag === 1) {
    message = { b: { sr: { e: reader.string(), s: reader.bool() } } };
  }
  reader.end();
  return message;
}

function malformed(detail: string): ActorflareError {
  return new ActorflareError("malformed_message", `Malformed message: ${detail}.`);
}

function tooLong(frame: Frame, limit: number): boolean {
  if (typeof frame === "string") return frame.length * 3 > limit && new TextEncoder().encode(frame).byteLength > limit;
  return frame.byteLength > limit;
}

/** One client→server message of a 2.3 connection. JSON comes as text, CBOR and BARE as bytes. */
export function decodeToServer23(encoding: Rivet23Encoding, frame: Frame, limit: number): ToServer {
  if (tooLong(frame, limit)) throw errors.messageTooLong(limit);
  if ((encoding === "json") !== (typeof frame === "string")) {
    throw malformed(encoding === "json" ? "JSON messages must be sent as text frames" : `${encoding.toUpperCase()} messages must be sent as binary frames`);
  }
  let message: ToServer | undefined;
  try {
    if (typeof frame === "string") message = asToServer(fromCompat(JSON.parse(frame)));
    else {
      const bytes = frame instanceof Uint8Array ? frame : new Uint8Array(frame);
      message = encoding === "bare" ? readToServer(bytes) : asToServer(decodeCbor(bytes));
    }
  } catch (error) {
    throw malformed(`cannot decode ${encoding}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!message) throw malformed("expected an ActionRequest {id, name, args} or a SubscriptionRequest {eventName, subscribe}");
  return message;
}

/** The 2.3 form of a server→client message, before encoding (`id`s are bigints, as the client's schema says). */
function toRivetMessage(message: ToClient): { tag: string; val: Record<string, unknown> } {
  const body = message.b;
  if ("i" in body) return { tag: "Init", val: { actorId: body.i.ai, connectionId: body.i.ci } };
  if ("ar" in body) return { tag: "ActionResponse", val: { id: BigInt(body.ar.i), output: body.ar.o } };
  if ("ev" in body) return { tag: "Event", val: { name: body.ev.n, args: body.ev.a } };
  const { ai, ...error } = body.e;
  return { tag: "Error", val: { ...toRivetError(error), actionId: ai === undefined ? null : BigInt(ai) } };
}

function writeToClient(message: ToClient): Uint8Array<ArrayBuffer> {
  const writer = new BareWriter().u16(CLIENT_PROTOCOL_VERSION);
  const body = message.b;
  if ("i" in body) writer.uint(0).string(body.i.ai).string(body.i.ci);
  else if ("ar" in body) writer.uint(2).uint(body.ar.i).data(cborPayload(body.ar.o));
  else if ("ev" in body) writer.uint(3).string(body.ev.n).data(cborPayload(body.ev.a));
  else {
    const error = toRivetError(body.e);
    writer.uint(1).string(error.group).string(error.code).string(error.message);
    writer.optional(error.metadata, (w, md) => w.data(cborPayload(md)));
    writer.optional(body.e.ai, (w, id) => w.uint(id)).bool(false);
  }
  return writer.bytes();
}

/** One server→client message of a 2.3 connection: text for JSON, bytes otherwise. */
export function encodeToClient23(encoding: Rivet23Encoding, message: ToClient): string | Uint8Array<ArrayBuffer> {
  if (encoding === "bare") return writeToClient(message);
  const value = toCompat({ body: toRivetMessage(message) });
  return encoding === "json" ? JSON.stringify(value) : encodeCbor(value);
}

/** The arguments of a 2.3 HTTP action body (`{ args }`); anything else is `invalid_action_request`. */
export function decodeActionArgs23(encoding: Rivet23Encoding, bytes: Uint8Array): unknown[] {
  let args: unknown;
  try {
    if (encoding === "bare") {
      const reader = new BareReader(bytes);
      bareVersion(reader);
      args = fromCborPayload(reader.data());
      reader.end();
    } else {
      const body = encoding === "json" ? fromCompat(JSON.parse(new TextDecoder().decode(bytes))) : decodeCbor(bytes);
      args = isRecord(body) ? body.args : undefined;
    }
  } catch (error) {
    throw new ActorflareError(
      "invalid_action_request",
      `Invalid action request: the body is not valid ${encoding} (${error instanceof Error ? error.message : "decode failed"}).`,
    );
  }
  if (!Array.isArray(args)) throw new ActorflareError("invalid_action_request", "Invalid action request: expected { args: [arg, ...] }.");
  return args;
}

export function contentType23(encoding: Rivet23Encoding): string {
  return encoding === "json" ? "application/json" : "application/octet-stream";
}

function response(encoding: Rivet23Encoding, body: string | Uint8Array<ArrayBuffer>, status: number): Response {
  return new Response(body, { status, headers: { "content-type": contentType23(encoding) } });
}

/** A 2.3 HTTP action's answer, `{ output }`. */
export function actionResponse23(encoding: Rivet23Encoding, output: unknown): Response {
  if (encoding === "bare") return response(encoding, new BareWriter().u16(CLIENT_PROTOCOL_VERSION).data(cborPayload(output)).bytes(), 200);
  const value = toCompat({ output });
  return response(encoding, encoding === "json" ? JSON.stringify(value) : encodeCbor(value), 200);
}

/** A 2.3 HTTP error answer, `{ group, code, message, metadata? }`. */
export function errorResponse23(encoding: Rivet23Encoding, status: number, body: ErrorBody): Response {
  const error = toRivetError(body);
  if (encoding !== "bare") {
    const value = toCompat(error);
    return response(encoding, encoding === "json" ? JSON.stringify(value) : encodeCbor(value), status);
  }
  const writer = new BareWriter().u16(CLIENT_PROTOCOL_VERSION).string(error.group).string(error.code).string(error.message);
  writer.optional(error.metadata, (w, md) => w.data(cborPayload(md))).bool(false);
  return response(encoding, writer.bytes(), status);
}
