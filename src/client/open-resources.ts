import type { ActorWebSocket } from "./actor-websocket";
import type { ActorConnectionBase } from "./connection";

/**
 * What one client holds open: its connections and raw WebSockets, so that `client.dispose()`
 * can close them all. Each leaves the set when it closes by itself.
 */
export class OpenResources {
  readonly #connections = new Set<ActorConnectionBase>();
  readonly #sockets = new Set<ActorWebSocket>();

  addConnection(connection: ActorConnectionBase): void {
    this.#connections.add(connection);
    connection.onStatusChange((status) => {
      if (status === "disposed") this.#connections.delete(connection);
    });
  }

  /** The connections that are open now (not connecting, reconnecting or disposed). */
  openConnections(): ActorConnectionBase[] {
    return [...this.#connections].filter((connection) => connection.status === "open");
  }

  /** The raw WebSockets that are open now. */
  openSockets(): ActorWebSocket[] {
    return [...this.#sockets].filter((socket) => socket.readyState === 1);
  }

  addSocket(socket: ActorWebSocket): ActorWebSocket {
    this.#sockets.add(socket);
    socket.addEventListener("close", () => this.#sockets.delete(socket));
    return socket;
  }

  /** Closes everything open now; the client can open more afterwards. */
  async dispose(): Promise<void> {
    const connections = [...this.#connections];
    this.#connections.clear();
    for (const socket of this.#sockets) socket.close(1000, "client disposed");
    this.#sockets.clear();
    await Promise.all(connections.map((connection) => connection.dispose()));
  }
}
