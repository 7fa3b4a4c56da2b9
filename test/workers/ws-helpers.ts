import type { ActorWebSocket } from "../../src/client/index";
import { call } from "./helpers";

/**
 * How long an answered close may take to come back: milliseconds on a quiet machine, seconds on a
 * loaded one. An unanswered one leaves the client in CLOSING for 10 to 30 s, until it gives up
 * with 1006 (src/durable-object/socket-closing.ts), so a bound under 10 s still tells them apart.
 */
export const ANSWERED_CLOSE_MS = 5_000;

/** Collects a socket's messages so tests can await the next one in order. */
export class SocketReader {
  readonly #queue: (string | ArrayBuffer)[] = [];
  readonly #waiters: ((value: string | ArrayBuffer) => void)[] = [];
  readonly closed: Promise<CloseEvent>;

  constructor(readonly socket: WebSocket | ActorWebSocket) {
    socket.addEventListener("message", (event: MessageEvent) => {
      const data = event.data as string | ArrayBuffer;
      const waiter = this.#waiters.shift();
      if (waiter) waiter(data);
      else this.#queue.push(data);
    });
    this.closed = new Promise((resolve) => socket.addEventListener("close", (event: CloseEvent) => resolve(event)));
  }

  /** The close event, or a failure after `ms`: an unanswered close would only end with the test's timeout. */
  closedWithin(ms: number): Promise<CloseEvent> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no close event within ${ms} ms`)), ms);
    });
    return Promise.race([this.closed, late]).finally(() => clearTimeout(timer));
  }

  next(): Promise<string | ArrayBuffer> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  async nextText(): Promise<string> {
    const data = await this.next();
    if (typeof data !== "string") throw new Error("expected a text frame");
    return data;
  }

  async nextJson<T = Record<string, unknown>>(): Promise<T> {
    return JSON.parse(await this.nextText()) as T;
  }
}

/** A raw upgrade through the test worker; returns the accepted client socket and the 101 answer. */
export async function upgrade(path: string, headers: Record<string, string>): Promise<{ response: Response; socket: WebSocket }> {
  const response = await call(path, { headers: { Upgrade: "websocket", ...headers } });
  const socket = response.webSocket;
  if (!socket) throw new Error(`no WebSocket in the answer (status ${response.status}: ${await response.text()})`);
  socket.accept();
  socket.binaryType = "arraybuffer";
  return { response, socket };
}

export function subprotocols(query: unknown, extra: string[] = [], params?: unknown): string {
  const entries = [`query.${encodeURIComponent(JSON.stringify(query))}`, "encoding.json"];
  if (params !== undefined) entries.push(`conn_params.${encodeURIComponent(JSON.stringify(params))}`);
  return [...entries, "rivetkit", ...extra].join(", ");
}

type ErrorMessage = { c: string; m: string; md?: unknown; ai?: number };
type ConnectionMessage = {
  b: { i?: { ai: string; ci: string; ct: string }; ar?: { i: number; o?: unknown }; ev?: { n: string; a: unknown[] }; e?: ErrorMessage };
};

/** Values that arrive one by one, awaited in order. */
class Inbox<T> {
  readonly #items: T[] = [];
  readonly #waiters: ((item: T) => void)[] = [];
  push(item: T): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(item);
    else this.#items.push(item);
  }
  next(): Promise<T> {
    return this.#items.length > 0 ? Promise.resolve(this.#items.shift()!) : new Promise((resolve) => this.#waiters.push(resolve));
  }
  get size(): number {
    return this.#items.length;
  }
}

/**
 * A connection over a raw WebSocket (JSON), past its init message: `subscribe` sends `sr`,
 * `action` sends `ar` and resolves with its output (rejects with its error). Answers, events and
 * connection-level errors are sorted as they come, so a test does not depend on the order in
 * which frames sent together are handled: the workerd test pool can swap them (see
 * untilSubscribed in helpers.ts). `until` polls an action until its answer is the one expected.
 */
export async function openConnection(name: string, key: string, params?: unknown, subscriptions?: string[]) {
  const query = { getOrCreateForKey: { name, key: [key] } };
  const path = `/registry/actors/connect/websocket${subscriptions ? `?subscriptions=${encodeURIComponent(JSON.stringify(subscriptions))}` : ""}`;
  const { socket } = await upgrade(path, { "Sec-WebSocket-Protocol": subprotocols(query, [], params) });
  const pending = new Map<number, { resolve: (output: unknown) => void; reject: (error: ErrorMessage) => void }>();
  const errors = new Inbox<ErrorMessage>();
  const events = new Inbox<{ n: string; a: unknown[] }>();
  let init: ((message: ConnectionMessage) => void) | undefined;
  const first = new Promise<ConnectionMessage>((resolve) => (init = resolve));
  socket.addEventListener("message", (event: MessageEvent) => {
    const message = JSON.parse(event.data as string) as ConnectionMessage;
    // Init, or the refusal that comes instead of it; events from onConnect's `conn.send` may come first.
    if (init && (message.b.i || message.b.e)) {
      init(message);
      init = undefined;
    } else if (message.b.ar) {
      pending.get(message.b.ar.i)?.resolve(message.b.ar.o);
    } else if (message.b.e?.ai !== undefined) {
      pending.get(message.b.e.ai)?.reject(message.b.e);
    } else if (message.b.e) {
      errors.push(message.b.e);
    } else if (message.b.ev) {
      events.push(message.b.ev);
    }
  });
  const closed = new Promise<CloseEvent>((resolve) => socket.addEventListener("close", resolve));
  let nextId = 0;
  const action = (n: string, ...a: unknown[]): Promise<unknown> => {
    const i = nextId++;
    socket.send(JSON.stringify({ b: { ar: { i, n, a } } }));
    return new Promise((resolve, reject) => pending.set(i, { resolve, reject }));
  };
  return {
    socket,
    init: await first,
    closed,
    errors,
    subscribe: (event: string, subscribe = true) => socket.send(JSON.stringify({ b: { sr: { e: event, s: subscribe } } })),
    action,
    /** Repeats `n(...a)` until it answers `expected` (deep equality), failing after 10 s. */
    async until(expected: unknown, n: string, ...a: unknown[]): Promise<void> {
      const end = Date.now() + 10_000;
      let last: unknown;
      while (Date.now() < end) {
        last = await action(n, ...a);
        if (JSON.stringify(last) === JSON.stringify(expected)) return;
      }
      throw new Error(`${n} kept answering ${JSON.stringify(last)}, not ${JSON.stringify(expected)}`);
    },
    /** The next connection-level error (no action id). */
    nextError: () => errors.next(),
    nextEvent: () => events.next(),
  };
}
