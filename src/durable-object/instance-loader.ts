import type { AnyActorDefinition } from "../actor/definition";
import { ActorInstance } from "../actor/instance";
import type { ActorStorage } from "../actor/storage";
import { errors } from "../protocol/errors";
import type { ActorDescription, ActorTarget } from "../server/contract";
import type { HibernatableSockets } from "./hibernatable-sockets";

/**
 * The one actor instance of a Durable Object, per wake: loaded from storage (or created, when
 * the target allows), its connections rebuilt, its alarm re-armed and `onStart` run, before the
 * first request sees it. One load at a time; a failed load (or onStart) is retried by the next
 * request.
 */
export class InstanceLoader {
  #instance: ActorInstance | undefined;
  #loading = false;
  readonly #ctx: DurableObjectState;
  readonly #name: string;
  readonly #definition: AnyActorDefinition;
  readonly #storage: ActorStorage;
  readonly #sockets: HibernatableSockets;
  readonly #client: () => unknown;
  readonly #changed: (instance: ActorInstance) => void;

  constructor(
    ctx: DurableObjectState,
    name: string,
    definition: AnyActorDefinition,
    storage: ActorStorage,
    sockets: HibernatableSockets,
    client: () => unknown,
    changed: (instance: ActorInstance) => void,
  ) {
    this.#ctx = ctx;
    this.#name = name;
    this.#definition = definition;
    this.#storage = storage;
    this.#sockets = sockets;
    this.#client = client;
    this.#changed = changed;
  }

  /** The instance if it is loaded and started, without waiting. */
  get started(): ActorInstance | undefined {
    return this.#instance?.started ? this.#instance : undefined;
  }

  /** Whether a load (and start) is running: nothing else reaches the object meanwhile. */
  get loading(): boolean {
    return this.#loading;
  }

  /** The live instance, loading or creating it first as the target allows. */
  async obtain(target: ActorTarget): Promise<ActorInstance> {
    const existing = this.started;
    if (existing) {
      if (target.kind === "create") throw errors.actorAlreadyExists(existing.meta.name, existing.meta.key);
      return existing;
    }
    // blockConcurrencyWhile breaks the object when its callback throws, so errors come out as values.
    const outcome = await this.#ctx.blockConcurrencyWhile(async () => {
      this.#loading = true;
      try {
        return { instance: await this.#loadOrCreate(target) };
      } catch (error) {
        return { error };
      } finally {
        this.#loading = false;
      }
    });
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
      const changed = () => {
        if (this.#instance) this.#changed(this.#instance);
      };
      const host = { definition: this.#definition, storage: this.#storage, actorId: this.#ctx.id.toString(), client: this.#client, changed };
      if (meta) {
        instance = await ActorInstance.load(host, meta);
        this.#sockets.restore(instance);
        await instance.scheduler.rearm();
      } else if (target.kind === "get") {
        throw this.#notFound();
      } else {
        instance = await ActorInstance.create(host, { name: this.#name, key: target.key, createdAt: Date.now() }, target.input);
        created = true;
      }
      this.#instance = instance;
    }
    if (target.kind === "create" && !created) throw errors.actorAlreadyExists(instance.meta.name, instance.meta.key);
    await instance.start();
    return instance;
  }
}
