import { type OfferedProtocols, parseProtocols } from "../subprotocols";

/**
 * The header names and WebSocket subprotocol entries of RivetKit 2.3's gateway
 * (docs/protocol.md §12.1), lower-cased as the Headers API returns them.
 */
export const HEADER23_ENCODING = "x-rivet-encoding";
export const HEADER23_CONN_PARAMS = "x-rivet-conn-params";

/** The entry a server echoes; RivetKit's client offers it first. */
const PROTOCOL23_STANDARD = "rivet";
const PREFIXES23 = { encoding: "rivet_encoding.", connParams: "rivet_conn_params." };

/** The entries of `Sec-WebSocket-Protocol`; those with other prefixes (`rivet_token.`, `rivet_target.`, …) are ignored. */
export function parseProtocols23(header: string | null): OfferedProtocols {
  return parseProtocols(header, PREFIXES23);
}

/** The entry to answer an upgrade with: `rivet` when offered, else the first entry. */
export function acceptedProtocol23(offered: readonly string[]): string | undefined {
  return offered.includes(PROTOCOL23_STANDARD) ? PROTOCOL23_STANDARD : offered[0];
}
