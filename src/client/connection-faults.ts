import { DESTROYED_CLOSE } from "../protocol/messages";
import { ActorError, isForeignNotFound } from "./errors";

/** How a connection reads the error codes that end an attempt or a socket (connection.ts). */

/** Refusals before init that say "not now" rather than "no": the connection keeps retrying after them. */
const TRANSIENT_REFUSALS: ReadonlySet<string> = new Set(["actor_overloaded", "proxy_error", "index_unavailable"]);

/**
 * Faults of the actor's side (a crash, a wake whose `onStart` or migration failed): they end a
 * connection that never opened, like a refusal, but one that was open keeps retrying after them,
 * as after a deploy: its hooks said yes before.
 */
const PASSING_FAULTS: ReadonlySet<string> = new Set(["internal_error", "actor_start_failed", "migration_failed"]);

/** Where a connection stands, for reading a code: open now, opened before (it has had an init), its actor known. */
export interface Standing {
  open: boolean;
  everOpened: boolean;
  actorKnown: boolean;
}

/**
 * Whether an error before init refuses the connection: `onAuth`, a connection hook or the query
 * said no, or a hook crashed (`internal_error`). Trying again would run them again with the
 * same params, so the connection ends instead of retrying. Only the codes that say the platform
 * is busy for a moment keep it retrying.
 */
export function refused(code: string, { open, everOpened }: Standing): boolean {
  if (open || TRANSIENT_REFUSALS.has(code)) return false;
  // Only a foreign 404 reaches here as `http_error`: a wrong endpoint, unless it served before.
  if (code === "http_error") return !everOpened;
  return !(everOpened && PASSING_FAULTS.has(code));
}

/**
 * Whether a failure to open is one a retry cannot mend: this runtime has no WebSocket, or the
 * server answered the upgrade with a refusal (a Worker's fetch upgrade). Network failures
 * (`connection_failed`, `connection_lost`) and answers that are not ours (`http_error`) keep
 * retrying, except a foreign 404 at the first open: the endpoint is wrong.
 */
export function refusedAtOpen(failure: ActorError, standing: Standing): boolean {
  const { code } = failure;
  if (code === "websocket_unavailable") return true;
  if (code === "connection_failed" || code === "connection_lost" || (code === "http_error" && !isForeignNotFound(failure))) return false;
  return refused(code, standing);
}

/** Whether an error says the actor the connection was open to is gone: destroyed, or not found on a reconnect. */
export function actorGone(code: string, { actorKnown }: Standing): boolean {
  return code === DESTROYED_CLOSE.reason || (code === "actor_not_found" && actorKnown);
}

/** Close reasons that say the server refused a frame (too large, undecodable, for a connection it lost). */
const MESSAGE_FAULTS: ReadonlySet<string> = new Set(["message_too_long", "malformed_message", "conn_not_found"]);

/** Close reasons that say the actor could not start: no action was running on the connection. */
const START_FAULTS: ReadonlySet<string> = new Set(["actor_start_failed", "migration_failed"]);

type Close = { code: number; reason: string } | undefined;

/** The code of a close over a frame the server refused, which no call hears: the connection reports it. */
export function refusedMessage(close: Close): string | undefined {
  return close && MESSAGE_FAULTS.has(close.reason) ? close.reason : undefined;
}

/** What a call in flight fails with when its connection drops: whether it ran is unknown, unless the actor could not start. */
export function droppedCallError(close: Close): ActorError {
  if (close && START_FAULTS.has(close.reason)) {
    return new ActorError(close.reason, "The actor could not start, so the action did not run; the connection tries again.");
  }
  const refused = refusedMessage(close);
  return new ActorError("connection_lost", `The connection dropped${refused ? ` (${refused})` : ""} before the action answered; it may or may not have run.`);
}

/**
 * After a close over a frame too large, the call to fail: the largest one sent is over the limit
 * whichever frame the server refused (the first one over it), so it certainly did not run. (The
 * other frames, subscriptions, carry an event name, which the actor limits far below a message.)
 */
export function largestSent(pending: ReadonlyMap<number, { sent: boolean; bytes: number }>): number | undefined {
  let largest: [number, { bytes: number }] | undefined;
  for (const entry of pending) if (entry[1].sent && (!largest || entry[1].bytes > largest[1].bytes)) largest = entry;
  return largest?.[0];
}

export function messageTooLong(action: string, bytes: number): ActorError {
  return new ActorError(
    "message_too_long",
    `Action '${action}' was not run: its message (${bytes} bytes) is over what the actor accepts (options.maxIncomingMessageSize, 64 KiB by default), so the server closed the connection; it reconnects. Send less.`,
  );
}

/** Why an attempt failed when nothing more was said: how it closed, if it did. */
export function closedBeforeOpen(reason: { code: number; reason: string } | undefined): string {
  const how = reason ? ` (${reason.code}${reason.reason ? ` ${reason.reason}` : ""})` : "";
  return `The connection ended before it opened${how}: the Worker is unreachable, the network is down, or (in a browser) the page's origin or a header given to createClient({ headers }) is not one setup({ cors }) allows.`;
}
