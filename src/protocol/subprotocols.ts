/**
 * WebSocket subprotocol entries (docs/protocol.md §5.3, §5.7). Browsers cannot set headers on a
 * WebSocket, so the client sends the query, encoding and conn params as protocol entries.
 */

export const PROTOCOL_RIVETKIT = "rivetkit";
export const PROTOCOL_QUERY_PREFIX = "query.";
export const PROTOCOL_ENCODING_PREFIX = "encoding.";
export const PROTOCOL_CONN_PARAMS_PREFIX = "conn_params.";

export interface OfferedProtocols {
  /** Every entry, in the order offered. */
  offered: string[];
  /** Percent-decoded query JSON, when a `query.` entry was offered. */
  query?: string;
  encoding?: string;
  /** Percent-decoded conn params JSON, when a `conn_params.` entry was offered. */
  connParams?: string;
}

/** The prefixes of the entries a wire reads (RivetKit 2.3's have no query: rivet23/headers.ts). */
export interface ProtocolPrefixes {
  query?: string;
  encoding: string;
  connParams: string;
}

const PREFIXES: ProtocolPrefixes = { query: PROTOCOL_QUERY_PREFIX, encoding: PROTOCOL_ENCODING_PREFIX, connParams: PROTOCOL_CONN_PARAMS_PREFIX };

export function parseProtocols(header: string | null, prefixes = PREFIXES): OfferedProtocols {
  const offered = (header ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const result: OfferedProtocols = { offered };
  for (const entry of offered) {
    if (prefixes.query && entry.startsWith(prefixes.query)) {
      result.query = safeDecode(entry.slice(prefixes.query.length));
    } else if (entry.startsWith(prefixes.encoding)) {
      result.encoding = entry.slice(prefixes.encoding.length);
    } else if (entry.startsWith(prefixes.connParams)) {
      result.connParams = safeDecode(entry.slice(prefixes.connParams.length));
    }
  }
  return result;
}

/** A malformed percent-escape is left as it is, so the JSON parser reports the problem. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export interface ProtocolPayload {
  queryJson: string;
  encoding: string;
  connParamsJson?: string;
}

/** The entries a client offers, in RivetKit's order, followed by the user's own protocols. */
export function buildProtocols(payload: ProtocolPayload, userProtocols: readonly string[] = []): string[] {
  const entries = [PROTOCOL_QUERY_PREFIX + entryPayload(payload.queryJson), PROTOCOL_ENCODING_PREFIX + payload.encoding];
  if (payload.connParamsJson !== undefined) entries.push(PROTOCOL_CONN_PARAMS_PREFIX + entryPayload(payload.connParamsJson));
  entries.push(PROTOCOL_RIVETKIT, ...userProtocols);
  return entries;
}

/**
 * Percent-encoded text that is a valid protocol entry (an HTTP token). encodeURIComponent leaves
 * `(` and `)` as they are, which a token may not hold: browsers and `ws` refuse to open a socket
 * offering them, so a key or params containing one would never connect.
 */
export function entryPayload(text: string): string {
  return encodeURIComponent(text).replace(/[()]/g, (char) => (char === "(" ? "%28" : "%29"));
}

/**
 * The one protocol to answer with. A client that offered protocols fails the handshake unless
 * exactly one of them comes back: `rivetkit` when offered, else the first entry.
 */
export function acceptedProtocol(offered: readonly string[]): string | undefined {
  return offered.includes(PROTOCOL_RIVETKIT) ? PROTOCOL_RIVETKIT : offered[0];
}

/**
 * The protocol to answer with when the socket is accepted only to be closed with an error.
 * Choosing an entry other than `rivetkit` lets actorflare's client tell, at `open`, that the
 * close with the error code follows, so its promise rejects instead of resolving.
 */
export function rejectionProtocol(offered: readonly string[]): string | undefined {
  return offered.find((entry) => entry !== PROTOCOL_RIVETKIT) ?? offered[0];
}
