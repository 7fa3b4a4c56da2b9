import type { ActorWebSocket } from "../../src/client/index";
import { call } from "./helpers";

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

type ConnectionMessage = { b: { i?: { ai: string; ci: string; ct: string }; ar?: { i: number; o?: unknown }; e?: { c: string; m: string; ai?: number } } };

/**
 * A connection over a raw WebSocket (JSON), past its init message: `subscribe` sends `sr`,
 * `action` sends `ar` and resolves with the output. Messages are handled in order, so once an
 * action answers, everything sent before it was handled; a message other than the answer
 * (such as a connection-level error) fails the action.
 */
export async function openConnection(name: string, key: string, params?: unknown) {
  const query = { getOrCreateForKey: { name, key: [key] } };
  const { socket } = await upgrade("/registry/actors/connect/websocket", { "Sec-WebSocket-Protocol": subprotocols(query, [], params) });
  const reader = new SocketReader(socket);
  const init = await reader.nextJson<ConnectionMessage>();
  let nextId = 0;
  return {
    socket,
    reader,
    init,
    subscribe: (event: string, subscribe = true) => socket.send(JSON.stringify({ b: { sr: { e: event, s: subscribe } } })),
    action: async (n: string, ...a: unknown[]): Promise<unknown> => {
      const i = nextId++;
      socket.send(JSON.stringify({ b: { ar: { i, n, a } } }));
      const message = await reader.nextJson<ConnectionMessage>();
      if (message.b.ar?.i !== i) throw new Error(`expected the answer to action ${i}, got ${JSON.stringify(message)}`);
      return message.b.ar.o;
    },
    /** The next message, which must be a connection-level error (no action id). */
    nextError: async () => {
      const message = await reader.nextJson<ConnectionMessage>();
      if (!message.b.e || message.b.e.ai !== undefined) throw new Error(`expected a connection-level error, got ${JSON.stringify(message)}`);
      return message.b.e;
    },
  };
}
