import { ActorflareError } from "./errors";

/**
 * `JSON.stringify` for a value one side sends the other. What it cannot write is the sender's
 * code to fix, so a bigint or a cycle is `value_not_serializable`, saying which, rather than the
 * engine's TypeError (which would reach a client as a masked internal error). The value is only
 * searched after a failure: a value that encodes costs nothing more.
 */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    let obstacle: Obstacle | undefined;
    try {
      obstacle = jsonObstacle(value, "", new Set());
    } catch {
      // A toJSON that throws, or nesting past the call stack: the first error says more.
    }
    if (obstacle) throw valueNotSerializable(obstacle, "json", error);
    throw error;
  }
}

export type Obstacle = "bigint" | "cycle";

/** The first bigint or cycle in `value`, looking where JSON.stringify looks (after toJSON, own enumerable keys). */
function jsonObstacle(value: unknown, key: string, ancestors: Set<object>): Obstacle | undefined {
  const current = hasToJson(value) ? value.toJSON(key) : value;
  if (typeof current === "bigint") return "bigint";
  if (typeof current !== "object" || current === null) return undefined;
  if (ancestors.has(current)) return "cycle";
  ancestors.add(current);
  for (const [entryKey, entry] of Object.entries(current)) {
    const found = jsonObstacle(entry, entryKey, ancestors);
    if (found) return found;
  }
  ancestors.delete(current);
  return undefined;
}

function hasToJson(value: unknown): value is { toJSON(key: string): unknown } {
  return (typeof value === "object" || typeof value === "bigint") && value !== null && typeof (value as { toJSON?: unknown }).toJSON === "function";
}

/**
 * A value for the other side that the wire cannot carry: a bigint or a cycle in JSON, a cycle on
 * RivetKit 2.3's wire (whose client revives values by a walk with no end on a cycle). Public, so
 * the client learns why; 500, as the actor's code made the value. Here rather than in `errors`:
 * the client encodes JSON too, and need not bundle every other message.
 */
export function valueNotSerializable(obstacle: Obstacle, wire: "json" | "rivet23", cause?: unknown): ActorflareError {
  const useCbor = 'Use the CBOR encoding (`encoding: "cbor"` in the client\'s options)';
  const message =
    wire === "rivet23"
      ? "A value could not be encoded: it has a cycle (an object that contains itself), which RivetKit's wire cannot carry in any encoding. " +
        "Return or send a value without the cycle (actorflare's own client carries cycles in CBOR)."
      : obstacle === "bigint"
        ? `A value could not be encoded as JSON: it holds a bigint, which JSON has no form for. ${useCbor}, or convert the bigint before returning or sending it (String(n), or Number(n) where it is safe).`
        : `A value could not be encoded as JSON: it has a cycle (an object that contains itself), which JSON has no form for. ${useCbor}, which carries cycles, or return or send a value without the cycle.`;
  return new ActorflareError("value_not_serializable", message, { status: 500, cause });
}

/**
 * A value no encoding carries: a Promise (a missing `await`, most often), a function, a symbol.
 * `what` names it ("a Promise (await it first)"). Public and 500, as `valueNotSerializable`.
 */
export function valueNotEncodable(what: string, cause?: unknown): ActorflareError {
  return new ActorflareError(
    "value_not_serializable",
    `A value could not be encoded: it holds ${what}, which no encoding carries. Return or send plain data.`,
    {
      status: 500,
      cause,
    },
  );
}
