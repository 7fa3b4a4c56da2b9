import { errors } from "../protocol/errors";
import { byteLength } from "../protocol/messages";
import type { Connection } from "./connection";
import type { ActorOptions } from "./definition";

const DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION = 1_000;
const DEFAULT_MAX_EVENT_NAME_BYTES = 256;

/**
 * A connection's subscription message (`sr`), within the actor's limits, so that no client can
 * make a connection's record grow without bound. Subscribing again, or unsubscribing from an
 * event not subscribed to, changes and stores nothing. A refusal (`too_many_subscriptions`,
 * `event_name_too_long`) changes nothing either; unsubscribing is never refused.
 */
export function changeSubscription(options: ActorOptions | undefined, conn: Connection, event: string, subscribe: boolean): void {
  if (subscribe && !conn.subscriptions.has(event)) {
    const maxBytes = options?.maxEventNameBytes ?? DEFAULT_MAX_EVENT_NAME_BYTES;
    const bytes = byteLength(event);
    if (bytes > maxBytes) throw errors.eventNameTooLong(bytes, maxBytes);
    const max = options?.maxSubscriptionsPerConnection ?? DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION;
    if (conn.subscriptions.size >= max) throw errors.tooManySubscriptions(max);
  }
  conn.setSubscribed(event, subscribe);
}
