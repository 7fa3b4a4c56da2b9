import type { Connection, ConnectionTransport } from "../../actor/connection";
import { ActorflareError, errorToBody } from "../../protocol/errors";
import { decodeToServer, encodeToClient, toClient, type Frame } from "../../protocol/messages";
import { answerCloses, upgradeResponse } from "../raw-websocket";
import { actorRequest, type RouteContext } from "../route-context";

/**
 * A connection over WebSocket (PROTOCOL.md §5.3). The socket is accepted at once; messages
 * the client sends before the connection exists are queued and handled, in order, after the
 * init message.
 */
export function connectWebSocket({ instance, request, encoding, auth, params }: RouteContext): Response {
  const { 0: client, 1: socket } = new WebSocketPair();
  socket.accept();
  socket.binaryType = "arraybuffer";
  const transport: ConnectionTransport = {
    encoding,
    send: (message) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(encodeToClient(encoding, message));
    },
    close: (code, reason) => closeQuietly(socket, code, reason),
  };

  let conn: Connection | undefined;
  let closed = false;
  const queued: Frame[] = [];
  const receive = (frame: Frame) => {
    try {
      void instance.connections.handle(conn!, decodeToServer(encoding, frame));
    } catch (error) {
      // An undecodable or oversized message ends the connection (PROTOCOL.md §6).
      closeQuietly(socket, 1011, error instanceof ActorflareError ? error.code : "malformed_message");
    }
  };
  socket.addEventListener("message", (event) => {
    const frame = event.data as Frame;
    if (conn) receive(frame);
    else queued.push(frame);
  });
  socket.addEventListener("close", () => {
    closed = true;
    if (conn) void instance.connections.close(conn);
  });
  answerCloses(socket);

  void (async () => {
    try {
      conn = await instance.connections.open(transport, { request: actorRequest(request), params, auth });
    } catch (error) {
      const { status, body } = errorToBody(error);
      if (status === 500) instance.log.error("connection refused by an error:", error);
      transport.send(toClient.error(body));
      closeQuietly(socket, 1011, body.c);
      return;
    }
    if (closed) return void instance.connections.close(conn);
    conn.deliver(toClient.init(instance.actorId, conn.id, conn.token));
    for (const frame of queued.splice(0)) receive(frame);
  })();

  return upgradeResponse(client, request);
}

function closeQuietly(socket: WebSocket, code: number, reason: string): void {
  try {
    socket.close(code, reason);
  } catch {
    // Already closed.
  }
}
