import { afterEach, describe, expect, it, vi } from "vitest";
import { ActorConnectionBase } from "../../src/client/connection";
import { ActorError } from "../../src/client/errors";
import type { ClientDriver } from "../../src/client/driver";
import type { ClientTransport, ConnectRequest, TransportHandlers } from "../../src/client/driver";
import type { ToClient, ToServer } from "../../src/protocol/messages";

// The connection's state machine against a scripted driver: transports whose timing the test
// decides, to pin down races that real sockets only show now and then.

interface ScriptedTransport {
  handlers: TransportHandlers;
  sent: ToServer[];
  closed: boolean;
}

const init = (ci: string): ToClient => ({ b: { i: { ai: "actor", ci, ct: "token" } } });

/**
 * A driver whose `connect` hands each attempt to `onConnect`, which may deliver messages before
 * returning. Its transports encode what they send as JSON, as the real ones do, and so throw on
 * what JSON cannot carry.
 */
function scriptedDriver(onConnect: (transport: ScriptedTransport) => void) {
  const transports: ScriptedTransport[] = [];
  const unused = () => Promise.reject(new Error("not used by these tests"));
  const driver: ClientDriver = {
    resolve: unused,
    rawFetch: unused,
    rawWebSocket: unused,
    action: unused,
    destroy: unused,
    list: unused,
    async connect(_request: ConnectRequest, handlers: TransportHandlers): Promise<ClientTransport> {
      const transport: ScriptedTransport = { handlers, sent: [], closed: false };
      transports.push(transport);
      onConnect(transport);
      return {
        send: (message) => {
          const frame = JSON.stringify(message);
          // Sent at once, as over a WebSocket.
          handlers.onSending?.(message);
          transport.sent.push(JSON.parse(frame) as ToServer);
          return new TextEncoder().encode(frame).byteLength;
        },
        close: () => (transport.closed = true),
      };
    },
  };
  return { driver, transports };
}

function open(driver: ClientDriver, actionTimeout = 5_000) {
  return new ActorConnectionBase(driver, { getForKey: { name: "counter", key: [] } }, undefined, {
    encoding: "json",
    transport: "websocket",
    actionTimeout,
    connectionTimeout: 45_000,
  });
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
};

describe("connection state machine", () => {
  it("an init that arrives before the driver returned the transport still sends subscriptions, then queued calls, on it", async () => {
    const { driver, transports } = scriptedDriver((transport) => transport.handlers.onMessage(init("c1")));
    const conn = open(driver);
    conn.on("newCount", () => {});
    const call = conn.action("increment", [1]);
    await until(() => transports[0]?.sent.length === 2);
    expect(transports[0]!.sent).toEqual([{ b: { sr: { e: "newCount", s: true } } }, { b: { ar: { i: 0, n: "increment", a: [1] } } }]);
    transports[0]!.handlers.onMessage({ b: { ar: { i: 0, o: 1 } } });
    expect(await call).toBe(1);
    await conn.dispose();
  });

  it("a late close from an earlier transport does not drop the current one", async () => {
    const { driver, transports } = scriptedDriver(() => {});
    const conn = open(driver);
    await until(() => transports.length === 1);
    transports[0]!.handlers.onMessage(init("c1"));
    expect(conn.connectionId).toBe("c1");
    transports[0]!.handlers.onClose();
    await until(() => transports.length === 2);
    transports[1]!.handlers.onMessage(init("c2"));
    expect(conn.isOpen).toBe(true);

    // The first transport reports its close once more, and a message, late.
    transports[0]!.handlers.onClose();
    transports[0]!.handlers.onMessage(init("c1-late"));
    expect(conn.isOpen).toBe(true);
    expect(conn.connectionId).toBe("c2");
    const call = conn.action("getCount", []);
    expect(transports[1]!.sent).toEqual([{ b: { ar: { i: 0, n: "getCount", a: [] } } }]);
    transports[1]!.handlers.onMessage({ b: { ar: { i: 0, o: 7 } } });
    expect(await call).toBe(7);
    await conn.dispose();
    expect(transports[1]!.closed).toBe(true);
    expect(transports).toHaveLength(2);
  });

  it("a call made by an 'open' status callback goes out after the subscriptions, on the first open and after a reconnect", async () => {
    const { driver, transports } = scriptedDriver(() => {});
    const conn = open(driver);
    conn.on("tick", () => {});
    conn.onStatusChange((status) => {
      if (status === "open") void conn.action("burst", [3]).catch(() => {});
    });
    for (const [index, ci] of ["c1", "c2"].entries()) {
      await until(() => transports.length === index + 1);
      transports[index]!.handlers.onMessage(init(ci));
      expect(transports[index]!.sent).toEqual([{ b: { sr: { e: "tick", s: true } } }, { b: { ar: { i: index, n: "burst", a: [3] } } }]);
      transports[index]!.handlers.onClose();
    }
    await conn.dispose();
  });

  it("a refusal before init fails waiting calls at once with it and ends the connection: no retry", async () => {
    const refusal: ToClient = { b: { e: { c: "forbidden", m: "Token refused.", md: { reason: "deny" } } } };
    const { driver, transports } = scriptedDriver((transport) => transport.handlers.onMessage(refusal));
    const conn = open(driver);
    const errors: unknown[] = [];
    conn.onError((error) => errors.push(error));
    const statuses: string[] = [];
    conn.onStatusChange((status) => statuses.push(status));
    const call = conn.action("whoami", []);
    await expect(call).rejects.toMatchObject({ code: "forbidden", message: "Token refused.", metadata: { reason: "deny" } });
    expect(errors).toEqual([expect.objectContaining({ code: "forbidden" })]);
    expect(conn.status).toBe("disposed");
    expect(statuses).toEqual(["disposed"]);
    expect(transports[0]!.closed).toBe(true);
    // The server closes a refused transport; that close starts no new attempt.
    transports[0]!.handlers.onClose({ code: 1011, reason: "forbidden" });
    await expect(conn.action("whoami", [])).rejects.toMatchObject({ code: "forbidden" });
    expect(transports).toHaveLength(1);
  });

  it("a runtime with no WebSocket (websocket_unavailable) fails waiting calls at once with it: no retry", async () => {
    let attempts = 0;
    const { driver } = scriptedDriver(() => {});
    driver.connect = async () => {
      attempts++;
      throw new ActorError("websocket_unavailable", "This Node.js has no global WebSocket and `ws` is not installed.");
    };
    const conn = open(driver);
    await expect(conn.action("getCount", [])).rejects.toMatchObject({ code: "websocket_unavailable" });
    expect(conn.status).toBe("disposed");
    await expect(conn.action("getCount", [])).rejects.toMatchObject({ code: "websocket_unavailable" });
    expect(attempts).toBe(1);
  });

  it("a close over a frame too large fails the largest call waiting with message_too_long, the others as lost", async () => {
    const { driver, transports } = scriptedDriver((transport) => {
      if (transports.length === 1) transport.handlers.onMessage(init("c1"));
    });
    const conn = open(driver);
    const small = conn.action("send", ["a"]);
    // Larger in bytes though shorter in characters: "é" is two bytes in UTF-8.
    const large = conn.action("send", ["é".repeat(40_000)]);
    const middle = conn.action("send", ["x".repeat(50_000)]);
    await until(() => transports[0]?.sent.length === 3);
    transports[0]!.handlers.onClose({ code: 1011, reason: "message_too_long" });
    await expect(large).rejects.toMatchObject({ code: "message_too_long" });
    await expect(middle).rejects.toMatchObject({ code: "connection_lost" });
    await expect(small).rejects.toMatchObject({ code: "connection_lost" });
    await conn.dispose();
  });

  it("a network failure to open (connection_failed) keeps the connection retrying", async () => {
    let attempts = 0;
    const { driver, transports } = scriptedDriver((transport) => transport.handlers.onMessage(init("c1")));
    const connect = driver.connect.bind(driver);
    driver.connect = async (request, handlers) => {
      if (++attempts === 1) throw new ActorError("connection_failed", "fetch failed");
      return connect(request, handlers);
    };
    const conn = open(driver);
    const errors: string[] = [];
    conn.onError((error) => errors.push(error.code));
    const call = conn.action("getCount", []);
    await until(() => transports[0]?.sent.length === 1);
    transports[0]!.handlers.onMessage({ b: { ar: { i: 0, o: 2 } } });
    expect(await call).toBe(2);
    expect(attempts).toBe(2);
    // Quietly, as after a drop: onError is for refusals, not for each try of an outage.
    expect(errors).toEqual([]);
    await conn.dispose();
  });

  it("a call that times out before any attempt opened says it was not sent, and why the last attempt failed", async () => {
    const { driver, transports } = scriptedDriver(() => {});
    driver.connect = async () => {
      throw new ActorError("connection_failed", "could not reach http://127.0.0.1:1/registry: the Worker is not running there");
    };
    // Every attempt fails, so the call cannot be sent however slow the machine is.
    const conn = open(driver, 300);
    const error = await conn.action("count", []).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toMatchObject({ code: "action_timed_out", metadata: { sent: false } });
    expect((error as Error).message).toMatch(/^Action 'count' was not sent: the connection did not open within 300 ms, so it did not run\./);
    expect((error as Error).message).toContain("the Worker is not running there");
    expect(conn.status).toBe("connecting");
    expect(transports).toEqual([]);
    await conn.dispose();
  });

  it("a transport that ends before it opens with nothing said (an SSE stream that failed) still gives the timed-out call a reason", async () => {
    // Each attempt's transport ends at once, before init, as an SSE stream whose GET failed does.
    const { driver } = scriptedDriver((transport) => queueMicrotask(() => transport.handlers.onClose()));
    const conn = open(driver, 300);
    const error = await conn.action("count", []).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toMatchObject({ code: "action_timed_out", metadata: { sent: false } });
    expect((error as Error).message).toContain("The last attempt to connect failed: The connection ended before it opened");
    await conn.dispose();
  });

  it("a call that times out while every reconnect fails on the actor's side says why the last attempt failed", async () => {
    const { driver, transports } = scriptedDriver((transport) => {
      if (transports.length === 1) transport.handlers.onMessage(init("c1"));
      else transport.handlers.onMessage({ b: { e: { c: "migration_failed", m: "Migration 0002 failed." } } });
    });
    const conn = open(driver, 300);
    await until(() => conn.status === "open");
    transports[0]!.handlers.onClose();
    const error = await conn.action("count", []).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toMatchObject({ code: "action_timed_out", metadata: { sent: false } });
    expect((error as Error).message).toContain("The last attempt to connect failed: Migration 0002 failed.");
    await conn.dispose();
  });

  it("a connection that was open keeps retrying after a fault of the actor's (internal_error on a wake), as after a deploy", async () => {
    const { driver, transports } = scriptedDriver((transport) => {
      if (transports.length === 1) transport.handlers.onMessage(init("c1"));
      else if (transports.length === 2) transport.handlers.onMessage({ b: { e: { c: "internal_error", m: "Internal error." } } });
      else transport.handlers.onMessage(init("c3"));
    });
    const conn = open(driver);
    await until(() => conn.status === "open");
    transports[0]!.handlers.onClose();
    const call = conn.action("getCount", []);
    // The server closes the socket after the error message, as it does.
    await until(() => transports.length === 2);
    transports[1]!.handlers.onClose({ code: 1011, reason: "internal_error" });
    await until(() => transports[2]?.sent.length === 1);
    transports[2]!.handlers.onMessage({ b: { ar: { i: 0, o: 7 } } });
    expect(await call).toBe(7);
    expect(conn.connectionId).toBe("c3");
    await conn.dispose();
  });

  it("a refusal that says the platform is busy (actor_overloaded) keeps the connection retrying", async () => {
    const { driver, transports } = scriptedDriver((transport) => {
      if (transports.length === 1) {
        transport.handlers.onMessage({ b: { e: { c: "actor_overloaded", m: "busy" } } });
        transport.handlers.onClose({ code: 1011, reason: "actor_overloaded" });
      } else transport.handlers.onMessage(init("c2"));
    });
    const conn = open(driver);
    const call = conn.action("getCount", []);
    await until(() => transports[1]?.sent.length === 1);
    transports[1]!.handlers.onMessage({ b: { ar: { i: 0, o: 4 } } });
    expect(await call).toBe(4);
    expect(conn.status).toBe("open");
    await conn.dispose();
  });
});

describe("arguments the encoding cannot carry", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fail that call alone with arguments_not_encodable, leave no timer behind, and send nothing", async () => {
    const { driver, transports } = scriptedDriver((transport) => transport.handlers.onMessage(init("c1")));
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const conn = open(driver);
    await vi.advanceTimersByTimeAsync(0);
    expect(conn.status).toBe("open");
    const other = conn.action("getCount", []);
    const error = await conn.action("echo", [1n]).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toMatchObject({ name: "ActorError", code: "arguments_not_encodable" });
    expect((error as Error).message).toContain("'echo'");
    expect((error as Error).message).toContain('encoding "cbor"');
    // Only the other call's timeout timer is left.
    expect(vi.getTimerCount()).toBe(1);
    expect(transports[0]!.sent).toEqual([{ b: { ar: { i: 0, n: "getCount", a: [] } } }]);
    transports[0]!.handlers.onMessage({ b: { ar: { i: 0, o: 2 } } });
    expect(await other).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
    expect(conn.status).toBe("open");
    await conn.dispose();
  });
});
