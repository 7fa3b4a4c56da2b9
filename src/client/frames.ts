import { fromBase64 } from "../protocol/base64";
import { decode, encode, type Encoding } from "../protocol/encoding";
import type { ToClient, ToServer } from "../protocol/messages";

/** Encodes a client→server message for the wire: JSON text or CBOR bytes. */
export function encodeToServer(encoding: Encoding, message: ToServer): string | Uint8Array<ArrayBuffer> {
  return encode(encoding, message);
}

/**
 * Decodes a server→client message. The client trusts its server's shapes, so only the envelope
 * is checked here and the browser bundle stays small.
 */
export function decodeToClient(encoding: Encoding, data: string | ArrayBuffer | Uint8Array): ToClient {
  const message = decode(encoding, data) as ToClient;
  if (typeof message !== "object" || message === null || typeof message.b !== "object" || message.b === null) {
    throw new TypeError("not a protocol message");
  }
  return message;
}

/** SSE carries CBOR as standard base64 (docs/protocol.md §4). */
export function decodeSseData(encoding: Encoding, data: string): ToClient {
  if (encoding === "json") return decodeToClient("json", data);
  return decodeToClient("cbor", fromBase64(data));
}
