/**
 * The header names and WebSocket subprotocol entries of RivetKit 2.3's gateway
 * (docs/protocol.md §12.1), lower-cased as the Headers API returns them.
 */
export const HEADER23_ENCODING = "x-rivet-encoding";
export const HEADER23_CONN_PARAMS = "x-rivet-conn-params";

/** The entry a server echoes; RivetKit's client offers it first. */
export const PROTOCOL23_STANDARD = "rivet";
const PROTOCOL23_ENCODING_PREFIX = "rivet_encoding.";
const PROTOCOL23_CONN_PARAMS_PREFIX = "rivet_conn_params.";

export interface OfferedProtocols23 {
  offered: string[];
  encoding?: string;
  /** Percent-decoded conn params JSON. */
  connParams?: string;
}

/** The entries of `Sec-WebSocket-Protocol`; entries with another prefix (`rivet_token.`, `rivet_target.`, …) are ignored. */
export function parseProtocols23(header: string | null): OfferedProtocols23 {
  const offered = (header ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const result: OfferedProtocols23 = { offered };
  for (const entry of offered) {
    if (entry.startsWith(PROTOCOL23_ENCODING_PREFIX)) result.encoding = entry.slice(PROTOCOL23_ENCODING_PREFIX.length);
    else if (entry.startsWith(PROTOCOL23_CONN_PARAMS_PREFIX)) {
      const text = entry.slice(PROTOCOL23_CONN_PARAMS_PREFIX.length);
      try {
        result.connParams = decodeURIComponent(text);
      } catch {
        // A malformed escape stays as it is; the JSON parser then refuses it.
        result.connParams = text;
      }
    }
  }
  return result;
}

/** The entry to answer an upgrade with: `rivet` when offered, else the first entry. */
export function acceptedProtocol23(offered: readonly string[]): string | undefined {
  return offered.includes(PROTOCOL23_STANDARD) ? PROTOCOL23_STANDARD : offered[0];
}
