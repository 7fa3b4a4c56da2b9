import { errors } from "../protocol/errors";
import type { ActionContext } from "./context";

/**
 * Declared events (`actor({ events })`), as RivetKit 2.3 declares them: each name with the type
 * of its payload, which types the client's `on` and `once`, and optionally a schema that checks
 * every broadcast and a hook that decides who may subscribe.
 */

/**
 * What actorflare needs of a Standard Schema (zod, valibot, ArkType, ... implement it): a
 * synchronous `validate` and, for types, its output type. Written out here rather than imported,
 * so that client projects type-check without one more package.
 */
export interface StandardSchema<Output = unknown> {
  readonly "~standard": {
    readonly validate: (value: unknown) => SchemaResult<Output> | Promise<SchemaResult<Output>>;
    readonly types?: { readonly output: Output } | undefined;
  };
}

type SchemaResult<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: readonly SchemaIssue[] };

interface SchemaIssue {
  readonly message: string;
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
}

/**
 * Decides whether the connection in `c.conn` may subscribe to the event: `true` lets it, anything
 * else refuses it with `forbidden` (a throw refuses it with the error thrown).
 */
// `any`: the hook is declared before the actor's types exist, as in RivetKit.
// biome-ignore lint/suspicious/noExplicitAny: see above
export type SubscribeCheck = (c: ActionContext<any, any, any, any, any, any>) => boolean | Promise<boolean>;

export interface EventOptions {
  /**
   * Checks every payload of the event when it is sent (a Standard Schema); a payload it refuses
   * fails the send with `invalid_event_payload`. An event<T>() here, as RivetKit allows, only types it.
   */
  schema?: StandardSchema | EventToken<unknown> | undefined;
  canSubscribe?: SubscribeCheck | undefined;
}

/** An event declared with `event<T>()`. */
export interface EventToken<T> extends EventOptions {
  /** Type-only: the payload's type. Never set. */
  readonly "~payload"?: [T];
}

/** How one event may be declared: `event<T>(options)`, a Standard Schema, or `{ schema, canSubscribe }`. */
export type EventDeclaration =
  | EventToken<unknown>
  | StandardSchema
  | { schema: StandardSchema | EventToken<unknown>; canSubscribe?: SubscribeCheck | undefined };

export type EventDeclarations = Record<string, EventDeclaration>;

/**
 * Declares an event whose payload is a `T`: `events: { message: event<Message>() }`. The second
 * type parameter is RivetKit's context type, taken so that its declarations compile; `c` in
 * `canSubscribe` is actorflare's action context either way.
 */
export function event<T, _Context = unknown>(options: EventOptions = {}): EventToken<T> {
  return { ...options };
}

/** The payload type of a declaration. */
export type PayloadOf<D> =
  D extends StandardSchema<infer O>
    ? O
    : D extends { schema: StandardSchema<infer O> }
      ? O
      : D extends { schema: { readonly "~payload"?: [infer T] } }
        ? T
        : D extends { readonly "~payload"?: [infer T] }
          ? T
          : unknown;

/** The payload type of each declared event: what the client's `on` reads (as `"~events"` of the definition). */
export type EventPayloads<E> = { [K in keyof E]: PayloadOf<E[K]> };

/** Whether a value is a Standard Schema: an object with a `~standard.validate` function. */
export function isStandardSchema(value: unknown): value is StandardSchema {
  const standard = typeof value === "object" && value !== null ? (value as { "~standard"?: { validate?: unknown } })["~standard"] : undefined;
  return typeof standard?.validate === "function";
}

/** The schema that checks an event's payloads, if its declaration has one (a `schema` that is an event<T>() only types it). */
function schemaOf(declaration: EventDeclaration | undefined): StandardSchema | undefined {
  if (declaration === undefined) return undefined;
  if (isStandardSchema(declaration)) return declaration;
  return isStandardSchema(declaration.schema) ? declaration.schema : undefined;
}

/** The event's own declaration (never one inherited from Object.prototype, such as `toString`). */
function declarationOf(events: EventDeclarations | undefined, event: string): EventDeclaration | undefined {
  return events && Object.hasOwn(events, event) ? events[event] : undefined;
}

/** The hook that decides who may subscribe to an event, if its declaration has one. */

export function subscribeCheckOf(events: EventDeclarations | undefined, event: string): SubscribeCheck | undefined {
  const declaration = declarationOf(events, event);
  if (declaration === undefined || isStandardSchema(declaration)) return undefined;
  return declaration.canSubscribe;
}

/**
 * The arguments of an event about to be sent, as its schema gives them back (a schema may
 * transform what it checks). One argument is checked as the payload, several as an array, as
 * RivetKit does. Throws `invalid_event_payload` naming each issue; an event without a schema, or
 * not declared, goes as it is.
 */
export function checkedEventArgs(events: EventDeclarations | undefined, event: string, args: unknown[]): unknown[] {
  const schema = schemaOf(declarationOf(events, event));
  if (!schema) return args;
  const payload = args.length <= 1 ? args[0] : args;
  const result = schema["~standard"].validate(payload);
  if ("then" in result)
    throw errors.invalidEventPayload(event, ["its schema validates asynchronously, which a send cannot wait for: use a synchronous schema"]);
  if (result.issues) throw errors.invalidEventPayload(event, result.issues.map(describeIssue));
  if (args.length <= 1) return [result.value];
  return Array.isArray(result.value) ? result.value : [result.value];
}

function describeIssue(issue: SchemaIssue): string {
  const path = issue.path?.map((segment) => String(typeof segment === "object" ? segment.key : segment)).join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}
