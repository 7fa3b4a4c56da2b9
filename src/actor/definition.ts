import * as z from "zod";
import type { Intent } from "../protocol/query";
import type { ActorContext, CreateContext } from "./context";

/* eslint-disable @typescript-eslint/no-explicit-any -- action signatures are inferred per actor */
export type AnyActionFunction = (c: ActorContext<any, any>, ...args: any[]) => unknown;
export type Actions<S, V> = Record<string, (c: ActorContext<S, V>, ...args: any[]) => unknown>;

export interface AuthOptions {
  request: Request;
  intents: Set<Intent>;
}

export interface FetchOptions<A> {
  auth: A;
}

export interface WebSocketOptions<A> {
  request: Request;
  auth: A;
}

/** What users pass to `actor()`. `S` state, `V` vars, `I` create input, `A` auth data. */
export interface ActorConfig<S, V, I, A, TActions extends Actions<S, V>> {
  state?: S;
  createState?: (c: CreateContext, input: I) => S | Promise<S>;
  vars?: V;
  createVars?: (c: CreateContext) => V | Promise<V>;
  actions?: TActions;
  /** Runs in the front Worker before any Durable Object is addressed. Without it, public clients get 403. */
  onAuth?: (options: AuthOptions, params: any) => A | Promise<A>;
  /** Once per actor, when it is created, before it serves anything. */
  onCreate?: (c: ActorContext<S, V>, input: I) => void | Promise<void>;
  /** On every wake (each time the Durable Object loads the actor), before the first request. */
  onStart?: (c: ActorContext<S, V>) => void | Promise<void>;
  onFetch?: (c: ActorContext<S, V>, request: Request, options: FetchOptions<A>) => Response | Promise<Response>;
  onWebSocket?: (c: ActorContext<S, V>, websocket: WebSocket, options: WebSocketOptions<A>) => void | Promise<void>;
}

export interface ActorDefinition<S = any, V = any, I = any, A = any, TActions extends Actions<S, V> = Actions<S, V>> {
  readonly kind: "actorflare.actor";
  readonly config: ActorConfig<S, V, I, A, TActions>;
}

export type AnyActorDefinition = ActorDefinition<any, any, any, any, any>;

const fn = (field: string) =>
  z.custom<(...args: unknown[]) => unknown>((value) => typeof value === "function", {
    message: `'${field}' must be a function`,
  });

const configSchema = z
  .strictObject({
    state: z.unknown().optional(),
    createState: fn("createState").optional(),
    vars: z.unknown().optional(),
    createVars: fn("createVars").optional(),
    actions: z.record(z.string(), fn("actions.<name>")).optional(),
    onAuth: fn("onAuth").optional(),
    onCreate: fn("onCreate").optional(),
    onStart: fn("onStart").optional(),
    onFetch: fn("onFetch").optional(),
    onWebSocket: fn("onWebSocket").optional(),
  })
  .superRefine((config, ctx) => {
    if (config.state !== undefined && config.createState !== undefined) {
      ctx.addIssue({ code: "custom", path: ["createState"], message: "give either 'state' or 'createState', not both" });
    }
    if (config.vars !== undefined && config.createVars !== undefined) {
      ctx.addIssue({ code: "custom", path: ["createVars"], message: "give either 'vars' or 'createVars', not both" });
    }
  });

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
  const result = configSchema.safeParse(config);
  if (result.success) return;
  const issue = result.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join(".") : "(config)";
  const message =
    issue.code === "unrecognized_keys"
      ? `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")}; check the spelling against the actor() options`
      : issue.message;
  throw new ActorConfigError(issue.code === "unrecognized_keys" ? issue.keys[0]! : field, message, actorName);
}

/**
 * Defines an actor. The config is checked here, when the module loads, so a typo fails the
 * deploy rather than the first request.
 */
export function actor<S, V = undefined, I = undefined, A = undefined, TActions extends Actions<S, V> = {}>(
  config: ActorConfig<S, V, I, A, TActions>,
): ActorDefinition<S, V, I, A, TActions> {
  validateActorConfig(config);
  return { kind: "actorflare.actor", config };
}

export function isActorDefinition(value: unknown): value is AnyActorDefinition {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "actorflare.actor";
}
