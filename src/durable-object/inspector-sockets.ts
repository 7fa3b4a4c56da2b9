import { ActorflareError } from "../protocol/errors";
import type { InspectorSnapshot } from "../protocol/inspector";
import { upgradeResponse } from "../server/websocket-upgrade";
import { closeQuietly } from "./socket-closing";

const INSPECTOR_TAG = "actorflare:inspector";

/** Changes are gathered this long before one snapshot goes out, so a burst of actions sends one. */
const PUSH_DELAY_MS = 50;

/**
 * The inspector's live view: a hibernatable WebSocket per open page, sent a snapshot when it
 * opens and again after each change (state written, a connection opened or closed, an action or
 * event, a wake that succeeded or failed). The page sends nothing the object needs (one `ping`,
 * answered by the runtime), so an idle actor leaves memory with the socket open, as with any
 * hibernating connection, and only a change sends anything.
 */
export class InspectorSockets {
  readonly #ctx: DurableObjectState;
  /**
   * Whether `setup({ inspector })` turned the inspector on. Off, no page can open a socket here,
   * so a connection's messages and the actor's changes skip asking the runtime for its tags.
   */
  readonly #enabled: boolean;
  /** The snapshot to send now; throws `actor_not_found` while there is no actor to show (a destroy's end closes the sockets). */
  readonly #view: () => InspectorSnapshot;
  readonly #log: (...args: unknown[]) => void;
  #pending: ReturnType<typeof setTimeout> | undefined;

  constructor(ctx: DurableObjectState, enabled: boolean, view: () => InspectorSnapshot, log: (...args: unknown[]) => void) {
    this.#ctx = ctx;
    this.#enabled = enabled;
    this.#view = view;
    this.#log = log;
  }

  open(first: InspectorSnapshot): Response {
    const { 0: client, 1: server } = new WebSocketPair();
    this.#ctx.acceptWebSocket(server, [INSPECTOR_TAG]);
    server.send(JSON.stringify(first));
    return upgradeResponse(client, null);
  }

  /** Whether a socket is an inspector page's (its messages are ignored, its close wakes nothing). */
  owns(socket: WebSocket): boolean {
    return this.#enabled && this.#ctx.getTags(socket).includes(INSPECTOR_TAG);
  }

  /** Something shown changed: one snapshot to every open page, shortly. */
  changed(): void {
    if (!this.#enabled || this.#pending !== undefined || this.#ctx.getWebSockets(INSPECTOR_TAG).length === 0) return;
    this.#pending = setTimeout(() => {
      this.#pending = undefined;
      try {
        this.#push();
      } catch (error) {
        if (!(error instanceof ActorflareError && error.code === "actor_not_found")) this.#log("the inspector's snapshot failed:", error);
      }
    }, PUSH_DELAY_MS);
  }

  /** The actor was destroyed: every page's socket closes with `actor_destroyed` (the page says so). */
  closeAll(code: number, reason: string): void {
    clearTimeout(this.#pending);
    this.#pending = undefined;
    for (const socket of this.#ctx.getWebSockets(INSPECTOR_TAG)) closeQuietly(socket, code, reason);
  }

  #push(): void {
    const sockets = this.#ctx.getWebSockets(INSPECTOR_TAG);
    if (sockets.length === 0) return;
    const text = JSON.stringify(this.#view());
    for (const socket of sockets) {
      try {
        socket.send(text);
      } catch {
        // Closing meanwhile: its close event ends it.
      }
    }
  }
}
