import type * as z from "zod/mini";
import { UserError } from "../../../src/index";

/**
 * Checks an action's argument against a zod schema. Arguments come from clients and can be
 * anything JSON or CBOR can carry, so each action checks what it stores; a bad one is refused
 * with `invalid_argument` and changes nothing.
 */
export function parseArgument<T>(schema: z.ZodMiniType<T>, value: unknown, name: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new UserError(`Invalid ${name}: ${result.error.issues[0]?.message ?? "wrong type"}.`, { code: "invalid_argument", metadata: { argument: name } });
}
