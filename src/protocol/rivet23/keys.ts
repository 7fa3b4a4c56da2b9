import { fromBase64 } from "../base64";
import { decodeCborFromClient } from "../cbor";
import { errors, isStackOverflow } from "../errors";
import { fromCompat } from "./compat";

/**
 * Keys and creation input as the 2.3 wire writes them (docs/protocol.md §12.2, §12.3). The actor
 * API writes a key as one string: its parts joined by `/`, with `\` escaping `\` and `/` inside
 * a part, `\0` standing for an empty part and `/` alone for the empty key. The gateway's
 * `rvt-key` joins the parts with commas and escapes nothing.
 */

const SEPARATOR = "/";

export function parseKeyString(text: string): string[] {
  if (text === SEPARATOR || text === "") return [];
  const parts: string[] = [];
  let part = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === "\\" && i + 1 < text.length) {
      const next = text[++i]!;
      // `\0` writes an empty part: it adds nothing to the part it is in.
      if (next !== "0") part += next;
    } else if (char === SEPARATOR) {
      parts.push(part);
      part = "";
    } else part += char;
  }
  parts.push(part);
  return parts;
}

export function formatKeyString(key: readonly string[]): string {
  if (key.length === 0) return SEPARATOR;
  return key.map((part) => (part === "" ? "\\0" : part.replace(/\\/g, "\\\\").replace(/\//g, "\\/"))).join(SEPARATOR);
}

/** `rvt-key`: comma-separated parts; absent or empty is the empty key. */
export function parseGatewayKey(text: string | undefined): string[] {
  return text === undefined || text === "" ? [] : text.split(",");
}

/**
 * Creation input: tagged CBOR in base64 (the actor API) or unpadded base64url (`rvt-input`).
 * Anything that does not decode is `invalid_request`.
 */
export function decodeInput(text: string, where: string): unknown {
  // base64url to base64, padding dropped and put back.
  const unpadded = text
    .replace(/-/g, "+")
    .replace(/_/g, "/")
    .replace(/={1,2}$/, "");
  try {
    return fromCompat(decodeCborFromClient(fromBase64(unpadded + "===".slice((unpadded.length + 3) % 4))));
  } catch (error) {
    if (isStackOverflow(error)) throw errors.nestedTooDeeply();
    throw errors.invalidRequest(`The actor's input in ${where} is not base64 of CBOR (${error instanceof Error ? error.message : "decode failed"}).`);
  }
}
