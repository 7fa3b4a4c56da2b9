import { describe, expect, it } from "vitest";
import { answerClose } from "../../src/durable-object/socket-closing";

// answerClose on a WebSocketPair accepted at both ends in workerd: the `server` end answers
// what the `client` end sent, as a Durable Object answers its peer.

function acceptedPair(): { client: WebSocket; server: WebSocket } {
  const { 0: client, 1: server } = new WebSocketPair();
  client.accept();
  server.accept();
  return { client, server };
}

/**
 * The next close event of a socket, or a failure after `ms`. An unanswered close never comes, so
 * `ms` only keeps a failure from waiting for the test's own timeout; it must not be so short that
 * a loaded machine's delay reads as one.
 */
function closeEvent(socket: WebSocket, ms = 10_000): Promise<CloseEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no close event within ${ms} ms`)), ms);
    socket.addEventListener("close", (event) => {
      clearTimeout(timer);
      resolve(event);
    });
  });
}

describe("answerClose", () => {
  it("answers a close frame without a code with one without a code (seen as 1005)", async () => {
    const { client, server } = acceptedPair();
    const received = closeEvent(server);
    const answered = closeEvent(client);
    client.close();
    const close = await received;
    expect(close.code).toBe(1005);
    answerClose(server, close);
    expect(await answered).toMatchObject({ code: 1005, reason: "", wasClean: true });
  });

  it("echoes a code and its reason", async () => {
    const { client, server } = acceptedPair();
    const received = closeEvent(server);
    const answered = closeEvent(client);
    client.close(4001, "bye");
    answerClose(server, await received);
    expect(await answered).toMatchObject({ code: 4001, reason: "bye", wasClean: true });
  });

  it("answers a code that may be received but not sent (1015) without a code", async () => {
    const { client, server } = acceptedPair();
    const answered = closeEvent(client);
    answerClose(server, { code: 1015, reason: "", wasClean: true });
    expect(await answered).toMatchObject({ code: 1005, wasClean: true });
  });

  it("sends nothing when no close frame came (the connection dropped)", () => {
    const { server } = acceptedPair();
    answerClose(server, { code: 1006, reason: "", wasClean: false });
    expect(server.readyState).toBe(WebSocket.OPEN);
  });

  it("leaves a socket that already closed as it was", async () => {
    const { client, server } = acceptedPair();
    const clientSaw = closeEvent(client);
    server.close(4002, "server first");
    const received = closeEvent(server);
    client.close(4003, "client reply");
    expect(() => answerClose(server, { code: 4003, reason: "client reply", wasClean: true })).not.toThrow();
    expect(await clientSaw).toMatchObject({ code: 4002, reason: "server first" });
    expect(await received).toMatchObject({ code: 4003 });
  });
});
