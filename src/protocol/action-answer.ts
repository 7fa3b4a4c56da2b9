import { contentType, type Encoding, encode } from "./encoding";
import { ActorflareError } from "./errors";
import { actionAnswer23 } from "./rivet23/messages";
import { rivet23EncodingOf, type Wire } from "./wire";

/**
 * An action's answer leaves the actor encoded by the wire's own encoder, on a connection
 * (messages.ts) as over HTTP (here), so both carry the same value the same way: a class
 * instance as its own enumerable properties, a Date as JSON or CBOR writes it. RPC's structured
 * clone, which refuses class instances, never sees the output, only these bytes.
 */

/** An HTTP action's answer body, encoded by the actor's object: text for JSON, bytes otherwise. */
export type EncodedAnswer = string | Uint8Array<ArrayBuffer>;

/**
 * The most one RPC call carries between a Durable Object and the Worker (32 MiB), less room for
 * the call's own framing. A JSON answer is counted in UTF-16 units, a lower bound of its size on
 * the way; one that passes this and still does not fit fails in the Worker (worker/call.ts).
 */
const RPC_ANSWER_LIMIT = 32 * 1024 * 1024 - 1024;

/** `{ o: output }` (`{}` for undefined) on actorflare's wire, `{ output }` on RivetKit 2.3's. */
export function encodeActionAnswer(wire: Wire, name: string, output: unknown): EncodedAnswer {
  let body: EncodedAnswer;
  try {
    const rivet23 = rivet23EncodingOf(wire);
    body = rivet23 ? actionAnswer23(rivet23, output) : encode(wire as Encoding, output === undefined ? {} : { o: output });
  } catch (error) {
    throw answerNotSent(name, error);
  }
  const size = typeof body === "string" ? body.length : body.byteLength;
  if (size > RPC_ANSWER_LIMIT) throw answerNotSent(name, answerTooLarge(size));
  return body;
}

function answerTooLarge(size: number): ActorflareError {
  return new ActorflareError(
    "value_not_serializable",
    `it is ${(size / 1024 / 1024).toFixed(1)} MiB encoded, over the 32 MiB the runtime carries in one call from an actor's Durable Object. Answer less (a page of it), or send large data from onFetch, whose body streams.`,
    { status: 500 },
  );
}

/** The Worker's response for an encoded answer. */
export function actionAnswerResponse(wire: Wire, body: EncodedAnswer): Response {
  const json = wire === "json" || wire === "rivet23-json";
  return new Response(body, { headers: { "content-type": contentType(json ? "json" : "cbor") } });
}

/**
 * An output its encoding cannot carry, met after the action ran and its state was saved: the
 * caller must learn that a retry would run it again. Any other error is returned as it is.
 */
export function answerNotSent(name: string, error: unknown): unknown {
  if (!(error instanceof ActorflareError) || error.code !== "value_not_serializable") return error;
  return new ActorflareError("value_not_serializable", `Action '${name}' ran (what it changed is kept), but its output could not be sent: ${error.message}`, {
    status: error.status,
    metadata: error.metadata,
    cause: error,
  });
}
