import { ActorError } from "./errors";
import type { WebSocketConstructor } from "./websocket";

/**
 * Stands in for node-websocket.ts in the browser and Workers build of the client: those
 * platforms have a global WebSocket, so this runs only where someone removed it.
 */
export async function fallbackWebSocket(): Promise<WebSocketConstructor> {
  throw new ActorError("websocket_unavailable", "This runtime has no global WebSocket. Pass a constructor: createClient({ endpoint, WebSocket }).");
}
