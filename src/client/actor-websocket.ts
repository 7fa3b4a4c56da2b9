/** A socket's close, as a W3C CloseEvent has it (spelled out: Node 20 has no CloseEvent type). */
export interface ActorCloseEvent extends Event {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}

/** The events an {@link ActorWebSocket} fires, as a W3C WebSocket does. */
export interface ActorWebSocketEventMap {
  open: Event;
  message: MessageEvent;
  close: ActorCloseEvent;
  error: Event;
}

type EventName = keyof ActorWebSocketEventMap;
type Handler<K extends EventName> = ((this: ActorWebSocket, event: ActorWebSocketEventMap[K]) => unknown) | null;
/** Listener options, spelled out: the DOM and the Workers types name them differently. */
type ListenerOptions = boolean | { capture?: boolean; once?: boolean; passive?: boolean; signal?: AbortSignal };
type Listener<K extends EventName> =
  | ((this: ActorWebSocket, event: ActorWebSocketEventMap[K]) => unknown)
  | { handleEvent(event: ActorWebSocketEventMap[K]): unknown };
/** Any event's listener, spelled out for the same reason. */
type AnyListener = ((event: Event) => unknown) | { handleEvent(event: Event): unknown };

/** What `websocket()` got from the platform: the socket's own protocol and URL may be unknown (Workers). */
export interface SocketFacts {
  url: string;
  protocol: string;
}

/**
 * The open raw WebSocket that `handle.websocket()` resolves with: the W3C WebSocket interface
 * (`send`, `close`, `readyState`, `binaryType`, the `on*` handlers, `addEventListener`), over
 * the platform's socket (a browser's WebSocket, `ws` on Node, a fetch-upgrade socket in Workers).
 *
 * One difference, on purpose: `websocket()` resolves once the socket is open, so a message the
 * actor sends at once (a welcome) could arrive before the caller had a chance to listen, for
 * example while awaiting several sockets with Promise.all. Messages are therefore held until the
 * first `message` listener or `onmessage` handler is set, then delivered in order, before any
 * later message, to the listeners set by then. From then on messages pass straight through and
 * nothing is held; a listener added later sees only later messages.
 */
export class ActorWebSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;

  readonly url: string;
  readonly protocol: string;
  readonly #socket: WebSocket;
  /** Messages waiting for the first listener; undefined once they were handed over. */
  #held: MessageEvent[] | undefined = [];
  #releasing = false;
  readonly #handlers: { [K in EventName]?: Handler<K> } = {};

  /** @internal Made by `handle.websocket()`. */
  constructor(socket: WebSocket, facts: SocketFacts) {
    super();
    this.#socket = socket;
    this.url = facts.url;
    this.protocol = facts.protocol;
    socket.addEventListener("message", (event) => this.#receive(new MessageEvent("message", { data: event.data })));
    socket.addEventListener("close", (event) => this.dispatchEvent(closeEvent(event)));
    socket.addEventListener("error", () => this.dispatchEvent(new Event("error")));
    socket.addEventListener("open", () => this.dispatchEvent(new Event("open")));
  }

  get readyState(): number {
    return this.#socket.readyState;
  }

  get binaryType(): "blob" | "arraybuffer" {
    return this.#socket.binaryType;
  }

  set binaryType(type: "blob" | "arraybuffer") {
    this.#socket.binaryType = type;
  }

  /** Bytes queued but not sent yet (0 where the platform does not tell, as in Workers). */
  get bufferedAmount(): number {
    return (this.#socket as { bufferedAmount?: number }).bufferedAmount ?? 0;
  }

  get extensions(): string {
    return this.#socket.extensions ?? "";
  }

  send(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#socket.send(data);
  }

  close(code?: number, reason?: string): void {
    this.#socket.close(code, reason);
  }

  override addEventListener<K extends EventName>(type: K, listener: Listener<K> | null, options?: ListenerOptions): void;
  override addEventListener(type: string, listener: AnyListener | null, options?: ListenerOptions): void;
  override addEventListener(type: string, listener: AnyListener | null, options?: ListenerOptions): void {
    super.addEventListener(type, listener as EventListenerOrEventListenerObject, options);
    if (type === "message" && listener) this.#release();
  }

  override removeEventListener<K extends EventName>(type: K, listener: Listener<K> | null, options?: ListenerOptions): void;
  override removeEventListener(type: string, listener: AnyListener | null, options?: ListenerOptions): void;
  override removeEventListener(type: string, listener: AnyListener | null, options?: ListenerOptions): void {
    super.removeEventListener(type, listener as EventListenerOrEventListenerObject, options);
  }

  get onopen(): Handler<"open"> {
    return this.#handlers.open ?? null;
  }
  set onopen(handler: Handler<"open">) {
    this.#setHandler("open", handler);
  }
  get onmessage(): Handler<"message"> {
    return this.#handlers.message ?? null;
  }
  set onmessage(handler: Handler<"message">) {
    this.#setHandler("message", handler);
  }
  get onclose(): Handler<"close"> {
    return this.#handlers.close ?? null;
  }
  set onclose(handler: Handler<"close">) {
    this.#setHandler("close", handler);
  }
  get onerror(): Handler<"error"> {
    return this.#handlers.error ?? null;
  }
  set onerror(handler: Handler<"error">) {
    this.#setHandler("error", handler);
  }

  /** As in browsers, a handler keeps the place among listeners where it was first set. */
  #setHandler<K extends EventName>(type: K, handler: Handler<K>): void {
    const registered = type in this.#handlers;
    (this.#handlers as Record<EventName, unknown>)[type] = typeof handler === "function" ? handler : null;
    if (!registered && !eventTargetCallsHandlers()) {
      super.addEventListener(type, (event) => (this.#handlers[type] as ((event: Event) => unknown) | null | undefined)?.call(this, event));
    }
    if (type === "message" && typeof handler === "function") this.#release();
  }

  #receive(event: MessageEvent): void {
    if (this.#held) this.#held.push(event);
    else this.dispatchEvent(event);
  }

  /**
   * Hands the held messages over in a microtask, so that a caller setting `onmessage` and a
   * listener together gets them in both. Messages arrive as tasks, so none can come in between.
   */
  #release(): void {
    if (!this.#held || this.#releasing) return;
    this.#releasing = true;
    queueMicrotask(() => {
      const held = this.#held ?? [];
      this.#held = undefined;
      for (const event of held) this.dispatchEvent(event);
    });
  }
}

let callsHandlers: boolean | undefined;

/**
 * Whether the platform's EventTarget itself calls `on<type>` properties when it dispatches
 * (workerd's does, first, before the listeners; browsers' and Node's leave that to subclasses).
 */
function eventTargetCallsHandlers(): boolean {
  if (callsHandlers === undefined) {
    const probe = new (class extends EventTarget {
      onprobe = () => {
        callsHandlers = true;
      };
    })();
    callsHandlers = false;
    probe.dispatchEvent(new Event("probe"));
  }
  return callsHandlers;
}

/** The platform's CloseEvent where there is one; Node 20 has none. */
function closeEvent({ code, reason, wasClean }: { code: number; reason: string; wasClean: boolean }): ActorCloseEvent {
  if (typeof CloseEvent === "function") return new CloseEvent("close", { code, reason, wasClean });
  return Object.assign(new Event("close"), { code, reason, wasClean });
}
