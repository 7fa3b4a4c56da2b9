import { errors } from "../protocol/errors";
import { byteLength } from "../protocol/messages";
import type { Connection } from "./connection";
import type { ResolvedOptions } from "./options";

/**
 * A connection's subscription message (`sr`), within the actor's limits, so that no client can
 * make a connection's record grow without bound. Subscribing again, or unsubscribing from an
 * event not subscribed to, changes and stores nothing. A refusal (`too_many_subscriptions`,
 * `event_name_too_long`) changes nothing either; unsubscribing is never refused.
 */
export function changeSubscription(options: ResolvedOptions, conn: Connection, event: string, subscribe: boolean): void {
  if (subscribe && !conn.subscriptions.has(event)) {
    const bytes = byteLength(event);
    if (bytes > options.maxEventNameBytes) throw errors.eventNameTooLong(bytes, options.maxEventNameBytes);
    if (conn.subscriptions.size >= options.maxSubscriptionsPerConnection) throw errors.tooManySubscriptions(options.maxSubscriptionsPerConnection);
  }
  conn.setSubscribed(event, subscribe);
}
