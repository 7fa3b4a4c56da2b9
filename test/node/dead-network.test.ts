import { randomUUID } from "node:crypto";
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type ConnectionClose, type ConnectionStatus, createClient } from "../../src/client/index";
import type { ChatMessage } from "../../examples/demo/actors/chat";
import type { registry } from "../../examples/demo/registry";
import { waitFor } from "./wait";
import { useWranglerDev, type WranglerDev } from "./wrangler-dev";

// A network that dies without closing anything (a sleeping laptop, a proxy that stops
// forwarding): the client's heartbeat must notice, report a drop and reconnect once the network
// is back, with its events flowing again. A TCP proxy in front of wrangler dev plays the network.

let server: WranglerDev;
useWranglerDev((started) => {
  server = started;
});

/** Forwards to `target`; `blackhole()` keeps every socket open but passes nothing on, in either direction. */
async function blackholingProxy(target: number): Promise<{ url: string; blackhole(on: boolean): void; close(): Promise<void> }> {
  let dark = false;
  const sockets = new Set<Socket>();
  const proxy: Server = createServer((client) => {
    const remote = connect(target, "127.0.0.1");
    for (const socket of [client, remote]) {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => sockets.delete(socket));
    }
    client.on("data", (chunk) => dark || remote.write(chunk));
    remote.on("data", (chunk) => dark || client.write(chunk));
    client.on("end", () => remote.end());
    remote.on("end", () => client.end());
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const { port } = proxy.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    blackhole: (on) => {
      dark = on;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe.each(["websocket", "sse"] as const)("a network that goes silent, over %s", (transport) => {
  it("the heartbeat reports a drop, the connection reconnects when the network is back, and events flow again", async () => {
    const proxy = await blackholingProxy(server.port);
    cleanups.push(() => proxy.close());
    const heartbeat = { interval: 1_000, timeout: 1_000 };
    const client = createClient<typeof registry>({ endpoint: proxy.url, transport, heartbeat });
    const direct = createClient<typeof registry>(server.url);
    const room = `dead-${randomUUID()}`;
    const conn = client.chat.getOrCreate(room, { params: { name: "sleeper" } }).connect();
    cleanups.push(() => conn.dispose());
    const changes: [ConnectionStatus, ConnectionClose | undefined][] = [];
    conn.onStatusChange((status, closed) => changes.push([status, closed]));
    const received: string[] = [];
    conn.on("message", (message) => received.push((message as ChatMessage).text));
    await waitFor(() => conn.status === "open", "the connection to open");
    // A call on the connection returned: its subscription is in place.
    await conn.presence();

    proxy.blackhole(true);
    await direct.chat.getOrCreate(room, { params: { name: "other" } }).send("while dark");
    // No close arrives: only the heartbeat can end it.
    await waitFor(() => conn.status === "reconnecting", "the heartbeat to report the silent drop", 60_000);
    expect(changes).toContainEqual(["reconnecting", { code: 1006, reason: "heartbeat_timeout" }]);

    proxy.blackhole(false);
    await waitFor(() => conn.status === "open", "the connection to come back", 90_000);
    expect(await conn.presence()).toBeGreaterThanOrEqual(1);
    await direct.chat.getOrCreate(room, { params: { name: "other" } }).send("after");
    await waitFor(() => received.includes("after"), "an event after the reconnect", 30_000);
  }, 240_000);
});
