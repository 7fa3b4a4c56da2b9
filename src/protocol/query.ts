import * as z from "zod/mini";
import { errors } from "./errors";

/**
 * The actor query (PROTOCOL.md §2): exactly one of four variants. Unknown fields are
 * ignored because RivetKit's client puts its whole option bag inside `create`.
 */

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
  if (new TextEncoder().encode(JSON.stringify(key)).byteLength > MAX_KEY_BYTES) return `a key may take at most ${MAX_KEY_BYTES} bytes as JSON`;
  return undefined;
}

/**
 * A key on the wire: a string array, a bare string (normalised to `[string]`), or missing / null
 * (`[]`). Checked by hand rather than as a union, so a refusal says which bound was passed.
 */
const keySchema = z.pipe(
  z.optional(z.unknown()),
  z.transform((value, ctx): string[] => {
    const key = value === null || value === undefined ? [] : typeof value === "string" ? [value] : value;
    const problem = Array.isArray(key) ? keyProblem(key) : "a key must be a string or an array of strings";
    if (problem === undefined) return key as string[];
    ctx.issues.push({ code: "custom", message: problem, input: value });
    return z.NEVER;
  }),
);

const nameSchema = z.string().check(z.minLength(1));
const createFields = { name: nameSchema, key: keySchema, input: z.optional(z.unknown()), region: z.optional(z.string()) };

const variantSchemas = {
  getForId: z.object({ getForId: z.object({ name: z.optional(nameSchema), actorId: z.string().check(z.minLength(1)) }) }),
  getForKey: z.object({ getForKey: z.object({ name: nameSchema, key: keySchema }) }),
  getOrCreateForKey: z.object({ getOrCreateForKey: z.object(createFields) }),
  create: z.object({ create: z.object(createFields) }),
};
type Variant = keyof typeof variantSchemas;
const VARIANTS = Object.keys(variantSchemas) as Variant[];

export const actorQuerySchema = z.union(Object.values(variantSchemas));

export type ActorQuery = z.output<typeof actorQuerySchema>;
/** What a caller may write: keys as strings or arrays. */
export type ActorQueryInput = z.input<typeof actorQuerySchema>;

export type Intent = "get" | "create" | "connect" | "action" | "message";

/** Validates an already-parsed query value. */
export function parseActorQuery(value: unknown): ActorQuery {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw errors.invalidRequest("The actor query must be a JSON object with one of getForId, getForKey, getOrCreateForKey or create.");
  }
  const variants = VARIANTS.filter((k) => k in value);
  if (variants.length !== 1) {
    throw errors.invalidRequest(
      `The actor query must have exactly one of getForId, getForKey, getOrCreateForKey or create (found ${variants.length === 0 ? "none" : variants.join(", ")}).`,
    );
  }
  // The variant is known, so its own schema gives the precise reason (a union would only say "Invalid input").
  const parsed = variantSchemas[variants[0]!].safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join(".") : "";
    throw errors.invalidRequest(`Invalid actor query${where ? ` at '${where}'` : ""}: ${issue?.message ?? "wrong shape"}.`, {
      path: issue?.path.map(String),
    });
  }
  return parsed.data;
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
