import { describe, expect, it } from "vitest";
import { ActorConnectionBase } from "../../src/client/connection";
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

/** A driver whose `connect` hands each attempt to `onConnect`, which may deliver messages before returning. */
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
      return { send: (message) => transport.sent.push(message), close: () => (transport.closed = true) };
    },
  };
  return { driver, transports };
}

function open(driver: ClientDriver) {
  return new ActorConnectionBase(driver, { getForKey: { name: "counter", key: [] } }, undefined, {
    encoding: "json",
    transport: "websocket",
    actionTimeout: 5_000,
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
});
