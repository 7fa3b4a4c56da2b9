import { contentType, decode, type Encoding } from "../protocol/encoding";
import type { ErrorCode } from "../protocol/error-codes";
import type { ErrorBody } from "../protocol/errors";

/**
 * An error the server answered with (`{ c, m, md }` on the wire), or the client's own (a lost
 * connection, a disposed client). `code` is an {@link ErrorCode} or an actor's `UserError` code.
 */
export class ActorError extends Error {
  // `string & {}` keeps the known codes as suggestions while any UserError code fits.
  readonly code: ErrorCode | (string & {});
  readonly metadata: unknown;

  constructor(code: string, message: string, metadata?: unknown) {
    super(message);
    this.name = "ActorError";
    this.code = code;
    this.metadata = metadata;
  }

  static fromBody(body: ErrorBody): ActorError {
    return new ActorError(body.c, body.m, body.md);
  }
}

/**
 * Reads an error response into an ActorError: a JSON body, or a CBOR one (answers to a CBOR
 * request are CBOR). A 431 from the runtime becomes `headers_too_large`; any other body that is
 * not `{ c, m }` becomes `http_error`.
 */
export async function errorFromResponse(response: Response): Promise<ActorError> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const encoding = response.headers.get("content-type") === contentType("cbor") ? "cbor" : "json";
  try {
    const body = decode(encoding, bytes) as Partial<ErrorBody> | null;
    if (typeof body?.c === "string" && typeof body.m === "string") return ActorError.fromBody(body as ErrorBody);
  } catch {
    // Not a protocol error body; reported below with the status.
  }
  if (response.status === 431) {
    return new ActorError(
      "headers_too_large",
      "The runtime refused the request's headers as too large (431). The actor's key, conn params and query travel in headers: keep them to a few KB, and pass larger data as action arguments or input.",
    );
  }
  return new ActorError("http_error", `HTTP ${response.status}: ${new TextDecoder().decode(bytes.subarray(0, 200))}`);
}

/**
 * An action's arguments that the client's encoding cannot carry (a bigint, or a cycle, in JSON; a
 * function or symbol in CBOR). Only that call fails: nothing was sent.
 */
export function argumentsNotEncodable(action: string, encoding: Encoding, cause: unknown): ActorError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const fix =
    encoding === "json"
      ? `JSON carries no bigint and no cycles: create the client with encoding "cbor", which carries both, or pass a bigint as a string.`
      : "CBOR carries no functions or symbols: pass plain data.";
  return new ActorError("arguments_not_encodable", `The arguments of action '${action}' cannot be encoded as ${encoding} (${reason}). ${fix}`);
}
