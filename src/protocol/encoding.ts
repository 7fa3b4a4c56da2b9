import { decode as cborDecode, encode as cborEncode } from "cbor-x";
import { errors, type ErrorBody } from "./errors";

/** How protocol messages are serialised (PROTOCOL.md §4). */
export type Encoding = "json" | "cbor";

export function isEncoding(value: unknown): value is Encoding {
  return value === "json" || value === "cbor";
}

/** Reads a required encoding; `null` (absent) and unknown values are `invalid_encoding`. */
export function parseEncoding(value: string | null): Encoding {
  if (isEncoding(value)) return value;
  throw errors.invalidEncoding(value);
}

export function encode(encoding: Encoding, value: unknown): string | Uint8Array<ArrayBuffer> {
  // cbor-x returns a view into a buffer it reuses for the next value; a socket may read the
  // bytes later than that, so each frame gets its own copy (backed by a plain ArrayBuffer).
  return encoding === "json" ? JSON.stringify(value) : (cborEncode(value).slice() as Uint8Array<ArrayBuffer>);
}

export function decode(encoding: Encoding, data: string | ArrayBuffer | Uint8Array): unknown {
  if (encoding === "json") {
    const text = typeof data === "string" ? data : new TextDecoder().decode(data);
    return JSON.parse(text);
  }
  if (typeof data === "string") throw new TypeError("CBOR data must be binary");
  return cborDecode(data instanceof Uint8Array ? data : new Uint8Array(data));
}

export function contentType(encoding: Encoding): string {
  return encoding === "json" ? "application/json" : "application/octet-stream";
}

/** A protocol response body in the request's encoding. */
export function encodedResponse(encoding: Encoding, value: unknown, status = 200): Response {
  return new Response(encode(encoding, value), { status, headers: { "content-type": contentType(encoding) } });
}

/** An error body in the request's encoding (JSON when the encoding is unknown). */
export function errorResponse(encoding: Encoding | undefined, status: number, body: ErrorBody): Response {
  return encodedResponse(encoding ?? "json", body, status);
}
