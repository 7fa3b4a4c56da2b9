import { decodeCborFromClient, encodeCbor, UnencodableError } from "../cbor";
import { ActorflareError, type ErrorBody, errors, isStackOverflow } from "../errors";
import { jsonText, valueNotEncodable } from "../json-text";
import { decodeFrame, type Frame, isRecord, type ToClient, type ToServer } from "../messages";
import { BareReader, BareWriter } from "./bare";
import { fromCompat, toCompat } from "./compat";
import { type RivetError, toRivetError } from "./errors";

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

function bareVersion(reader: BareReader): void {
  const version = reader.u16();
  if (version < OLDEST_VERSION || version > CLIENT_PROTOCOL_VERSION) throw new Error(`unknown protocol version ${version}`);
}

/** A user value carried as tagged CBOR inside BARE. */
const cborPayload = (value: unknown) => encodeCbor(toCompat(value));
const fromCborPayload = (bytes: Uint8Array) => fromCompat(decodeCborFromClient(bytes));

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

/** A BARE client→server message, as the `{ body: { tag, val } }` its JSON and CBOR forms decode to. */
function readToServer(bytes: Uint8Array): unknown {
  const reader = new BareReader(bytes);
  bareVersion(reader);
  const tag = reader.uint();
  const val =
    tag === 0 ? { id: reader.uint(), name: reader.string(), args: fromCborPayload(reader.data()) } : { eventName: reader.string(), subscribe: reader.bool() };
  reader.end();
  return { body: { tag: ["ActionRequest", "SubscriptionRequest"][tag], val } };
}

/** One client→server message of a 2.3 connection. JSON comes as text, CBOR and BARE as bytes. */
export function decodeToServer23(encoding: Rivet23Encoding, frame: Frame, limit: number): ToServer {
  const read = (data: Frame) => {
    if (typeof data === "string") return asToServer(fromCompat(JSON.parse(data)));
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    return asToServer(encoding === "bare" ? readToServer(bytes) : decodeCborFromClient(bytes));
  };
  return decodeFrame(encoding, frame, limit, read, "an ActionRequest {id, name, args} or a SubscriptionRequest {eventName, subscribe}");
}

/** The 2.3 form of a server→client message, before encoding (`id`s are bigints, as the client's schema says). */
function toRivetMessage(message: ToClient): { tag: string; val: object } {
  const body = message.b;
  if ("i" in body) return { tag: "Init", val: { actorId: body.i.ai, connectionId: body.i.ci } };
  if ("ar" in body) return { tag: "ActionResponse", val: { id: BigInt(body.ar.i), output: body.ar.o } };
  if ("ev" in body) return { tag: "Event", val: { name: body.ev.n, args: body.ev.a } };
  const { ai, ...error } = body.e;
  return { tag: "Error", val: { ...toRivetError(error), actionId: ai === undefined ? null : BigInt(ai) } };
}

/** A value in the JSON or CBOR form of the wire, tagged. */
function tagged(encoding: Rivet23Encoding, value: unknown): string | Uint8Array<ArrayBuffer> {
  return encoding === "json" ? jsonText(toCompat(value, true)) : encodeCbor(toCompat(value));
}

const versioned = () => new BareWriter().u16(CLIENT_PROTOCOL_VERSION);

/** `group`, `code`, `message`, `metadata?` as the BARE `Error` and `HttpResponseError` start. */
function writeError(writer: BareWriter, error: RivetError): BareWriter {
  return writer
    .string(error.group)
    .string(error.code)
    .string(error.message)
    .optional(error.metadata, (w, md) => w.data(cborPayload(md)));
}

function writeToClient(message: ToClient): Uint8Array<ArrayBuffer> {
  const writer = versioned();
  const body = message.b;
  if ("i" in body) writer.uint(0).string(body.i.ai).string(body.i.ci);
  else if ("ar" in body) writer.uint(2).uint(body.ar.i).data(cborPayload(body.ar.o));
  else if ("ev" in body) writer.uint(3).string(body.ev.n).data(cborPayload(body.ev.a));
  // The actor specifier closing an error is always absent.
  else
    writeError(writer.uint(1), toRivetError(body.e))
      .optional(body.e.ai, (w, id) => w.uint(id))
      .bool(false);
  return writer.bytes();
}

/** `encode()`, with what no encoding carries (a Promise, a function) the actor's to fix, as on actorflare's own wire. */
function carried(encode: () => string | Uint8Array<ArrayBuffer>): string | Uint8Array<ArrayBuffer> {
  try {
    return encode();
  } catch (error) {
    throw error instanceof UnencodableError ? valueNotEncodable(error.what, error) : error;
  }
}

/** One server→client message of a 2.3 connection: text for JSON, bytes otherwise. */
export function encodeToClient23(encoding: Rivet23Encoding, message: ToClient): string | Uint8Array<ArrayBuffer> {
  return carried(() => (encoding === "bare" ? writeToClient(message) : tagged(encoding, { body: toRivetMessage(message) })));
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
      const body = encoding === "json" ? fromCompat(JSON.parse(new TextDecoder().decode(bytes))) : decodeCborFromClient(bytes);
      args = isRecord(body) ? body.args : undefined;
    }
  } catch (error) {
    if (isStackOverflow(error)) throw errors.nestedTooDeeply();
    throw new ActorflareError(
      "invalid_action_request",
      `Invalid action request: the body is not valid ${encoding} (${error instanceof Error ? error.message : "decode failed"}).`,
    );
  }
  if (!Array.isArray(args)) throw new ActorflareError("invalid_action_request", "Invalid action request: expected { args: [arg, ...] }.");
  return args;
}

function response(encoding: Rivet23Encoding, body: string | Uint8Array<ArrayBuffer>, status: number): Response {
  return new Response(body, { status, headers: { "content-type": encoding === "json" ? "application/json" : "application/octet-stream" } });
}

/** The body of a 2.3 HTTP action's answer, `{ output }`. */
export function actionAnswer23(encoding: Rivet23Encoding, output: unknown): string | Uint8Array<ArrayBuffer> {
  return carried(() => (encoding === "bare" ? versioned().data(cborPayload(output)).bytes() : tagged(encoding, { output })));
}

/** A 2.3 HTTP error answer, `{ group, code, message, metadata? }`. */
export function errorResponse23(encoding: Rivet23Encoding, status: number, body: ErrorBody): Response {
  const error = toRivetError(body);
  return response(encoding, encoding === "bare" ? writeError(versioned(), error).bool(false).bytes() : tagged(encoding, error), status);
}
