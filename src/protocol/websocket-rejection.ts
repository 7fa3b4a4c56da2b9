/// <reference types="@cloudflare/workers-types" />
import type { Encoding } from "./encoding";
import type { ErrorBody } from "./errors";
import { encodeToClient, toClient } from "./messages";
import { standardSocketResponse } from "./websocket-upgrade";

/**
 * How a WebSocket route reports an error before the socket is usable (PROTOCOL.md §7): the
 * upgrade is accepted and the socket closed at once with 1011 and the error code as the reason,
 * because a client cannot read an HTTP error body from a failed handshake. Runs in workerd only.
 * The close reason is the code alone: reasons must fit in 123 bytes.
 */
export function rejectWebSocket(body: ErrorBody, protocol: string | undefined, messageEncoding?: Encoding): Response {
  return standardSocketResponse(protocol, (server) => {
    // A connection (not a raw socket) whose encoding is known also gets the error as a message.
    if (messageEncoding) server.send(encodeToClient(messageEncoding, toClient.error(body)));
    server.close(1011, body.c);
  });
}
