import { createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/index";
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
    [{ heartbeat: false }, /heartbeat must be an object \{ interval, timeout \}.*cannot be turned off/],
    [{ heartbeat: 5000 }, /heartbeat must be an object/],
    [{ heartbeat: null }, /heartbeat must be an object/],
    [{ heartbeat: { intervall: 1000 } }, /heartbeat has no option 'intervall'/],
    [{ heartbeat: { interval: 2 ** 31 } }, /heartbeat.interval must be a number of milliseconds/],
    [{ heartbeat: { timeout: 0 } }, /heartbeat.timeout must be a number of milliseconds/],
  ])("%j is refused with a TypeError that says what fits", (options, message) => {
    expect(() => createClient({ endpoint, ...(options as object) })).toThrow(message);
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
    server.close();
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
