import type { ActorInstance } from "../actor/instance";
import { upgradeResponse } from "../server/websocket-upgrade";
import { closeQuietly } from "./socket-closing";
import { snapshot } from "./inspector";

const INSPECTOR_TAG = "actorflare:inspector";

/** Changes are gathered this long before one snapshot goes out, so a burst of actions sends one. */
const PUSH_DELAY_MS = 50;

/**
 * The inspector's live view: a hibernatable WebSocket per open page, sent a snapshot when it
 * opens and again after each change (state written, a connection opened or closed, an action or
 * event). The page sends nothing, so an idle actor leaves memory with the socket open, as with
 * any hibernating connection, and only a change (which woke it anyway) sends anything.
 */
export class InspectorSockets {
  readonly #ctx: DurableObjectState;
  /**
   * Whether `setup({ inspector })` turned the inspector on. Off, no page can open a socket here,
   * so a connection's messages and the actor's changes skip asking the runtime for its tags.
   */
  readonly #enabled: boolean;
  #pending: ReturnType<typeof setTimeout> | undefined;

  constructor(ctx: DurableObjectState, enabled: boolean) {
    this.#ctx = ctx;
    this.#enabled = enabled;
  }

  async open(instance: ActorInstance): Promise<Response> {
    const { 0: client, 1: server } = new WebSocketPair();
    this.#ctx.acceptWebSocket(server, [INSPECTOR_TAG]);
    server.send(JSON.stringify(await snapshot(instance)));
    return upgradeResponse(client, null);
  }

  /** Whether a socket is an inspector page's (its messages are ignored, its close wakes nothing). */
  owns(socket: WebSocket): boolean {
    return this.#enabled && this.#ctx.getTags(socket).includes(INSPECTOR_TAG);
  }

  /** Something shown changed: one snapshot to every open page, shortly. */
  changed(instance: ActorInstance): void {
    // A destroy under way changes everything at once; its end closes the pages' sockets.
    if (!this.#enabled || this.#pending !== undefined || !instance.gate.open || this.#ctx.getWebSockets(INSPECTOR_TAG).length === 0) return;
    this.#pending = setTimeout(() => {
      this.#pending = undefined;
      this.#push(instance).catch((error: unknown) => instance.log.error("the inspector's snapshot failed:", error));
    }, PUSH_DELAY_MS);
  }

  /** The actor was destroyed: every page's socket closes with `actor_destroyed` (the page says so). */
  closeAll(code: number, reason: string): void {
    clearTimeout(this.#pending);
    this.#pending = undefined;
    for (const socket of this.#ctx.getWebSockets(INSPECTOR_TAG)) closeQuietly(socket, code, reason);
  }

  async #push(instance: ActorInstance): Promise<void> {
    const sockets = this.#ctx.getWebSockets(INSPECTOR_TAG);
    if (sockets.length === 0 || !instance.gate.open) return;
    const text = JSON.stringify(await snapshot(instance));
    for (const socket of sockets) {
      try {
        socket.send(text);
      } catch {
        // Closing meanwhile: its close event ends it.
      }
    }
  }
}
