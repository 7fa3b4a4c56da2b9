/**
 * Checks an actor's config when its module loads, so a typo fails the deploy, not the first
 * request. A table of what each field may be, checked by hand: it names the field and says what
 * is wrong, and keeps a schema library out of every Worker's bundle.
 */

import { foreignNameHint } from "./foreign-names";
import { isJurisdiction, JURISDICTIONS } from "../protocol/placement";
import type { ActorOptions } from "./definition";
import { checkEvents } from "./events-check";
import { nearestName } from "./nearest-name";
import { resolveOptions } from "./options";

type FieldKind = "value" | "function" | "actions" | "events" | "options" | "database" | "jurisdiction";
type OptionKind = "positive" | "positive-int";
type OptionRule = { kind: OptionKind; min?: number; max?: number; why?: string };

const FIELDS: Record<string, FieldKind> = {
  state: "value",
  createState: "function",
  vars: "value",
  createVars: "function",
  actions: "actions",
  onAuth: "function",
  onCreate: "function",
  onStart: "function",
  onDestroy: "function",
  onStateChange: "function",
  onBeforeActionResponse: "function",
  onFetch: "function",
  onWebSocket: "function",
  onBeforeConnect: "function",
  connState: "value",
  createConnState: "function",
  onConnect: "function",
  onDisconnect: "function",
  events: "events",
  options: "options",
  db: "database",
  jurisdiction: "jurisdiction",
};

/**
 * Each option's rule: a positive number, an integer where said, and bounds where a value outside
 * them is surely a mistake (often of unit: these are ms), with why. Keyed by ActorOptions, so a
 * new option fails to compile until it is here.
 */
const OPTIONS: Record<keyof ActorOptions, OptionRule> = {
  actionTimeout: { kind: "positive" },
  sseKeepAlive: {
    kind: "positive",
    min: 50,
    max: 15_000,
    why: "a comment more often than every 50 ms costs the actor CPU for nothing, and a stream quiet for longer than a client's heartbeat interval (15 s by default) is taken for dead",
  },
  scheduleRetryDelay: { kind: "positive", max: 365 * 24 * 3_600_000, why: "a longer delay (over a year) would park a failing job for good" },
  maxIncomingMessageSize: { kind: "positive-int" },
  maxSubscriptionsPerConnection: { kind: "positive-int" },
  maxEventNameBytes: { kind: "positive-int" },
};

/** A value and the factory that would make it: an actor has one or the other. */
const EXCLUSIVE = [
  ["state", "createState"],
  ["vars", "createVars"],
  ["connState", "createConnState"],
] as const;

/** Thrown at module load for a config that cannot work; names the actor (when known) and the field. */
export class ActorConfigError extends Error {
  readonly field: string;
  constructor(field: string, message: string, actorName?: string) {
    super(`Invalid actor config${actorName ? ` for '${actorName}'` : ""}: field '${field}': ${message}.`);
    this.name = "ActorConfigError";
    this.field = field;
  }
}

export function validateActorConfig(config: unknown, actorName?: string): void {
  const fail = (field: string, message: string): never => {
    throw new ActorConfigError(field, message, actorName);
  };
  if (typeof config !== "object" || config === null || Array.isArray(config)) fail("(config)", "the config must be an object");
  const fields = config as Record<string, unknown>;
  for (const [field, value] of Object.entries(fields)) {
    const kind = FIELDS[field];
    if (!Object.hasOwn(FIELDS, field) || kind === undefined) {
      fail(field, `unknown key '${field}'; ${foreignNameHint(field) ?? spellingHint(field, FIELDS, "the actor() options")}`);
    }
    if (value === undefined) continue;
    if (kind === "function" && typeof value !== "function") fail(field, `'${field}' must be a function`);
    if (kind === "value") {
      const factory = EXCLUSIVE.find(([name]) => name === field)?.[1];
      if (typeof value === "function") fail(field, `'${field}' is a value, not a function${factory ? `: to make it with a function, use '${factory}'` : ""}`);
      checkCopyable(field, value, factory, fail);
    }
    if (kind === "actions") checkActions(value, fail);
    if (kind === "options") checkOptions(value, fail);
    if (kind === "database") checkDatabase(value, fail);
    if (kind === "jurisdiction" && !isJurisdiction(value)) {
      fail(
        "jurisdiction",
        `'jurisdiction' must be one of ${JURISDICTIONS.map((j) => `"${j}"`).join(", ")} (got ${JSON.stringify(value) ?? `a ${typeof value}`}); leave it out for none`,
      );
    }
  }
  for (const [value, factory] of EXCLUSIVE) {
    if (fields[value] !== undefined && fields[factory] !== undefined) fail(factory, `give either '${value}' or '${factory}', not both`);
  }
  // After the options, whose limit on event names it applies.
  if (fields.events !== undefined) checkEvents(fields.events, resolveOptions(fields.options as ActorOptions | undefined).maxEventNameBytes, fail);
}

function checkActions(actions: unknown, fail: (field: string, message: string) => never): void {
  if (typeof actions !== "object" || actions === null || Array.isArray(actions)) fail("actions", "'actions' must be an object of functions");
  for (const [name, action] of Object.entries(actions as object)) {
    if (typeof action !== "function") fail(`actions.${name}`, `'actions.<name>' must be a function`);
  }
}

function checkDatabase(db: unknown, fail: (field: string, message: string) => never): void {
  const provider = db as { create?: unknown; migrate?: unknown } | null;
  if (typeof provider !== "object" || provider === null || typeof provider.create !== "function") {
    fail("db", "'db' must be a database provider such as drizzle({ schema, migrations }) from 'actorflare/db/drizzle'");
  }
  if (provider.migrate !== undefined && typeof provider.migrate !== "function") fail("db", "'db.migrate' must be a function");
}

/**
 * A value given as `state`, `vars` or `connState` is copied with structuredClone for each actor
 * (or connection), so one that holds a function, a symbol or a Promise would fail every start
 * with an internal error. Refused here instead, naming the top-level field that holds it.
 */
function checkCopyable(field: string, value: unknown, factory: string | undefined, fail: (field: string, message: string) => never): void {
  const refusal = cloneRefusal(value);
  if (refusal === undefined) return;
  const inner =
    typeof value === "object" && value !== null
      ? Object.keys(value).find((key) => cloneRefusal((value as Record<string, unknown>)[key]) !== undefined)
      : undefined;
  const where = inner === undefined ? `'${field}'` : `'${field}.${inner}'`;
  fail(
    field,
    `${where} cannot be copied for each ${field === "connState" ? "connection" : "actor"} (${refusal}): keep functions, symbols and Promises out of it${factory ? `, or make it in '${factory}'` : ""}`,
  );
}

function cloneRefusal(value: unknown): string | undefined {
  try {
    structuredClone(value);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function checkOptions(options: unknown, fail: (field: string, message: string) => never): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) fail("options", "'options' must be an object");
  for (const [name, value] of Object.entries(options as object)) {
    const rule = Object.hasOwn(OPTIONS, name) ? OPTIONS[name as keyof ActorOptions] : undefined;
    if (rule === undefined) {
      fail(`options.${name}`, `unknown option '${name}'; ${foreignNameHint(name) ?? spellingHint(name, OPTIONS, "ActorOptions")}`);
    }
    if (value === undefined) continue;
    if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) fail(`options.${name}`, `'${name}' must be a positive number`);
    if (rule.kind === "positive-int" && !Number.isInteger(value)) fail(`options.${name}`, `'${name}' must be a positive integer`);
    if (value < (rule.min ?? 0) || value > (rule.max ?? Number.POSITIVE_INFINITY)) {
      const range = rule.min === undefined ? `at most ${rule.max}` : rule.max === undefined ? `at least ${rule.min}` : `from ${rule.min} to ${rule.max}`;
      fail(`options.${name}`, `'${name}' must be ${range} ms (got ${value}): ${rule.why}`);
    }
  }
}

function spellingHint(name: string, known: object, where: string): string {
  const nearest = nearestName(name, Object.keys(known));
  const check = `the spelling against ${where}`;
  return nearest ? `did you mean '${nearest}'? Check ${check}` : `check ${check}`;
}
