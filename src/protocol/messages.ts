import * as z from "zod/mini";
import { decode, encode, type Encoding } from "./encoding";
import { ActorflareError, errors, type ErrorBody } from "./errors";

/**
 * Connection messages (PROTOCOL.md §6): every message is `{ b: { <tag>: {...} } }` with
 * exactly one tag. Field names are the wire's.
 */

export const actionRequestSchema = z.object({ i: z.int().check(z.gte(0)), n: z.string(), a: z.array(z.unknown()) });
export const subscriptionRequestSchema = z.object({ e: z.string(), s: z.boolean() });

export const toServerSchema = z.object({
  b: z.union([
    z.strictObject({ ar: actionRequestSchema }),
    z.strictObject({ sr: subscriptionRequestSchema }),
  ]),
});
export type ToServer = z.infer<typeof toServerSchema>;

export const initSchema = z.object({ ai: z.string(), ci: z.string(), ct: z.string() });
export const actionResponseSchema = z.object({ i: z.number(), o: z.optional(z.unknown()) });
export const eventSchema = z.object({ n: z.string(), a: z.array(z.unknown()) });
export const errorMessageSchema = z.object({ c: z.string(), m: z.string(), md: z.optional(z.unknown()), ai: z.optional(z.number()) });

export const toClientSchema = z.object({
  b: z.union([
    z.strictObject({ i: initSchema }),
    z.strictObject({ ar: actionResponseSchema }),
    z.strictObject({ ev: eventSchema }),
    z.strictObject({ e: errorMessageSchema }),
  ]),
});
export type ToClient = z.infer<typeof toClientSchema>;

/** The body of an HTTP action request (PROTOCOL.md §5.2). */
export const httpActionRequestSchema = z.object({ a: z.array(z.unknown()) });

/** The arguments of an HTTP action body; anything else is `invalid_action_request`. */
export function decodeActionArgs(encoding: Encoding, bytes: Uint8Array): unknown[] {
  let body: unknown;
  try {
    body = encoding === "json" ? decode("json", new TextDecoder().decode(bytes)) : decode("cbor", bytes);
  } catch {
    throw invalidActionRequest(`the body is not valid ${encoding}`);
  }
  const parsed = httpActionRequestSchema.safeParse(body);
  if (!parsed.success) throw invalidActionRequest("expected { a: [arg, ...] }");
  return parsed.data.a;
}

function invalidActionRequest(detail: string): ActorflareError {
  return new ActorflareError("invalid_action_request", `Invalid action request: ${detail}.`);
}

/** The default limit on an incoming connection message (RivetKit's), in bytes of the frame or body. */
export const MAX_INCOMING_MESSAGE_BYTES = 65_536;

export const toClient = {
  init: (actorId: string, connId: string, token: string): ToClient => ({ b: { i: { ai: actorId, ci: connId, ct: token } } }),
  // An undefined output is left out, as RivetKit's JSON round trip does, in both encodings.
  actionResponse: (id: number, output: unknown): ToClient => ({ b: { ar: output === undefined ? { i: id } : { i: id, o: output } } }),
  event: (name: string, args: unknown[]): ToClient => ({ b: { ev: { n: name, a: args } } }),
  error: (body: ErrorBody, actionId?: number): ToClient => ({ b: { e: actionId === undefined ? body : { ...body, ai: actionId } } }),
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
  if (tooLong(frame, limit)) throw errors.messageTooLong(limit);
  if ((encoding === "json") !== (typeof frame === "string")) {
    throw malformed(encoding === "json" ? "JSON messages must be sent as text frames" : "CBOR messages must be sent as binary frames");
  }
  let value: unknown;
  try {
    value = decode(encoding, frame);
  } catch (error) {
    throw malformed(`cannot decode ${encoding}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = toServerSchema.safeParse(value);
  if (!parsed.success) throw malformed("expected {b:{ar:{i,n,a}}} or {b:{sr:{e,s}}}");
  return parsed.data;
}

function malformed(detail: string): ActorflareError {
  return new ActorflareError("malformed_message", `Malformed message: ${detail}.`);
}

export function encodeToClient(encoding: Encoding, message: ToClient): string | Uint8Array<ArrayBuffer> {
  return encode(encoding, message);
}
