import type { Encoding } from "../protocol/encoding";
import { toClient, type ToClient } from "../protocol/messages";

/** How a connection reaches its client: a WebSocket, an SSE stream, or nothing (HTTP actions). */
export interface ConnectionTransport {
  readonly encoding: Encoding;
  send(message: ToClient): void;
  close(code: number, reason: string): void;
}

/** One client connection to an actor: `c.conn` in actions, a value of `c.conns`. */
export class Connection<CS = unknown> {
  readonly id: string;
  /** The secret that proves a later message POST comes from this connection's owner. */
  readonly token: string;
  readonly params: unknown;
  readonly auth: unknown;
  state: CS;
  readonly subscriptions = new Set<string>();
  readonly #transport: ConnectionTransport;

  constructor(transport: ConnectionTransport, init: { params: unknown; auth: unknown; state: CS }) {
    this.id = crypto.randomUUID();
    this.token = randomToken();
    this.#transport = transport;
    this.params = init.params;
    this.auth = init.auth;
    this.state = init.state;
  }

  get encoding(): Encoding {
    return this.#transport.encoding;
  }

  /** Sends an event to this connection only. */
  send(event: string, ...args: unknown[]): void {
    this.#transport.send(toClient.event(event, args));
  }

  /** Closes the connection (WebSocket close 1000 with the reason). */
  disconnect(reason?: string): void {
    this.#transport.close(1000, reason ?? "");
  }

  /** Protocol messages (init, action results, errors). */
  deliver(message: ToClient): void {
    this.#transport.send(message);
  }
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
