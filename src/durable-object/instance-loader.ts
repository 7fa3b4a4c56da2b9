import type { AnyActorDefinition } from "../actor/definition";
import { ActorInstance, type ActorHost } from "../actor/instance";
import type { DriverContext } from "../actor/context";
import type { ActorMeta, ActorStorage } from "../actor/storage";
import { ActorflareError, errors } from "../protocol/errors";
import type { StartFailure } from "../protocol/inspector";
import type { ActorDescription, ActorTarget } from "../server/contract";
import type { HibernatableSockets } from "./hibernatable-sockets";
import type { IndexClient } from "./index-client";

/** What the loader needs from its object besides the actor's storage and sockets. */
export interface LoaderHooks {
  /** `c.client()`: the registry's server-side client, made on first use. */
  client: () => unknown;
  /** `c.destroy()` of an instance. */
  destroy: (instance: ActorInstance) => void;
  /** What `createVars` gets: the object's state and bindings. */
  driver: DriverContext;
  /**
   * A creation failed (createState or onCreate threw): what it stored is deleted, and the object
   * starts a new life, so that no job or table of it turns up in the next actor with its key.
   */
  discard: () => Promise<void>;
  /** The actor's entry in the actor index. */
  index: IndexClient;
  log: (...args: unknown[]) => void;
  /** Something the inspector shows may have changed: the instance, or whether it woke (absent while the inspector is off). */
  changed: (() => void) | undefined;
}

/**
 * The one actor instance of a Durable Object, per wake: loaded from storage (or created, when
 * the target allows), its connections rebuilt, its alarm re-armed and `onStart` run, before the
 * first request sees it. One load at a time; a failed load (or onStart) is retried by the next
 * request. A creation is recorded in the actor index before it, as a pending entry; the first
 * listing that reads the entry asks the actor and settles it (docs/architecture.md §8).
 */
export class InstanceLoader {
  #instance: ActorInstance | undefined;
  /** Why the last wake of the existing actor failed, until one succeeds (the inspector shows it). */
  #failure: StartFailure | undefined;
  #loading = false;
  /** The load under way, if any. */
  #load: Promise<unknown> | undefined;
  readonly #ctx: DurableObjectState;
  readonly #name: string;
  readonly #definition: AnyActorDefinition;
  readonly #storage: ActorStorage;
  readonly #sockets: HibernatableSockets;
  readonly #hooks: LoaderHooks;

  constructor(ctx: DurableObjectState, name: string, definition: AnyActorDefinition, storage: ActorStorage, sockets: HibernatableSockets, hooks: LoaderHooks) {
    this.#ctx = ctx;
    this.#name = name;
    this.#definition = definition;
    this.#storage = storage;
    this.#sockets = sockets;
    this.#hooks = hooks;
  }

  /** The instance if it is loaded and started, without waiting. */
  get started(): ActorInstance | undefined {
    return this.#instance?.started ? this.#instance : undefined;
  }

  /** The instance if it is loaded, started or not. */
  get loaded(): ActorInstance | undefined {
    return this.#instance;
  }

  /** Why the actor's last wake failed, if none has succeeded since. */
  get failure(): StartFailure | undefined {
    return this.#failure;
  }

  /** Whether a load (and start) is running: nothing else reaches the object meanwhile. */
  get loading(): boolean {
    return this.#loading;
  }

  /** Resolves once no load (and start) is running. */
  async settled(): Promise<void> {
    await this.#load?.catch(() => {});
  }

  /** The live instance, loading or creating it first as the target allows. */
  async obtain(target: ActorTarget): Promise<ActorInstance> {
    const existing = this.started;
    if (existing) {
      if (target.kind === "create") throw errors.actorAlreadyExists(existing.meta.name, existing.meta.key);
      return existing;
    }
    // blockConcurrencyWhile breaks the object when its callback throws, so errors come out as values.
    const load = this.#ctx.blockConcurrencyWhile(async () => {
      this.#loading = true;
      try {
        return { instance: await this.#loadOrCreate(target) };
      } catch (error) {
        return { error };
      } finally {
        this.#loading = false;
      }
    });
    this.#load = load;
    const outcome = await load;
    if ("error" in outcome) throw outcome.error;
    return outcome.instance;
  }

  /**
   * What the 2.3 actor API says about the actor, without waking one that exists. One that does
   * not is created when the target allows; whether it existed is read with no await before the
   * creation, which then holds every other event off, so two racing calls create it once.
   */
  async describe(target: ActorTarget): Promise<ActorDescription> {
    const meta = this.#instance?.meta ?? this.#storage.readMeta();
    if (meta && target.kind === "create") throw errors.actorAlreadyExists(meta.name, meta.key);
    if (!meta && target.kind === "get") throw this.#notFound();
    const { name, key, createdAt } = meta ?? (await this.obtain(target)).meta;
    return { id: this.#ctx.id.toString(), name, key, createdAt, created: !meta };
  }

  #notFound(): Error {
    return errors.actorNotFound(`Actor '${this.#name}' not found: no actor of that name exists with this key or id.`);
  }

  async #loadOrCreate(target: ActorTarget): Promise<ActorInstance> {
    let instance = this.#instance;
    let created = false;
    if (!instance) {
      const meta = this.#storage.readMeta();
      const host: ActorHost = {
        definition: this.#definition,
        storage: this.#storage,
        actorId: this.#ctx.id.toString(),
        client: this.#hooks.client,
        destroy: this.#hooks.destroy,
        driver: this.#hooks.driver,
        changed: this.#hooks.changed,
      };
      if (meta) {
        try {
          instance = await ActorInstance.load(host, meta.unlisted ? await this.#list(meta) : meta);
          this.#sockets.restore(instance);
          // A destroy a crash cut short keeps its due alarm: it finishes the destroy, even if this wake fails.
          if (!meta.destroying) await instance.scheduler.rearm();
        } catch (error) {
          throw this.#wakeFailed(error);
        }
      } else if (target.kind === "get") {
        throw this.#notFound();
      } else {
        if (await this.#storage.clearUnclaimed())
          this.#hooks.log(
            "a creation of this actor was cut short (the runtime restarted in onCreate); what it had stored was deleted before creating it again.",
          );
        const fresh: ActorMeta = { name: this.#name, key: target.key, createdAt: Date.now() };
        // In the index before it exists: a crash from here on leaves a pending entry, which listings check.
        const token = await this.#hooks.index.mark({ key: fresh.key, id: host.actorId, createdAt: fresh.createdAt });
        try {
          instance = await ActorInstance.create(host, fresh, target.input);
        } catch (error) {
          await this.#hooks.discard().catch((cleanup: unknown) => this.#hooks.log("what a failed creation stored could not be deleted:", cleanup));
          void this.#hooks.index.settleGone(fresh.key, token);
          throw error;
        }
        // The entry stays pending: settling it here would cost every creation a second call to
        // the index, which a listing makes only for the actors it reads (and only once).
        created = true;
      }
      this.#instance = instance;
    }
    if (target.kind === "create" && !created) throw errors.actorAlreadyExists(instance.meta.name, instance.meta.key);
    try {
      await instance.start();
    } catch (error) {
      throw this.#wakeFailed(error);
    }
    this.#failure = undefined;
    this.#hooks.changed?.();
    return instance;
  }

  /** Notes why the existing actor could not wake, for the inspector (which is told), and returns the error. */
  #wakeFailed(error: unknown): unknown {
    this.#failure = startFailure(error);
    this.#hooks.changed?.();
    return error;
  }

  /** Records an actor made before the actor index (layout < 2) there; if that fails, its next wake tries again. */
  async #list(meta: ActorMeta): Promise<ActorMeta> {
    try {
      await this.#hooks.index.put({ key: meta.key, id: this.#ctx.id.toString(), createdAt: meta.createdAt });
      return this.#storage.markListed(meta);
    } catch (error) {
      this.#hooks.log("could not be recorded in the actor index; its next wake tries again:", error);
      return meta;
    }
  }
}

/** What the inspector shows of a failed wake: our error's code and message, and what actor code threw. */
function startFailure(error: unknown): StartFailure {
  const ours = error instanceof ActorflareError;
  const thrown = ours ? error.cause : error;
  const cause = thrown === undefined ? {} : { cause: thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown) };
  const { code, message } = ours
    ? error
    : { code: "internal_error", message: "Loading the actor threw (in createVars, or the runtime failed); the server log has the stack." };
  return { code, message, ...cause, at: Date.now() };
}
