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
 * Keeps the server's subscriptions of one open connection in line with its listeners. Changes
 * are noted as they come and sent together, net: listening and stopping in one go (a React
 * effect run twice, say) sends nothing, where each change would otherwise be a message (over
 * SSE, a POST after the ones before it).
 */
export class SubscriptionSync {
  /** What the server holds, as far as this client has told it. */
  #server = new Set<string>();
  /** Events whose listening changed since the last `take`. */
  readonly #changed = new Set<string>();

  /** The connection opened holding `carried` (its request named them): every event is to be checked. */
  opened(listened: ReadonlyMap<string, unknown>, carried: ReadonlySet<string>): ToServer[] {
    this.#server = new Set(carried);
    for (const event of listened.keys()) this.#changed.add(event);
    for (const event of carried) this.#changed.add(event);
    return this.take(listened);
  }

  /** Notes that listening to `event` started or stopped; true when it is the first change since the last `take`. */
  note(event: string): boolean {
    const first = this.#changed.size === 0;
    this.#changed.add(event);
    return first;
  }

  /** The messages that bring the server in line with `listened`, for the changes noted; the server is then taken to hold it. */
  take(listened: ReadonlyMap<string, unknown>): ToServer[] {
    const messages: ToServer[] = [];
    for (const event of this.#changed) {
      const wanted = listened.has(event);
      if (wanted === this.#server.has(event)) continue;
      messages.push({ b: { sr: { e: event, s: wanted } } });
      if (wanted) this.#server.add(event);
      else this.#server.delete(event);
    }
    this.#changed.clear();
    return messages;
  }
}
