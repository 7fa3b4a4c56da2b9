import { type Encoding, isEncoding } from "./encoding";
import type { ErrorBody } from "./errors";
import { decodeToServer, encodeToClient, type Frame, type ToClient, type ToServer } from "./messages";
import { closeReason, toRivetError } from "./rivet23/errors";
import { decodeToServer23, encodeToClient23, type Rivet23Encoding } from "./rivet23/messages";

/**
 * How a connection's messages and a request's errors travel: actorflare's own wire, which
 * RivetKit 2.0's client speaks (`json`, `cbor`), or RivetKit 2.3's (`rivet23-json`,
 * `rivet23-cbor`, `rivet23-bare`; docs/protocol.md §12). Behind the codec both carry the same
 * messages, so the object and the actor need not know which one a client speaks.
 */
export type Wire = Encoding | `rivet23-${Rivet23Encoding}`;

export const WIRES: readonly Wire[] = ["json", "cbor", "rivet23-json", "rivet23-cbor", "rivet23-bare"];

export function isWire(value: unknown): value is Wire {
  return WIRES.includes(value as Wire);
}

export function rivet23Wire(encoding: Rivet23Encoding): Wire {
  return `rivet23-${encoding}`;
}

/** The 2.3 encoding of a wire, or undefined for actorflare's own. */
export function rivet23EncodingOf(wire: Wire): Rivet23Encoding | undefined {
  return isEncoding(wire) ? undefined : (wire.slice("rivet23-".length) as Rivet23Encoding);
}

export function encodeToClientOn(wire: Wire, message: ToClient): string | Uint8Array<ArrayBuffer> {
  const rivet23 = rivet23EncodingOf(wire);
  return rivet23 ? encodeToClient23(rivet23, message) : encodeToClient(wire as Encoding, message);
}

export function decodeToServerOn(wire: Wire, frame: Frame, limit: number): ToServer {
  const rivet23 = rivet23EncodingOf(wire);
  return rivet23 ? decodeToServer23(rivet23, frame, limit) : decodeToServer(wire as Encoding, frame, limit);
}

/** The reason a socket refused with this error closes with: the code, or on the 2.3 wire `group.code`. */
export function closeReasonOn(wire: Wire | undefined, body: ErrorBody): string {
  return wire && rivet23EncodingOf(wire) ? closeReason(toRivetError(body)) : body.c;
}
