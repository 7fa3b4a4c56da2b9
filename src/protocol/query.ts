import * as z from "zod/mini";
import { errors } from "./errors";

/**
 * The actor query (PROTOCOL.md §2): exactly one of four variants. Unknown fields are
 * ignored because RivetKit's client puts its whole option bag inside `create`.
 */

export const MAX_KEY_PART_LENGTH = 128;

/** A key on the wire: a string array, a bare string (normalised to `[string]`), or missing (`[]`). */
const keyPart = z.string().check(z.maxLength(MAX_KEY_PART_LENGTH));
const keySchema = z.pipe(
  z.optional(z.union([z.array(keyPart), keyPart, z.null()])),
  z.transform((key): string[] => (key === null || key === undefined ? [] : typeof key === "string" ? [key] : key)),
);

const nameSchema = z.string().check(z.minLength(1));
const createFields = { name: nameSchema, key: keySchema, input: z.optional(z.unknown()), region: z.optional(z.string()) };

export const actorQuerySchema = z.union([
  z.object({ getForId: z.object({ name: z.optional(nameSchema), actorId: z.string().check(z.minLength(1)) }) }),
  z.object({ getForKey: z.object({ name: nameSchema, key: keySchema }) }),
  z.object({ getOrCreateForKey: z.object(createFields) }),
  z.object({ create: z.object(createFields) }),
]);

export type ActorQuery = z.output<typeof actorQuerySchema>;
/** What a caller may write: keys as strings or arrays. */
export type ActorQueryInput = z.input<typeof actorQuerySchema>;

export type Intent = "get" | "create" | "connect" | "action" | "message";

/** Validates an already-parsed query value. */
export function parseActorQuery(value: unknown): ActorQuery {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw errors.invalidRequest("The actor query must be a JSON object with one of getForId, getForKey, getOrCreateForKey or create.");
  }
  const variants = ["getForId", "getForKey", "getOrCreateForKey", "create"].filter((k) => k in value);
  if (variants.length !== 1) {
    throw errors.invalidRequest(
      `The actor query must have exactly one of getForId, getForKey, getOrCreateForKey or create (found ${variants.length === 0 ? "none" : variants.join(", ")}).`,
    );
  }
  const parsed = actorQuerySchema.safeParse(value);
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
