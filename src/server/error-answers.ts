import { encodedResponse, type Encoding } from "../protocol/encoding";
import { errorToBody, type ErrorBody } from "../protocol/errors";
import { toClient } from "../protocol/messages";
import { errorResponse23 } from "../protocol/rivet23/messages";
import { sseEvent, sseHeaders } from "../protocol/sse";
import { closeReasonOn, encodeToClientOn, rivet23EncodingOf, type Wire } from "../protocol/wire";
import type { Outcome } from "./contract";
import { standardSocketResponse } from "./websocket-upgrade";

/**
 * How an error reaches a client, one function per transport, used by the Worker and the Durable
 * Object alike. `publicError` decides what may be said: a public error as it is, anything else
 * masked as `internal_error` and logged in full (docs/protocol.md, "Errors").
 */

export type Log = (...args: unknown[]) => void;

/** The status and body a client may see; an internal error is logged here, with `where`. */
export function publicError(error: unknown, log: Log, where: string): { status: number; body: ErrorBody } {
  const answer = errorToBody(error);
  if (answer.status >= 500) log(`${where} failed:`, error);
  return answer;
}

/** An error as an RPC method's answer. */
export function failedOutcome(error: unknown, log: Log, where: string): Outcome<never> {
  const { status, body } = publicError(error, log, where);
  return { ok: false, status, error: body };
}

/**
 * HTTP: the body `{ c, m, md? }` in the request's encoding (JSON when it is unknown), or on the
 * 2.3 wire `{ group, code, message, metadata? }` in its encoding.
 */
export function httpError(status: number, body: ErrorBody, wire: Wire | undefined): Response {
  const rivet23 = wire && rivet23EncodingOf(wire);
  return rivet23 ? errorResponse23(rivet23, status, body) : encodedResponse((wire as Encoding | undefined) ?? "json", body, status);
}

/**
 * SSE: a 200 stream with one event, then its end (the eventsource client reads no error body).
 * Without a known encoding the event is `event: error` with the code as its data.
 */
export function sseError(body: ErrorBody, encoding: Encoding | undefined): Response {
  const event = encoding ? sseEvent(encoding, toClient.error(body)) : `event: error\ndata: ${body.c}\n\n`;
  return new Response(event, { headers: sseHeaders });
}

/**
 * WebSocket: the upgrade is accepted and the socket closed at once with 1011 and the code as the
 * reason (`group.code` on the 2.3 wire), because a client cannot read an HTTP body from a failed
 * handshake. A connection whose wire is known first gets the error as a message (`message`
 * false: a raw socket, which carries no protocol messages). The reason is the code alone: close
 * reasons must fit in 123 bytes.
 */
export function webSocketError(body: ErrorBody, protocol: string | undefined, wire?: Wire, message = true): Response {
  return standardSocketResponse(protocol, (server) => failSocket(server, body, wire, message));
}

/** Ends an accepted socket with an error, as `webSocketError` does: the error message when the wire is known, then close 1011. */
export function failSocket(socket: WebSocket, body: ErrorBody, wire: Wire | undefined, message = true): void {
  try {
    if (wire && message) socket.send(encodeToClientOn(wire, toClient.error(body)));
    socket.close(1011, closeReasonOn(wire, body));
  } catch {
    // Closed meanwhile: there is no one left to tell.
  }
}
