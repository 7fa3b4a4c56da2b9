import { ActorError } from "./errors";
import type { WebSocketConstructor } from "./websocket";

/**
 * Node 20 has no global WebSocket; `ws` (an optional peer dependency) implements the same W3C
 * interface. Only the Node build of the client contains this import; browsers and Workers get
 * browser-websocket.ts in its place, so their bundles never look for `ws`.
 */
export async function fallbackWebSocket(): Promise<WebSocketConstructor> {
  try {
    const { WebSocket } = await import("ws");
    return WebSocket as unknown as WebSocketConstructor;
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new ActorError(
      "websocket_unavailable",
      "This Node.js has no global WebSocket (Node 20) and the `ws` package is not installed. Install it (`npm install ws`), " +
        "use Node 22 or later, or pass a constructor: createClient({ endpoint, WebSocket }).",
    );
  }
}
