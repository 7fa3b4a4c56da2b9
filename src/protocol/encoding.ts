import { decodeCbor, decodeCborFromClient, encodeCbor, UnencodableError } from "./cbor";
import { errors } from "./errors";
import { jsonText, valueNotEncodable } from "./json-text";

/** How protocol messages are serialised (docs/protocol.md, "Encodings"). */
export type Encoding = "json" | "cbor";

export function isEncoding(value: unknown): value is Encoding {
  return value === "json" || value === "cbor";
}

/** Reads a required encoding; `null` (absent) and unknown values are `invalid_encoding`. */
export function parseEncoding(value: string | null): Encoding {
  if (isEncoding(value)) return value;
  throw errors.invalidEncoding(value);
}

/**
 * Encodes a value; in JSON a bigint or a cycle, in CBOR a Promise, a function or a symbol, is
 * `value_not_serializable` (json-text.ts). JSON itself leaves functions out and writes a Promise
 * as `{}`, as `JSON.stringify` does.
 */
export function encode(encoding: Encoding, value: unknown): string | Uint8Array<ArrayBuffer> {
  if (encoding === "json") return jsonText(value);
  try {
    return encodeCbor(value);
  } catch (error) {
    throw error instanceof UnencodableError ? valueNotEncodable(error.what, error) : error;
  }
}

export function decode(encoding: Encoding, data: string | ArrayBuffer | Uint8Array): unknown {
  return decodeWith(encoding, data, decodeCbor);
}

/** `decode` for what a client sent the server: CBOR's shared values are bounded (`decodeCborFromClient`). */
export function decodeFromClient(encoding: Encoding, data: string | ArrayBuffer | Uint8Array): unknown {
  return decodeWith(encoding, data, decodeCborFromClient);
}

function decodeWith(encoding: Encoding, data: string | ArrayBuffer | Uint8Array, cbor: (bytes: Uint8Array) => unknown): unknown {
  if (encoding === "json") {
    const text = typeof data === "string" ? data : new TextDecoder().decode(data);
    return JSON.parse(text);
  }
  if (typeof data === "string") throw new TypeError("CBOR data must be binary");
  return cbor(data instanceof Uint8Array ? data : new Uint8Array(data));
}

export function contentType(encoding: Encoding): string {
  return encoding === "json" ? "application/json" : "application/octet-stream";
}

/** A protocol response body in the request's encoding. */
export function encodedResponse(encoding: Encoding, value: unknown, status = 200): Response {
  return new Response(encode(encoding, value), { status, headers: { "content-type": contentType(encoding) } });
}
