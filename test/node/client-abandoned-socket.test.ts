import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { createClient } from "../../src/client/index";
import type { registry } from "../workers/registry";

// A connection disposed while its WebSocket is in its handshake, against a `ws` server that holds
// the handshake until the test lets it finish: the server must see a clean close (1000) once the
// socket opens, not a TCP connection cut mid-handshake. Something between client and server (a
// dev server's proxy) may never pass such a cut on, leaving the server a connection nobody holds.

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

interface HeldHandshakes {
  url: string;
  /** Resolves when the first upgrade request has arrived. */
  arrived: Promise<void>;
  /** Lets the held handshakes finish. */
  release(): void;
  /** How the first socket ended: `<code> <reason>` once upgraded, or "cut" if it was cut before. */
  ended: Promise<string>;
  upgrades: number;
}

async function startHoldingHandshakes(): Promise<HeldHandshakes> {
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer((_request, response) => response.writeHead(404).end());
  const sockets = new Set<Socket>();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrive!: () => void;
  let end!: (how: string) => void;
  const held: HeldHandshakes = {
    url: "",
    arrived: new Promise((resolve) => (arrive = resolve)),
    release,
    ended: new Promise((resolve) => (end = resolve)),
    upgrades: 0,
  };
  server.on("upgrade", async (request: IncomingMessage, socket: Socket, head: Buffer) => {
    sockets.add(socket);
    if (++held.upgrades > 1) return socket.destroy();
    let upgraded = false;
    socket.on("close", () => upgraded || end("cut"));
    arrive();
    await released;
    if (socket.destroyed) return;
    wss.handleUpgrade(request, socket, head, (ws) => {
      upgraded = true;
      ws.on("close", (code, reason) => end(`${code} ${reason.toString()}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  held.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stops.push(async () => {
    release();
    for (const socket of sockets) socket.destroy();
    wss.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return held;
}

it("dispose() while the socket is in its handshake closes it with 1000 once it opens, and makes no other", async () => {
  const held = await startHoldingHandshakes();
  const client = createClient<typeof registry>({ endpoint: held.url, transport: "websocket" });
  const conn = client.counter.getOrCreate("abandoned").connect();
  await held.arrived;
  await conn.dispose();
  held.release();
  expect(await held.ended).toBe("1000 client disposed");
  expect(held.upgrades).toBe(1);
});
