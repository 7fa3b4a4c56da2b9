import { Decoder } from "./cbor-decoder";
import { Encoder } from "./cbor-encoder";

export { CborError, UnencodableError } from "./cbor-format";

/**
 * CBOR (RFC 8949) for connection messages and stored state, written here rather than taken
 * from a library for two reasons: size (every Worker bundles it; cbor-x costs 11 KiB gzipped,
 * this a few) and the exact conventions both sides need, which are cbor-x's (RivetKit's client
 * encodes with it, and earlier actorflare stored state with it):
 *
 * - objects as maps with string keys; any map header length is read, the shortest is written;
 * - `undefined` as simple value 23; non-integers, and integers past 32 bits, as float64
 *   (float16/32 are read too); a `bigint` as a 64-bit integer, and a 64-bit integer read back
 *   as a `bigint`, so numbers and bigints keep their type;
 * - `Date` tag 1 (epoch seconds), `bigint` tags 2/3 past 64 bits, typed arrays tags 64–86
 *   (RFC 8746, little-endian as written), `Set` tag 258, `Map` tag 259;
 * - a `Float16Array` tag 84 (RFC 8746; cbor-x has none), where the platform has the type; where
 *   it has not (Node 20), tag 84 reads as a `Float32Array` of the same numbers;
 * - objects reached twice (shared or cyclic) as tag 28 at their first place and tag 29 with
 *   its index after (cbor-x's structured-clone mode), so state can hold cycles.
 *
 * Indefinite lengths are read; unknown tags are refused, like anything else not well formed.
 * The encoder (cbor-encoder.ts) and decoder (cbor-decoder.ts) are classes, not closures: a
 * bundle that keeps names (as wrangler's does) wraps every named closure in a call to set its
 * name, which costs bytes and time. They share the major types and tags of cbor-format.ts.
 * test/node/cbor.test.ts checks values of every kind both ways against cbor-x, and
 * test/node/cbor-exact.test.ts the exact bytes.
 */

/**
 * Encodes a value; throws `UnencodableError` for what CBOR cannot carry (functions, symbols,
 * Promises, weak collections), and for containers nested more than `maxDepth` deep.
 */
export function encodeCbor(value: unknown, maxDepth?: number): Uint8Array<ArrayBuffer> {
  return new Encoder(maxDepth).value(value).bytes();
}

/**
 * Named byte strings, as an array of `[text, bytes]` arrays: what `encodeCbor` writes for them
 * (bar the Uint8Array tag, which decoding does not need), without its walk over the value. The
 * state store writes its packed entry with it while a field needs CBOR.
 */
export function encodeCborNamedBytes(entries: Map<string, Uint8Array>): Uint8Array<ArrayBuffer> {
  return new Encoder().namedBytes(entries).bytes();
}

/** Decodes one value that takes all of `data`; throws `CborError` when it is not well formed. */
export function decodeCbor(data: Uint8Array): unknown {
  return new Decoder(data).document();
}

/**
 * Decodes one value a client sent: as `decodeCbor`, but its references to shared values (tags
 * 28/29) may not make it stand for more than 8 times its length plus 65,536, a value counting 1
 * and a string its bytes: a few hundred bytes of references nested in each other, or to one long
 * string, can stand for billions of values or gigabytes of text, which the actor then stores,
 * copies and encodes for JSON clients. A message without references is never larger than its
 * length by that count, and ordinary sharing (the same object passed twice) stays well within it.
 * Stored state, which the actor itself wrote, is read with `decodeCbor`.
 */
export function decodeCborFromClient(data: Uint8Array): unknown {
  return new Decoder(data, 8 * data.byteLength + 65_536).document();
}
