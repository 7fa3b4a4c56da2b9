import { errors } from "../protocol/errors";
import { isPlainObject } from "../protocol/plain-object";

/** The arguments as the JSON they are stored in, or `invalid_schedule` for what JSON would change or drop. */
export function storableArgs(action: string, args: unknown[]): string {
  const problem = jsonProblem(args, "");
  if (problem) {
    throw errors.invalidSchedule(
      `The arguments of '${action}' are stored as JSON, which cannot keep ${problem}. Pass plain data (strings, numbers, booleans, null, arrays, plain objects), e.g. a Date as its getTime().`,
    );
  }
  return JSON.stringify(args);
}

/**
 * What in `value` JSON would not give back as it is: a function, symbol or bigint, a number
 * that is not finite, an object that is not a plain object or an array (a Date, a Map, a class
 * instance), or a cycle; described with its path. `undefined` is let through: JSON gives `null`
 * in an array and drops it from an object, as the README says.
 */
function jsonProblem(value: unknown, path: string, ancestors: object[] = []): string | undefined {
  const at = path ? ` (at ${path})` : "";
  if (value === null || value === undefined || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : `${value}${at}`;
  if (typeof value !== "object") return `a ${typeof value}${at}`;
  if (ancestors.includes(value)) return `a cycle${at}`;
  const isArray = Array.isArray(value);
  if (!isArray && !isPlainObject(value)) return `a ${value.constructor?.name ?? "object"}${at}`;
  ancestors.push(value);
  for (const [key, inner] of Object.entries(value)) {
    const problem = jsonProblem(inner, isArray ? `${path}[${key}]` : `${path}.${key}`, ancestors);
    if (problem) return problem;
  }
  ancestors.pop();
  return undefined;
}
