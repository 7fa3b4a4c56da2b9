import { ERROR_CODES } from "../error-codes";
import type { ErrorBody } from "../errors";

/**
 * Errors on the 2.3 wire carry a group beside the code (docs/protocol.md §12.6). Codes that
 * RivetKit's client or its users branch on get RivetKit's own name; actorflare's other codes go
 * in the group `actorflare`; any other code is a `UserError`'s, in the group `user`.
 */
export interface RivetError {
  group: string;
  code: string;
  message: string;
  metadata?: unknown;
}

/** actorflare's code → RivetKit's `group.code`. */
const RIVET_NAMES: Record<string, string> = {
  actor_not_found: "actor.not_found",
  actor_already_exists: "actor.duplicate_key",
  action_not_found: "actor.action_not_found",
  action_timed_out: "actor.action_timed_out",
  actor_overloaded: "actor.overloaded",
  internal_error: "actor.internal_error",
  invalid_event_payload: "actor.validation_error",
  forbidden: "auth.forbidden",
  unauthorized: "auth.unauthorized",
  message_too_long: "message.incoming_too_long",
  invalid_encoding: "encoding.invalid",
  user_error: "user.user_error",
};

const OURS: ReadonlySet<string> = new Set(ERROR_CODES);

export function toRivetError(body: ErrorBody): RivetError {
  const named = Object.hasOwn(RIVET_NAMES, body.c) ? RIVET_NAMES[body.c]!.split(".") : [OURS.has(body.c) ? "actorflare" : "user", body.c];
  const error: RivetError = { group: named[0]!, code: named[1]!, message: body.m };
  if (body.md !== undefined) error.metadata = body.md;
  return error;
}

const MAX_CLOSE_REASON_BYTES = 123;

/** The close reason of a refused socket, `group.code`, cut to the 123 bytes a close frame allows. */
export function closeReason(error: RivetError): string {
  let reason = `${error.group}.${error.code}`;
  while (new TextEncoder().encode(reason).byteLength > MAX_CLOSE_REASON_BYTES) reason = reason.slice(0, -1);
  return reason;
}

/** The fields by which RivetKit's errors (`UserError` of `rivetkit/errors` and the rest) are known. */
interface RivetKitErrorShape {
  __type?: unknown;
  public?: unknown;
  group?: unknown;
  code?: unknown;
  message?: unknown;
  metadata?: unknown;
  statusCode?: unknown;
}

/**
 * A public error of RivetKit's, as its own server would show it: actor code ported from RivetKit
 * may still throw `UserError` from `rivetkit/errors`. Known by its shape (`__type`, `group`,
 * `code`, `public: true`), not its class, which is not ours. Its group is not carried: the code says it.
 */
export function rivetKitPublicError(error: unknown): { status: number; body: ErrorBody } | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { __type, public: isPublic, group, code, message, metadata, statusCode } = error as RivetKitErrorShape;
  if ((__type !== "RivetError" && __type !== "ActorError") || isPublic !== true) return undefined;
  if (typeof group !== "string" || typeof code !== "string" || typeof message !== "string") return undefined;
  const status = typeof statusCode === "number" && statusCode >= 400 && statusCode < 500 ? statusCode : 400;
  return { status, body: metadata === undefined ? { c: code, m: message } : { c: code, m: message, md: metadata } };
}
