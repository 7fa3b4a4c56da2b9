import { CborError } from "./cbor";
import { decodeFromClient, encode, type Encoding } from "./encoding";
import { ActorflareError, errors, type ErrorBody, isStackOverflow } from "./errors";

/**
 * Connection messages: every message is `{ b: { <tag>: {...} } }` with exactly one tag. Field
 * names are the wire's (docs/protocol.md, "Connection messages").
 */

/**
 * How the server ends the connections and raw sockets of an actor that was destroyed: close
 * 1001 ("going away") with this reason, after an `e` message with the same code on connections.
 */
export const DESTROYED_CLOSE = { code: 1001, reason: "actor_destroyed" } as const;

/** Client → server: an action request (`ar`) or a subscription change (`sr`). */
export type ToServer = { b: { ar: { i: number; n: string; a: unknown[] } } } | { b: { sr: { e: string; s: boolean } } };

/** Server → client: init, an action's answer, an event, or an error (`ai`: the action it answers). */
export type ToClient =
  | { b: { i: { ai: string; ci: string; ct: string } } }
  | { b: { ar: { i: number; o?: unknown } } }
  | { b: { ev: { n: string; a: unknown[] } } }
  | { b: { e: { c: string; m: string; md?: unknown; ai?: number } } };

/** An action id: an integer from 0 to 2^32 − 1 (docs/protocol.md §6), which every encoding carries exactly. */
function isActionId(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0xffff_ffff;
}

/** The message a decoded value is, or undefined when it has another shape. Checked by hand: it runs for every message. */
function asToServer(value: unknown): ToServer | undefined {
  if (!isRecord(value) || !isRecord(value.b)) return undefined;
  const tags = Object.keys(value.b);
  if (tags.length !== 1) return undefined;
  const { ar, sr } = value.b;
  if (isRecord(ar)) {
    const { i, n, a } = ar;
    if (isActionId(i) && typeof n === "string" && Array.isArray(a)) return { b: { ar: { i, n, a } } };
  } else if (isRecord(sr)) {
    const { e, s } = sr;
    if (typeof e === "string" && typeof s === "boolean") return { b: { sr: { e, s } } };
  }
  return undefined;
}

/** An object that is neither null nor an array: what a decoded JSON object or CBOR map is. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The connect routes' URL parameter naming the events to subscribe to from the start, a JSON array (docs/protocol.md §5.3). */
export const SUBSCRIPTIONS_PARAM = "subscriptions";

/** Whether a value is a list of event names, as the `subscriptions` parameter must hold. */
export function isEventNames(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((event) => typeof event === "string");
}

/** The arguments of an HTTP action body; anything else is `invalid_action_request`. */
export function decodeActionArgs(encoding: Encoding, bytes: Uint8Array): unknown[] {
  let body: unknown;
  try {
    body = decodeFromClient(encoding, bytes);
  } catch (error) {
    if (isStackOverflow(error)) throw errors.nestedTooDeeply();
    throw invalidActionRequest(`the body is not valid ${encoding}${error instanceof CborError ? ` (${error.message})` : ""}`);
  }
  if (!isRecord(body) || !Array.isArray(body.a)) throw invalidActionRequest("expected { a: [arg, ...] }");
  return body.a;
}

function invalidActionRequest(detail: string): ActorflareError {
  return new ActorflareError("invalid_action_request", `Invalid action request: ${detail}.`);
}

/** The default limit on an incoming connection message (RivetKit's), in bytes of the frame or body. */
export const MAX_INCOMING_MESSAGE_BYTES = 65_536;

export const toClient = {
  init(actorId: string, connId: string, token: string): ToClient {
    return { b: { i: { ai: actorId, ci: connId, ct: token } } };
  },
  // An undefined output is left out, as RivetKit's JSON round trip does, in both encodings.
  actionResponse(id: number, output: unknown): ToClient {
    return { b: { ar: output === undefined ? { i: id } : { i: id, o: output } } };
  },
  event(name: string, args: unknown[]): ToClient {
    return { b: { ev: { n: name, a: args } } };
  },
  error(body: ErrorBody, actionId?: number): ToClient {
    return { b: { e: actionId === undefined ? body : { ...body, ai: actionId } } };
  },
};

/** A frame or body as it travels: text for JSON, bytes for CBOR. */
export type Frame = string | ArrayBuffer | Uint8Array;

export function byteLength(frame: Frame): number {
  return typeof frame === "string" ? new TextEncoder().encode(frame).byteLength : frame.byteLength;
}

/** Whether a frame is over the limit; a short string is under it without being encoded (UTF-8 is at most 3 bytes per UTF-16 unit). */
function tooLong(frame: Frame, limit: number): boolean {
  if (typeof frame === "string" && frame.length * 3 <= limit) return false;
  return byteLength(frame) > limit;
}

/**
 * Decodes one client→server message. JSON must come as text and CBOR as bytes; anything
 * that does not decode or has the wrong shape is `malformed_message`.
 */
export function decodeToServer(encoding: Encoding, frame: Frame, limit = MAX_INCOMING_MESSAGE_BYTES): ToServer {
  return decodeFrame(encoding, frame, limit, (data) => asToServer(decodeFromClient(encoding, data)), "{b:{ar:{i,n,a}}} or {b:{sr:{e,s}}}");
}

/**
 * What every wire does with a client→server frame (the 2.3 wire too): the size limit first,
 * then text for JSON and bytes otherwise, then `read`, which answers undefined for a value of
 * the wrong shape. Anything `read` cannot take is `malformed_message`.
 */
export function decodeFrame(encoding: string, frame: Frame, limit: number, read: (frame: Frame) => ToServer | undefined, expected: string): ToServer {
  if (tooLong(frame, limit)) throw errors.messageTooLong(limit);
  if ((encoding === "json") !== (typeof frame === "string")) {
    throw malformed(encoding === "json" ? "JSON messages must be sent as text frames" : `${encoding.toUpperCase()} messages must be sent as binary frames`);
  }
  let message: ToServer | undefined;
  try {
    message = read(frame);
  } catch (error) {
    throw malformed(`cannot decode ${encoding}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!message) throw malformed(`expected ${expected}`);
  return message;
}

function malformed(detail: string): ActorflareError {
  return new ActorflareError("malformed_message", `Malformed message: ${detail}.`);
}

export function encodeToClient(encoding: Encoding, message: ToClient): string | Uint8Array<ArrayBuffer> {
  return encode(encoding, message);
}
