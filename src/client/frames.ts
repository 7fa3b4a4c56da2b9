import { fromBase64 } from "../protocol/base64";
import { decodeCborFromClient } from "../protocol/cbor";
import { decode, encode, type Encoding } from "../protocol/encoding";
import type { ToClient } from "../protocol/messages";

/**
 * Encodes what goes to the server (a message, an action body): JSON text or CBOR bytes. The
 * server refuses CBOR whose references to shared values stand for too much (docs/protocol.md
 * §9), and over WebSocket it can only close the connection over it: a message that holds
 * references is checked against that bound here, so that its call alone fails, before anything
 * is sent. Throws CborError.
 */
export function encodeForServer(encoding: Encoding, value: unknown): string | Uint8Array<ArrayBuffer> {
  const data = encode(encoding, value);
  if (typeof data !== "string" && holdsReference(data)) decodeCborFromClient(data);
  return data;
}

/** Whether the bytes of a tag 29 head occur (a reference, or other bytes that look like one). */
function holdsReference(data: Uint8Array): boolean {
  for (let i = data.indexOf(0xd8); i >= 0; i = data.indexOf(0xd8, i + 1)) if (data[i + 1] === 0x1d) return true;
  return false;
}

/** The size of an encoded frame in bytes: a text frame's in UTF-8, as the server counts it. */
export function byteLength(data: string | Uint8Array): number {
  if (typeof data !== "string") return data.byteLength;
  let bytes = data.length;
  for (let i = 0; i < data.length; i++) {
    const unit = data.charCodeAt(i);
    if (unit < 0x80) continue;
    // Two bytes below U+0800; three for the rest of the BMP; a surrogate pair's four are its two units' 2 + 2.
    bytes += unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 1 : 2;
  }
  return bytes;
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
