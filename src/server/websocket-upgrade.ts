/// <reference types="@cloudflare/workers-types" />

/** The 101 answer that hands `client` to the caller, echoing the chosen subprotocol if any. */
export function upgradeResponse(client: WebSocket, protocol: string | null | undefined): Response {
  return new Response(null, {
    status: 101,
    webSocket: client,
    headers: protocol ? { "sec-websocket-protocol": protocol } : undefined,
  });
}

/**
 * A 101 answer whose server end is a standard (non-hibernatable) socket, accepted and handed to
 * `use` only once the answer has gone out. Runs in workerd only.
 *
 * Why later: the runtime couples the answer's socket to the connection when it sends the answer.
 * If the server end already waits for a frame then, and the peer's first frame is its close
 * frame (every refused socket, every raw socket closed without a message), the runtime keeps a
 * pump running past that close; releasing the socket fails the pump ("other end of
 * WebSocketPipe was destroyed"), which the request logs as `Uncaught Error: Network connection
 * lost`. Accepted after the coupling, the socket reads the close frame itself and every pump
 * ends cleanly. The answer goes out in a microtask once the handler's response resolves, so a
 * zero-delay timer runs after it; should an output gate hold the answer longer (a storage write
 * in a Durable Object), the socket still works, and only that log line can come back.
 */
export function standardSocketResponse(protocol: string | null | undefined, use: (server: WebSocket) => void): Response {
  const { 0: client, 1: server } = new WebSocketPair();
  setTimeout(() => {
    server.accept();
    use(server);
  }, 0);
  return upgradeResponse(client, protocol);
}
