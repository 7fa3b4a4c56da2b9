import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket as UndiciWebSocket } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import NodeWebSocket, { WebSocketServer } from "ws";
import { createClient, type WebSocketConstructor } from "../../src/client/index";
import { waitFor } from "./wait";

// `createClient({ headers })` on Node: a WebSocket upgrade carries them too, whichever
// constructor opens it (`ws`, or Node's own, undici's). A real server records what arrived.

let server: Server;
let sockets: WebSocketServer;
let upgrades: IncomingHttpHeaders[];
let endpoint: string;

beforeEach(async () => {
  upgrades = [];
  server = createServer((_request, response) => response.writeHead(503).end());
  sockets = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has("rivetkit") ? "rivetkit" : false) });
  server.on("upgrade", (request, socket, head) => {
    upgrades.push(request.headers);
    sockets.handleUpgrade(request, socket, head, (ws) => ws.close(1000, "seen"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  for (const client of sockets.clients) client.terminate();
  sockets.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe.each([
  ["ws", NodeWebSocket as unknown as WebSocketConstructor],
  ["Node's own WebSocket (undici)", UndiciWebSocket as unknown as WebSocketConstructor],
])("createClient({ headers }) with %s", (_name, Ctor) => {
  it("sends them with a connection's upgrade and a raw websocket's", async () => {
    // Node's own constructor is told apart by being the global one, as on Node 22.
    const global = globalThis as { WebSocket?: unknown };
    const before = global.WebSocket;
    if (Ctor === (UndiciWebSocket as unknown)) global.WebSocket = Ctor;
    try {
      const client = createClient({ endpoint, headers: { "x-gateway": "let-me-in" }, WebSocket: Ctor, connectionTimeout: 5_000 });
      const conn = client.counter.getOrCreate("a").connect();
      await waitFor(() => upgrades.length > 0, "the connection's upgrade");
      await conn.dispose();
      await client.counter
        .getOrCreate("b")
        .websocket("/")
        .catch(() => {});
      await waitFor(() => upgrades.length > 1, "the raw websocket's upgrade");
      for (const headers of upgrades) {
        expect(headers["x-gateway"]).toBe("let-me-in");
        expect(headers["sec-websocket-protocol"]).toContain("rivetkit");
      }
    } finally {
      global.WebSocket = before;
    }
  });
});
