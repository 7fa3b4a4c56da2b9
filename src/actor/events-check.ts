import { byteLength } from "../protocol/messages";
import { isStandardSchema as isSchema } from "./events";
import { nearestName } from "./nearest-name";

// The load-time check of `actor({ events })` (config-check.ts runs it): each declaration in one
// of its forms (events.ts), under a name a connection can subscribe to.

type Fail = (field: string, message: string) => never;

const SHAPE = "an event<T>() (from 'actorflare'), a Standard Schema such as a zod schema, or { schema, canSubscribe }";
const KEYS = ["schema", "canSubscribe"];

export function checkEvents(events: unknown, maxNameBytes: number, fail: Fail): void {
  if (typeof events !== "object" || events === null || Array.isArray(events)) fail("events", `'events' must be an object whose values are each ${SHAPE}`);
  for (const [name, declaration] of Object.entries(events as object)) {
    if (name === "") fail("events", "an event needs a name: '' is none");
    if (!(name as string & { isWellFormed(): boolean }).isWellFormed())
      fail("events", `the event name ${JSON.stringify(name)} holds half of a UTF-16 pair, which CBOR cannot carry as it is: use whole characters`);
    const bytes = byteLength(name);
    if (bytes > maxNameBytes) {
      fail(
        `events.${name}`,
        `the name is ${bytes} bytes long (UTF-8), over options.maxEventNameBytes (${maxNameBytes}), so no connection could subscribe to it: use a shorter name, or raise the option`,
      );
    }
    checkDeclaration(`events.${name}`, declaration, fail);
  }
}

/**
 * A `schema` that is not a Standard Schema is an event<T>() that only types the payload (RivetKit's
 * form): options inside it would be ignored, a canSubscribe among them silently, so they are refused.
 */
function checkTypeOnly(field: string, value: unknown, fail: Fail): void {
  checkDeclaration(field, value, fail);
  const options = Object.keys(value as object).filter((key) => (value as Record<string, unknown>)[key] !== undefined);
  if (options.length > 0) {
    fail(
      field,
      `an event<T>() given as 'schema' only types the payload, so its ${options.join(" and ")} would be ignored: put ${options.join(" and ")} beside 'schema'`,
    );
  }
}

/** One declaration; `schema` may itself be an event<T>() (RivetKit's form), which types the payload and checks nothing. */
function checkDeclaration(field: string, declaration: unknown, fail: Fail): void {
  if (typeof declaration !== "object" || declaration === null || Array.isArray(declaration)) fail(field, `'${field}' must be ${SHAPE}`);
  if (isSchema(declaration)) return;
  if ("~standard" in declaration) fail(field, `'${field}' has '~standard' but no '~standard.validate' function, which a Standard Schema needs`);
  for (const [key, value] of Object.entries(declaration)) {
    if (!KEYS.includes(key)) {
      const nearest = nearestName(key, KEYS);
      fail(`${field}.${key}`, `unknown key '${key}'; ${nearest ? `did you mean '${nearest}'? ` : ""}event() takes ${KEYS.join(" and ")}`);
    }
    if (value === undefined) continue;
    if (key === "schema" && !isSchema(value)) checkTypeOnly(`${field}.schema`, value, fail);
    if (key === "canSubscribe" && typeof value !== "function") {
      fail(`${field}.canSubscribe`, "'canSubscribe' must be a function of the connection's context that returns true to allow");
    }
  }
}
