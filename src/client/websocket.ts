import { PROTOCOL_RIVETKIT } from "../protocol/subprotocols";
import { ActorWebSocket, type SocketFacts } from "./actor-websocket";
import { ActorError, errorFromResponse } from "./errors";
import { fallbackWebSocket } from "./node-websocket";

/** A W3C WebSocket constructor: the global one, `ws` on Node 20, or one the caller supplies. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

/** Workers open client sockets with a fetch upgrade (which also works through service bindings). */
export function isWorkersRuntime(): boolean {
  const nav = (globalThis as { navigator?: { userAgent?: string } }).navigator;
  return nav?.userAgent === "Cloudflare-Workers";
}

export async function webSocketConstructor(supplied?: WebSocketConstructor): Promise<WebSocketConstructor> {
  if (supplied) return supplied;
  if (typeof globalThis.WebSocket === "function") return globalThis.WebSocket as unknown as WebSocketConstructor;
  return fallbackWebSocket();
}

/**
 * A new socket, sending `headers` with its upgrade where the constructor can: `ws` takes them in
 * a third argument, Node's own WebSocket (undici's) in an options object in place of the
 * protocols. Browsers' WebSockets cannot send headers, and ignore the third argument.
 */
export function newWebSocket(Ctor: WebSocketConstructor, url: string, protocols: string[], headers: Record<string, string> | undefined): WebSocket {
  if (!headers || Object.keys(headers).length === 0) return new Ctor(url, protocols);
  if (isNode() && Ctor === (globalThis.WebSocket as unknown)) {
    const NodeWebSocket = Ctor as unknown as new (url: string, options: { protocols: string[]; headers: Record<string, string> }) => WebSocket;
    return new NodeWebSocket(url, { protocols, headers });
  }
  const WithOptions = Ctor as unknown as new (url: string, protocols: string[], options: { headers: Record<string, string> }) => WebSocket;
  return new WithOptions(url, protocols, { headers });
}

export function isNode(): boolean {
  return (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node !== undefined;
}

/** Opens a socket with a constructor and waits until it is open or the server refused it. */
export function openWebSocket(Ctor: WebSocketConstructor, url: string, protocols: string[], headers?: Record<string, string>): Promise<ActorWebSocket> {
  const socket = newWebSocket(Ctor, url, protocols, headers);
  socket.binaryType = "arraybuffer";
  // As in browsers, an error event nobody listens to is not fatal (Node's `ws` would throw it).
  socket.addEventListener("error", () => {});
  return settleOpening(socket, () => ({ url, protocol: socket.protocol ?? "" }));
}

/** Takes the socket out of a fetch-upgrade answer (Workers) and waits the same way. */
export async function acceptUpgradeResponse(response: Response, url: string): Promise<ActorWebSocket> {
  const socket = response.webSocket;
  if (response.status !== 101 || !socket) throw await errorFromResponse(response);
  socket.accept();
  socket.binaryType = "arraybuffer";
  const protocol = response.headers.get("sec-websocket-protocol") ?? "";
  return settleOpening(socket, () => ({ url, protocol }), true);
}

/**
 * Resolves with the open socket, or rejects with the server's error code. The server accepts a
 * refused socket only to close it with 1011 and the code (docs/protocol.md §5.7), and signals that by
 * echoing a protocol other than `rivetkit` (which actorflare's client always offers); then the
 * promise waits for that close.
 */
function settleOpening(socket: WebSocket, factsOf: () => SocketFacts, alreadyOpen = false): Promise<ActorWebSocket> {
  return new Promise<ActorWebSocket>((resolve, reject) => {
    let refused = false;
    const onOpen = () => {
      const facts = factsOf();
      if (facts.protocol !== "" && facts.protocol !== PROTOCOL_RIVETKIT) {
        refused = true;
        return;
      }
      cleanup();
      // Wrapped before this task ends: no message can slip past the wrapper.
      resolve(new ActorWebSocket(socket, facts));
    };
    const onClose = (event: CloseEvent) => {
      cleanup();
      const code = event.reason || (refused ? "internal_error" : "websocket_closed");
      reject(
        new ActorError(code, `The WebSocket was closed before it was usable (close ${event.code}${event.reason ? `: ${event.reason}` : ""}).`, {
          closeCode: event.code,
        }),
      );
    };
    const cleanup = () => {
      socket.removeEventListener("open", onOpen);
      socket.removeEventListener("close", onClose);
    };
    socket.addEventListener("open", onOpen);
    socket.addEventListener("close", onClose);
    if (alreadyOpen) onOpen();
  });
}
