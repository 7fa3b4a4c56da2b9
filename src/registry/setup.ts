import { env as workerEnv } from "cloudflare:workers";
import { validateActorConfig } from "../actor/config-check";
import { isActorDefinition } from "../actor/definition";
import { nearestName } from "../actor/nearest-name";
import { clientForDriver, RESERVED_ACTOR_NAMES, type Client } from "../client/client";
import { actionShadowedOn } from "../client/handle";
import { createActorDurableObject, type ActorDurableObjectClass } from "../durable-object/actor-durable-object";
import { checkInspectorOptions, InspectorGate, type InspectorOptions } from "../inspector/auth";
import { inspectorRoutes } from "../inspector/routes";
import { isPlainObject } from "../protocol/plain-object";
import { checkCorsOptions } from "./cors-check";
import type { ActorObjectClass, WorkerContext } from "./platform-types";
import { InlineClientDriver } from "../worker/inline-driver";
import { isRegistryPath, isRootMetadataRequest, registryFetch } from "../worker/router";
import type { ActorDefinitions, CorsOptions, RegistryRuntime } from "../worker/registry-runtime";
import { className, defaultBindingName, exportName, type ClassNameOf } from "../worker/names";

export interface SetupOptions<A extends ActorDefinitions> {
  /** The actors, by the name clients use: `use: { counter }` → `client.counter`. */
  use: A;
  /** Durable Object binding per actor, when not the default (`httpActor` → `HTTP_ACTOR`). */
  bindings?: Partial<Record<keyof A & string, string>> | undefined;
  /** CORS for browser pages on other origins (see CorsOptions). Default: any origin, without credentials; `false`: none. */
  cors?: CorsOptions | false | undefined;
  /**
   * The inspector, a page at `/registry/inspector` to see and drive live actors. Off unless
   * given; its token comes from a Worker secret: `inspector: { token: env.INSPECTOR_TOKEN }`.
   */
  inspector?: InspectorOptions | undefined;
}

/** One Durable Object class per actor, named by the convention (`httpActor` → `HttpActor`). */
export type DurableObjectClasses<A extends ActorDefinitions> = {
  readonly [K in keyof A & string as ClassNameOf<K>]: ActorObjectClass;
};

/** The front Worker: `export default registry.handler`. */
export interface WorkerHandler {
  // `unknown`: the Env interface `wrangler types` writes has no index signature, and an untyped Hono app's `c.env` is unknown.
  fetch(request: Request, env: unknown, ctx?: WorkerContext): Promise<Response>;
}

/**
 * A Hono-style app: anything with `fetch(request, env, ctx)`, such as a Hono app or an
 * `ExportedHandler<Env>`. `E` is whatever its `env` is typed as (the Worker passes its own env).
 */
export interface FetchApp<E = unknown> {
  fetch(request: Request, env: E, ctx: WorkerContext): Response | Promise<Response>;
}

export interface ServeOptions {
  /**
   * Whether a `GET /metadata` that `app` answers 404 gets the registry's metadata instead (what
   * RivetKit's client given the bare origin asks first). Default true; false leaves `app`'s 404.
   */
  rootMetadata?: boolean | undefined;
}

export interface Server<A extends ActorDefinitions> {
  /** Reaches actors straight from this Worker, skipping onAuth. Use it inside requests. */
  client: Client<Registry<A>>;
  /**
   * The registry's routes under `/registry`, everything else to `app`; a `GET /metadata` that
   * `app` answers 404 gets the registry's metadata (see ServeOptions).
   */
  serve<E>(app: FetchApp<E>, options?: ServeOptions): WorkerHandler;
}

export class Registry<A extends ActorDefinitions> implements RegistryRuntime {
  readonly actors: A;
  readonly cors: CorsOptions | false;
  readonly durableObjects: DurableObjectClasses<A>;
  readonly handler: WorkerHandler;
  /** Each actor's binding, worked out once: every request looks it up. */
  readonly #bindings = new Map<string, string>();

  constructor(options: SetupOptions<A>) {
    this.actors = options.use;
    this.cors = options.cors ?? { origin: "*" };
    const classes: Record<string, ActorDurableObjectClass> = {};
    for (const [name, definition] of Object.entries(options.use)) {
      const binding = options.bindings?.[name] ?? defaultBindingName(name);
      this.#bindings.set(name, binding);
      classes[className(name)] = createActorDurableObject(name, definition, {
        // An actor's `c.client()`: the server-side client over its own object's bindings.
        makeClient: (env, caller) => clientForDriver<Registry<A>>(new InlineClientDriver(this, () => env, caller)),
        binding,
        inspector: options.inspector !== undefined,
        classNameOf: className,
      });
    }
    this.durableObjects = classes as unknown as DurableObjectClasses<A>;
    const inspector = options.inspector === undefined ? [] : inspectorRoutes(new InspectorGate(checkInspectorOptions(options.inspector)));
    const fetch = registryFetch(this, inspector);
    this.handler = { fetch };
  }

  bindingName(actorName: string): string {
    return this.#bindings.get(actorName) ?? defaultBindingName(actorName);
  }

  createServer(): Server<A> {
    const client = clientForDriver<Registry<A>>(new InlineClientDriver(this, () => workerEnv));
    const registryHandler = this.handler;
    return {
      client,
      serve: <E>(app: FetchApp<E>, options: ServeOptions = {}) => {
        const rootMetadata = options.rootMetadata ?? true;
        return {
          fetch: async (request, env, ctx) => {
            if (isRegistryPath(request.url)) return registryHandler.fetch(request, env, ctx);
            // The env is the Worker's own, which the app's type describes.
            const response = await app.fetch(request, env as E, ctx as WorkerContext);
            // RivetKit's client given the bare origin asks `/metadata` first: answered here only
            // when the app answers it 404 (and the option leaves that on).
            return rootMetadata && response.status === 404 && isRootMetadataRequest(request) ? registryHandler.fetch(request, env, ctx) : response;
          },
        };
      },
    };
  }
}

const SETUP_KEYS: readonly string[] = ["use", "bindings", "cors", "inspector"] satisfies (keyof SetupOptions<ActorDefinitions>)[];

/** RivetKit's setup() options without a counterpart here, and what to write instead. */
const RIVETKIT_SETUP_KEYS: Record<string, string> = {
  driver: "actorflare runs actors on Durable Objects, so there is no driver to choose",
  basePath:
    "the routes are under /registry; behind a prefix of your own, route them through your app and give the client the endpoint with the prefix (README, serve(app))",
  maxIncomingMessageSize: "it is an option of each actor here: actor({ options: { maxIncomingMessageSize } })",
};

/** Registers actors: `setup({ use: { counter, chat } })`. Checks every definition now, at module load. */
export function setup<A extends ActorDefinitions>(options: SetupOptions<A>): Registry<A> {
  if (!isPlainObject(options)) throw new Error("setup() takes an object of options: setup({ use: { counter } }).");
  if (options.use !== undefined && !isPlainObject(options.use)) {
    throw new Error("setup({ use }): use must be an object of actors by name, e.g. { use: { counter, chat } }, not a list: the names are what clients use.");
  }
  // TypeScript refuses an unknown key only in an object literal; a typo elsewhere would be ignored.
  for (const key of Object.keys(options)) {
    if (!SETUP_KEYS.includes(key)) {
      const advice = Object.hasOwn(RIVETKIT_SETUP_KEYS, key) ? `${RIVETKIT_SETUP_KEYS[key]}. ` : "";
      const nearest = advice ? undefined : nearestName(key, SETUP_KEYS);
      throw new Error(`setup(): unknown key '${key}'; ${advice}${nearest ? `did you mean '${nearest}'? ` : ""}setup() takes ${SETUP_KEYS.join(", ")}.`);
    }
  }
  checkCorsOptions(options.cors);
  const names = Object.keys(options.use ?? {});
  if (names.length === 0) throw new Error("setup({ use }) needs at least one actor, e.g. setup({ use: { counter } }).");
  for (const name of names) {
    if (name === "") throw new Error("setup({ use }): an actor needs a name: the empty string cannot be addressed by clients.");
    if (RESERVED_ACTOR_NAMES.includes(name)) {
      throw new Error(
        `setup({ use }): an actor cannot be named '${name}', because clients use \`client.${name}\` themselves. Register it under another name, e.g. { ${name}Actor }.`,
      );
    }
    const definition = options.use[name];
    if (!isActorDefinition(definition)) {
      throw new Error(`setup({ use }): '${name}' is not an actor definition. Wrap its config in actor({ ... }).`);
    }
    validateActorConfig(definition.config, name);
    warnShadowedActions(name, definition.config.actions);
  }
  for (const [name, binding] of Object.entries(options.bindings ?? {})) {
    if (!names.includes(name)) {
      throw new Error(
        `setup({ bindings }): '${name}' is not an actor of this registry (${names.join(", ")}); a binding is named per registered actor, e.g. { ${names[0]}: "MY_BINDING" }.`,
      );
    }
    if (binding !== undefined && (typeof binding !== "string" || binding === "")) {
      throw new Error(`setup({ bindings }): the binding of '${name}' must be the name of a Durable Object binding in wrangler.toml, a non-empty string.`);
    }
  }
  refuseSharedObjects(names, (name) => options.bindings?.[name] ?? defaultBindingName(name));
  return new Registry(options);
}

/**
 * Two actors whose names give one class (`foo` and `Foo`) or one binding (`fooBar` and
 * `foo_bar`) would share Durable Objects: one export would hide the other, or every request of
 * one would fail with `binding_mismatch`. Caught here, at module load, rather than on a request.
 */
function refuseSharedObjects(names: string[], bindingOf: (name: string) => string): void {
  const classes = new Map<string, string>();
  const bindings = new Map<string, string>();
  for (const name of names) {
    const cls = exportName(name);
    const sharesClass = classes.get(cls);
    if (sharesClass !== undefined) {
      throw new Error(
        `setup({ use }): the actors '${sharesClass}' and '${name}' would both export the Durable Object class ${cls}. Register one under another name.`,
      );
    }
    classes.set(cls, name);
    const binding = bindingOf(name);
    const sharesBinding = bindings.get(binding);
    if (sharesBinding !== undefined) {
      throw new Error(
        `setup({ use }): the actors '${sharesBinding}' and '${name}' would both use the Durable Object binding ${binding}. Give one a binding of its own: setup({ bindings: { ${name}: "${binding}_2" } }), declared in wrangler.toml.`,
      );
    }
    bindings.set(binding, name);
  }
}

/**
 * An action named like a member of the client's handle or connection (`connect`, `fetch`, `on`,
 * ...) cannot be called as `handle.<name>()`: the member answers. Still callable, so a warning
 * rather than an error; TypeScript already leaves such an action out of the typed methods.
 */
function warnShadowedActions(actor: string, actions: Record<string, unknown> | undefined): void {
  for (const action of Object.keys(actions ?? {})) {
    const shadowed = actionShadowedOn(action);
    if (shadowed.length === 0) continue;
    const where = shadowed.map((on) => `${on}.${action}()`).join(" and ");
    console.warn(
      `[actorflare] actor '${actor}': the action '${action}' cannot be called as ${where} from a client, because that is the client's own member. Call it as ${shadowed[0]}.action("${action}", args), or rename the action.`,
    );
  }
}
