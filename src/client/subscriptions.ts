import type { ToServer } from "../protocol/messages";

/**
 * How long the URL parameter naming a connection's first subscriptions may grow (its
 * percent-encoded JSON): enough for any usual set of events, and far below the URL lengths
 * servers and proxies accept (Node's 16 KiB covers the request line and every header).
 * Events past it are subscribed by messages once the connection is open.
 */
const CARRIED_CHARACTERS = 4096;

/** The events a connect request carries (docs/protocol.md §5.3): the first ones, within the length above. */
export function eventsToCarry(events: Iterable<string>): string[] {
  const carried: string[] = [];
  let length = 6; // the brackets, %5B and %5D
  for (const event of events) {
    length += encodeURIComponent(JSON.stringify(event)).length + 3; // and a comma, %2C
    if (length > CARRIED_CHARACTERS) break;
    carried.push(event);
  }
  return carried;
}

/**
 * The subscription messages that make the server's set match the listened events, once the
 * connection opened with `carried`: a subscribe for each event listened to since the request
 * was made (or left out of it), an unsubscribe for each carried event no longer listened to.
 */
export function subscriptionChanges(listened: ReadonlySet<string> | ReadonlyMap<string, unknown>, carried: ReadonlySet<string>): ToServer[] {
  const changes: ToServer[] = [];
  for (const event of listened.keys()) if (!carried.has(event)) changes.push({ b: { sr: { e: event, s: true } } });
  for (const event of carried) if (!listened.has(event)) changes.push({ b: { sr: { e: event, s: false } } });
  return changes;
}
