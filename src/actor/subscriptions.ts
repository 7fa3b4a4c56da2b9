import { type ActorflareError, errors } from "../protocol/errors";
import { byteLength } from "../protocol/messages";
import type { Connection } from "./connection";
import type { ActionContext } from "./context";
import type { SubscribeCheck } from "./events";
import { isPromiseLike } from "./promise-like";
import type { ResolvedOptions } from "./options";

/**
 * A connection's subscription message (`sr`), within the actor's limits, so that no client can
 * make a connection's record grow without bound. Subscribing again, or unsubscribing from an
 * event not subscribed to, changes and stores nothing. A refusal (`too_many_subscriptions`,
 * `event_name_too_long`) changes nothing either; unsubscribing is never refused.
 */
export function changeSubscription(options: ResolvedOptions, conn: Connection, event: string, subscribe: boolean): void {
  if (subscribe && !conn.subscriptions.has(event)) {
    const refusal = refusalOf(options, event, conn.subscriptions.size);
    if (refusal) throw refusal;
  }
  conn.setSubscribed(event, subscribe);
}

/**
 * The subscriptions a connection asks for as it opens (docs/protocol.md §5.3), held to the same
 * limits as if each came as a message in turn: the events taken, and the refusals, one per name
 * too long and one in all for the events past the count.
 */
export function openingSubscriptions(options: ResolvedOptions, events: readonly string[]): { taken: Set<string>; refusals: ActorflareError[] } {
  const taken = new Set<string>();
  const refusals: ActorflareError[] = [];
  let overCount = false;
  for (const event of events) {
    if (taken.has(event)) continue;
    const refusal = refusalOf(options, event, taken.size);
    if (!refusal) taken.add(event);
    else if (refusal.code !== "too_many_subscriptions") refusals.push(refusal);
    else if (!overCount) {
      overCount = true;
      refusals.push(refusal);
    }
  }
  return { taken, refusals };
}

/** Why subscribing to `event` beside `count` others would pass a limit, if it would. */
function refusalOf(options: ResolvedOptions, event: string, count: number): ActorflareError | undefined {
  const bytes = byteLength(event);
  if (bytes > options.maxEventNameBytes) return errors.eventNameTooLong(bytes, options.maxEventNameBytes);
  if (count >= options.maxSubscriptionsPerConnection) return errors.tooManySubscriptions(options.maxSubscriptionsPerConnection);
  return undefined;
}

/** The longest a `canSubscribe` may take: a connection's later calls wait for it, and clients give up on a call after 30 s by default. */
const SUBSCRIBE_CHECK_LIMIT_MS = 10_000;

/** What the wait for a `canSubscribe` settles with when it ran out: no answer of the hook's can be it. */
const LATE: unique symbol = Symbol("late");

/** How long an actor waits for a `canSubscribe`: 10 s, or its `actionTimeout` if that is shorter. */
export function subscribeCheckTimeout(options: ResolvedOptions): number {
  return Math.min(options.actionTimeout, SUBSCRIBE_CHECK_LIMIT_MS);
}

/**
 * Asks an event's `canSubscribe` whether the connection in `c.conn` may subscribe: resolves with
 * undefined when it returned `true`, with `forbidden` for any other answer, with what it threw,
 * or with `action_timed_out` when it has not answered within `timeoutMs`
 * (subscribeCheckTimeout: the connection's later messages wait for it, so it must not wait long).
 */
export async function refusalByCheck(c: ActionContext, event: string, check: SubscribeCheck, timeoutMs: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const answer = check(c);
    if (!isPromiseLike(answer)) return answer === true ? undefined : errors.subscriptionForbidden(event);
    const late = new Promise<typeof LATE>((resolve) => {
      timer = setTimeout(() => resolve(LATE), timeoutMs);
    });
    const settled = await Promise.race([answer, late]);
    if (settled === LATE) {
      c.log.warn(`canSubscribe of event '${event}' did not answer within ${timeoutMs} ms: the subscription is refused.`);
      return errors.subscriptionCheckTimedOut(event, timeoutMs);
    }
    return settled === true ? undefined : errors.subscriptionForbidden(event);
  } catch (error) {
    return error;
  } finally {
    // A pending timer would keep an idle actor awake.
    clearTimeout(timer);
  }
}
