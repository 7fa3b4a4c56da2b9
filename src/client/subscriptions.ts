import { byteLength, type ToServer } from "../protocol/messages";

/**
 * How much of a connection's subscriptions its connect request carries, as JSON: enough for any
 * usual set of events, and far below the header sizes servers and proxies accept (Node's is
 * 16 KiB in all). Events past it are subscribed by messages once the connection is open.
 */
const CARRIED_JSON_BYTES = 4096;

/** The events a connect request carries (docs/protocol.md §5.3): the first ones, within the size above. */
export function eventsToCarry(events: Iterable<string>): string[] {
  const carried: string[] = [];
  let bytes = 2; // the brackets
  for (const event of events) {
    bytes += byteLength(JSON.stringify(event)) + 1; // and a comma
    if (bytes > CARRIED_JSON_BYTES) break;
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
