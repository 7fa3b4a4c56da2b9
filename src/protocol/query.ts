import { errors } from "./errors";
import { type LocationHint, locationHintOf } from "./placement";

/** Bounds on a key: characters per part (RivetKit's), parts, and UTF-8 bytes of the whole key as JSON. */
export const MAX_KEY_PART_LENGTH = 128;
export const MAX_KEY_PARTS = 16;
/** The key's JSON names its Durable Object; up to 1,024 bytes the object can still read its own name. */
export const MAX_KEY_BYTES = 1_024;

/** Why a key is refused, or undefined when it is fine. */
function keyProblem(key: unknown[]): string | undefined {
  if (key.length > MAX_KEY_PARTS) return `a key may have at most ${MAX_KEY_PARTS} parts (this one has ${key.length})`;
  if (key.some((part) => typeof part !== "string")) return "every key part must be a string";
  if ((key as string[]).some((part) => part.length > MAX_KEY_PART_LENGTH)) return `each key part may have at most ${MAX_KEY_PART_LENGTH} characters`;
  // UTF-8 takes at most 3 bytes per UTF-16 unit: a short key is under the limit without encoding it.
  const json = JSON.stringify(key);
  if (json.length * 3 > MAX_KEY_BYTES && new TextEncoder().encode(json).byteLength > MAX_KEY_BYTES)
    return `a key may take at most ${MAX_KEY_BYTES} bytes as JSON`;
  return undefined;
}

/** What a caller may write as a key: a string, an array of strings, or nothing (`[]`). */
export type ActorKeyInput = string | string[] | null | undefined;

/**
 * The actor query, parsed: exactly one of four variants, keys as arrays. Unknown fields are
 * dropped (RivetKit's client puts its whole option bag inside `create`).
 */
export type ActorQuery =
  | { getForId: { name?: string; actorId: string } }
  | { getForKey: { name: string; key: string[] } }
  | { getOrCreateForKey: { name: string; key: string[]; input?: unknown; region?: LocationHint } }
  | { create: { name: string; key: string[]; input?: unknown; region?: LocationHint } };

const VARIANTS = ["getForId", "getForKey", "getOrCreateForKey", "create"] as const;

/** What a request wants (docs/protocol.md §8): `destroy` and `list` are the routes of those names. */
export type Intent = "get" | "create" | "connect" | "action" | "message" | "destroy" | "list";

/**
 * Validates an already-parsed query value. Checked by hand, not with a schema library: it runs
 * on every request, and a refusal says exactly which field is wrong.
 */
export function parseActorQuery(value: unknown): ActorQuery {
  if (!isObject(value)) {
    throw errors.invalidRequest("The actor query must be a JSON object with one of getForId, getForKey, getOrCreateForKey or create.");
  }
  const variants = VARIANTS.filter((k) => k in value);
  if (variants.length !== 1) {
    throw errors.invalidRequest(
      `The actor query must have exactly one of getForId, getForKey, getOrCreateForKey or create (found ${variants.length === 0 ? "none" : variants.join(", ")}).`,
    );
  }
  const variant = variants[0]!;
  const fields = value[variant];
  if (!isObject(fields)) throw invalidField(variant, "must be an object");
  if (variant === "getForId") {
    const actorId = fields.actorId;
    if (typeof actorId !== "string" || actorId === "") throw invalidField(`${variant}.actorId`, "must be a non-empty string");
    // Ids are hexadecimal and the runtime takes either case: onAuth sees the one form `resolve` answers.
    const id = actorId.toLowerCase();
    return { getForId: fields.name === undefined ? { actorId: id } : { name: nameOf(variant, fields.name), actorId: id } };
  }
  const name = nameOf(variant, fields.name);
  const key = keyOf(variant, fields.key);
  if (variant === "getForKey") return { getForKey: { name, key } };
  const created: { name: string; key: string[]; input?: unknown; region?: LocationHint } = { name, key };
  if (fields.input !== undefined) created.input = fields.input;
  // Refused here, before onAuth and before any object is addressed.
  if (fields.region !== undefined) created.region = locationHintOf(fields.region);
  return variant === "create" ? { create: created } : { getOrCreateForKey: created };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nameOf(variant: string, name: unknown): string {
  if (typeof name !== "string" || name === "") throw invalidField(`${variant}.name`, "must be a non-empty string");
  return name;
}

/** A key as an array: a bare string is `[string]`, a missing or null key `[]`. */
function keyOf(variant: string, value: unknown): string[] {
  const key = value === null || value === undefined ? [] : typeof value === "string" ? [value] : value;
  const problem = Array.isArray(key) ? keyProblem(key) : "a key must be a string or an array of strings";
  if (problem !== undefined) throw invalidField(`${variant}.key`, problem);
  return key as string[];
}

function invalidField(path: string, problem: string) {
  return errors.invalidRequest(`Invalid actor query at '${path}': ${problem}.`, { path: path.split(".") });
}

/** Parses the query from its JSON text (a header or a subprotocol entry). */
export function parseActorQueryJson(text: string): ActorQuery {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw errors.invalidQueryJson(error instanceof Error ? error.message : "parse failed");
  }
  return parseActorQuery(value);
}
