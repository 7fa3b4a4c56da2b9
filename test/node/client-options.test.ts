import { createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import NodeWebSocket from "ws";
import { createClient, type WebSocketConstructor } from "../../src/client/index";
import { waitFor } from "./wait";

// The client's options are checked when it is made, and a connection attempt it gives up on is
// closed at once: a browser opens one WebSocket at a time per host, and Node would keep running.

describe("createClient's timing options", () => {
  const endpoint = "http://127.0.0.1:9";
  it.each([
    [{ actionTimeout: Number.POSITIVE_INFINITY }, /actionTimeout must be a number of milliseconds from 1 to 2147483647 \(got Infinity\)\. There is no "never"/],
    [{ actionTimeout: 2 ** 31 }, /actionTimeout .* \(got 2147483648\)/],
    [{ actionTimeout: Number.NaN }, /\(got NaN\)/],
    [{ actionTimeout: "100" }, /actionTimeout .* \(got "100"\)/],
    [{ connectionTimeout: 0 }, /connectionTimeout must be a number of milliseconds from 1 to 2147483647 \(got 0\)/],
    [{ connectionTimeout: Number.POSITIVE_INFINITY }, /connectionTimeout .*There is no "never"/],
    [{ heartbeat: false }, /heartbeat must be an object \{ interval, timeout \}.*cannot be turned off/],
    [{ heartbeat: 5000 }, /heartbeat must be an object/],
    [{ heartbeat: null }, /heartbeat must be an object/],
    [{ heartbeat: { intervall: 1000 } }, /heartbeat has no option 'intervall'/],
    [{ heartbeat: { interval: 2 ** 31 } }, /heartbeat.interval must be a number of milliseconds/],
    [{ heartbeat: { timeout: 0 } }, /heartbeat.timeout must be a number of milliseconds/],
    [{ heartbeat: { interval: 1.5, timeout: 1 } }, /heartbeat.interval must be a number of milliseconds from 100 .*in milliseconds, not seconds/],
  ])("%j is refused with a TypeError that says what fits", (options, message) => {
    expect(() => createClient({ endpoint, ...(options as object) })).toThrow(message);
  });

  it("a bigint or a symbol is refused with the same TypeError, naming what it got", () => {
    expect(() => createClient({ endpoint, connectionTimeout: 10n as unknown as number })).toThrow(
      /connectionTimeout must be a number of milliseconds .*\(got 10n\)/,
    );
    expect(() => createClient({ endpoint, actionTimeout: Symbol("ms") as unknown as number })).toThrow(/actionTimeout must be a number .*\(got Symbol\(ms\)\)/);
  });

  it("a day of actionTimeout and any heartbeat within the timers' range are taken", () => {
    expect(() => createClient({ endpoint, actionTimeout: 86_400_000, heartbeat: { interval: 5_000, timeout: 2_000 } })).not.toThrow();
  });
});

describe("an attempt that never opens", () => {
  const accepted: Socket[] = [];
  let closedByClient = 0;
  const server = createServer((socket) => {
    // Takes the connection and never answers the upgrade, as a network that swallows it would.
    accepted.push(socket);
    // Read (and drop) what comes, so that the client's close is seen.
    socket.resume();
    socket.on("error", () => {});
    socket.on("close", () => closedByClient++);
  });
  afterEach(async () => {
    for (const socket of accepted.splice(0)) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    closedByClient = 0;
  });

  it("is given up after connectionTimeout, its socket closed, and tried again", async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const conn = createClient(`http://127.0.0.1:${port}`, { connectionTimeout: 300 }).counter.getOrCreate("k").connect();
    await waitFor(() => accepted.length === 2, "a second attempt");
    expect(closedByClient).toBeGreaterThanOrEqual(1);
    expect(conn.status).toBe("connecting");
    await conn.dispose();
    await waitFor(() => closedByClient === 2, "the client to close its second socket");
  });

  it("is closed when the connection is disposed, so nothing is left open", async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const conn = createClient(`http://127.0.0.1:${port}`).counter.getOrCreate("k").connect();
    await waitFor(() => accepted.length === 1, "the attempt to reach the server");
    expect(conn.status).toBe("connecting");
    await conn.dispose();
    await waitFor(() => closedByClient === 1, "the client to close its socket");
  });
});

describe("the browser's online event", () => {
  afterEach(() => {
    delete (globalThis as { window?: unknown }).window;
  });

  it("ends a reconnect's backoff wait at once, and the waits start short again", async () => {
    // What a page's window is for this: a target of the `online` event.
    const page = new EventTarget();
    (globalThis as { window?: unknown }).window = page;
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    /** When each attempt's socket was made, and how many have failed. */
    const made: number[] = [];
    let failed = 0;
    class CountingWebSocket extends NodeWebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols);
        made.push(Date.now());
        this.on("close", () => failed++);
      }
    }
    const conn = createClient(`http://127.0.0.1:${port}`, { WebSocket: CountingWebSocket as unknown as WebSocketConstructor })
      .counter.getOrCreate("k")
      .connect();
    // Nothing listens on the port: attempts fail at once. The waits between them double from
    // 125–250 ms, so the wait after the fifth failure is 2–4 s.
    await waitFor(() => failed === 5, "five failed attempts");
    await new Promise((resolve) => setImmediate(resolve));
    const back = Date.now();
    page.dispatchEvent(new Event("online"));
    await waitFor(() => made.length === 7, "two more attempts");
    expect(made[5]! - back).toBeLessThan(1_500);
    // The wait after it is the first one again (125–250 ms), not the sixth (4–8 s).
    expect(made[6]! - made[5]!).toBeLessThan(1_500);
    await conn.dispose();
  });
});
