import { DurableObject } from "cloudflare:workers";
import type { AnyActorDefinition } from "../actor/definition";
import { actorLogger, type ActorInstance } from "../actor/instance";
import { ActorStorage, type StorageWrites } from "../actor/storage";
import type { EncodedAnswer } from "../protocol/action-answer";
import { ActorflareError, errors } from "../protocol/errors";
import type { InspectorOp, InspectorSnapshot } from "../protocol/inspector";
import { DESTROYED_CLOSE } from "../protocol/messages";
import type { ActorIndexRpc, Existence, IndexEntry, IndexPage, IndexPosition } from "../server/actor-index";
import {
  decodeContext,
  HEADER_CONTEXT,
  type ActionCall,
  type ActorDescription,
  type ActorObjectRpc,
  type ActorTarget,
  type MessageCall,
  type Outcome,
  type StreamContext,
} from "../server/contract";
import { failedOutcome, httpError, publicError } from "../server/error-answers";
import { inJurisdiction } from "../server/jurisdiction";
import { keyToName } from "../server/object-names";
import { destroyActor, destroyUnstarted, type ActorLife } from "./destroy";
import { HibernatableSockets } from "./hibernatable-sockets";
import { IndexClient, namespaceIn } from "./index-client";
import { IndexShard } from "./index-shard";
import { inspect } from "./inspector";
import { InspectorSockets } from "./inspector-sockets";
import { inspectorView, replaceState, type StoredActor } from "./inspector-stored";
import { InstanceLoader, type LoaderHooks } from "./instance-loader";
import { httpAction } from "./routes/action";
import { connectSse } from "./routes/connect-sse";
import { connectWebSocket } from "./routes/connect-websocket";
import { connectionMessage } from "./routes/message";
import { rawHttp, rawWebSocket } from "./routes/raw";
import type { StreamRequest } from "./routes/stream-context";
import { streamRefusal } from "./routes/stream-refusal";
import { answerClose, closeQuietly } from "./socket-closing";

// `env` is whatever wrangler binds; the class reads only the storage of its own object.
export type ActorDurableObjectClass = new (ctx: DurableObjectState, env: never) => DurableObject & ActorObjectRpc & ActorIndexRpc;

/** The object whose actor calls through `c.client()`: its id, and whether it is loading or starting. */
export interface CallingObject {
  readonly id: DurableObjectId;
  loading(): boolean;
}

/** Makes the client `c.client()` returns (the registry's server-side client) from the object's `env`. */
export type ClientMaker = (env: unknown, caller: CallingObject) => unknown;

/** What the registry gives each actor's class. */
export interface ObjectServices {
  makeClient: ClientMaker;
  /** The binding of the actor's namespace in `env`: the object reaches the actor index through it. */
  binding: string;
  /** Whether `setup({ inspector })` turned the inspector on. */
  inspector: boolean;
  /** The class an actor's Durable Object is exported as, by the registry's convention (for messages). */
  classNameOf: (actorName: string) => string;
}

/** The streaming routes that need the live instance (the inspector's live view does not: it never wakes the actor). */
const streamRoutes: Record<Exclude<StreamContext["route"], "inspector-websocket">, (request: StreamRequest) => Response | Promise<Response>> = {
  "raw-http": rawHttp,
  "raw-websocket": rawWebSocket,
  "connect-websocket": connectWebSocket,
  "connect-sse": connectSse,
};

/** An instance and the life it belongs to. */
interface Live {
  instance: ActorInstance;
  life: ActorLife;
}

/**
 * Builds the Durable Object class of one actor. Each object is one actor instance, loaded (or
 * created) once per wake. What returns a value comes as an RPC call (the methods of
 * `ActorObjectRpc`: `resolve`, `describe`, `action`, `message`, `inspect`, `destroy`); what streams comes through `fetch` with the Worker's context
 * (server/contract.ts). Objects of the class under reserved names are the actor index's shards
 * (server/actor-index.ts), which answer the `index*` methods.
 */
export function createActorDurableObject(name: string, definition: AnyActorDefinition, services: ObjectServices): ActorDurableObjectClass {
  return class ActorDurableObject extends DurableObject implements ActorObjectRpc, ActorIndexRpc {
    // With `c.log`'s prefix (the name and the start of the id), so every line of one object matches.
    readonly #log = actorLogger(name, this.ctx.id.toString()).error;
    readonly #inspectors = new InspectorSockets(this.ctx, services.inspector, () => this.#inspectorSnapshot(), this.#log);
    /** The actor as the inspector reads it from storage when it is not awake. */
    readonly #stored: StoredActor = { id: this.ctx.id.toString(), name, definition };
    readonly #hooks: LoaderHooks;
    readonly #namespace: () => DurableObjectNamespace;
    /** The actor's storage, sockets and instance; a destroy replaces them. */
    #life: ActorLife;
    #destroying: Promise<void> | undefined;
    #shard: IndexShard | undefined;

    constructor(ctx: DurableObjectState, env: never) {
      super(ctx, env);
      // `c.client()`: made on first use, over this object's bindings.
      let client: unknown;
      const caller: CallingObject = { id: ctx.id, loading: () => this.#life.loader.loading };
      this.#namespace = () => inJurisdiction(namespaceIn(env, services.binding, name), definition.config.jurisdiction);
      this.#hooks = {
        client: () => (client ??= services.makeClient(env, caller)),
        destroy: (instance) => void this.#destroy(instance).catch((error: unknown) => this.#log("c.destroy() failed; the actor stays:", error)),
        index: new IndexClient(this.#namespace, this.#log),
        driver: { state: ctx, env },
        discard: async () => {
          // What still runs of the failed instance can touch storage no more (actor_destroyed).
          this.#life.storage.retire();
          await ctx.storage.deleteAll();
          this.#life = this.#newLife();
        },
        log: this.#log,
        // Only an inspector looks at changes and activity: without one nothing is told or recorded.
        changed: services.inspector ? () => this.#inspectors.changed() : undefined,
      };
      this.#life = this.#newLife();
      // An application-level ping is answered by the runtime without waking the actor.
      ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    }

    #newLife(): ActorLife {
      const storage = new ActorStorage(this.ctx.storage, { actor: name, className: services.classNameOf(name) });
      const sockets = new HibernatableSockets(this.ctx, storage);
      return { storage, sockets, loader: new InstanceLoader(this.ctx, name, definition, storage, sockets, this.#hooks) };
    }

    async resolve(target: ActorTarget): Promise<Outcome<string>> {
      return this.#call("resolve", target, ({ instance }) => instance.actorId);
    }

    async describe(target: ActorTarget): Promise<Outcome<ActorDescription>> {
      try {
        return { ok: true, value: await (await this.#lifeFor(target)).loader.describe(target) };
      } catch (error) {
        return failedOutcome(error, this.#log, "describe");
      }
    }

    async action(call: ActionCall): Promise<Outcome<EncodedAnswer>> {
      return this.#call(`action '${call.name}'`, call.target, ({ instance }) => httpAction(instance, call));
    }

    async message(call: MessageCall): Promise<Outcome<null>> {
      // An SSE connection lives only while its stream holds the object in memory, started: an
      // actor that is not has none, and is not woken (createVars, onStart) to say so. Its meta,
      // read without waking it, tells an actor that exists from one that does not.
      if (!this.#life.loader.started) {
        try {
          await this.#life.loader.describe({ kind: "get" });
          return failedOutcome(errors.connNotFound(), this.#log, "message");
        } catch (error) {
          return failedOutcome(error, this.#log, "message");
        }
      }
      return this.#call("message", { kind: "get" }, ({ instance }) => {
        connectionMessage(instance, call);
        return null;
      });
    }

    async inspect(request: InspectorOp): Promise<Outcome<unknown>> {
      // Reading the actor and replacing its state never wake it (inspector-stored.ts); the rest acts on it awake.
      if (request.op === "snapshot" || request.op === "setState") {
        try {
          if (request.op === "snapshot") return { ok: true, value: this.#inspectorSnapshot() };
          replaceState(this.#current(), this.#stored, request);
          this.#inspectors.changed();
          return { ok: true, value: null };
        } catch (error) {
          return failedOutcome(error, this.#log, `inspector ${request.op}`);
        }
      }
      return this.#call(`inspector ${request.op}`, { kind: "get" }, async ({ instance }) => {
        const value = await inspect(instance, request);
        // A cancelled job changes nothing else the live view would notice.
        this.#inspectors.changed();
        return value;
      });
    }

    /** The life the inspector looks at, as it is now: none while a destroy runs (a `get` finds nothing then). */
    #current(): ActorLife {
      if (this.#destroying) throw errors.actorGone(name);
      return this.#life;
    }

    #inspectorSnapshot(): InspectorSnapshot {
      return inspectorView(this.#current(), this.#stored);
    }

    /**
     * Destroys the actor (destroy.ts); resolves once it is gone, or fails with `actor_not_found` if
     * there is none. An actor that exists but cannot start is destroyed without starting it.
     */
    async destroy(): Promise<Outcome<null>> {
      const asked = Date.now();
      try {
        const instance = await this.#obtain({ kind: "get" }).then(
          (live) => live.instance,
          (error: unknown) => {
            // The wake this request asked for failed: there is no instance to destroy, only storage.
            if ((this.#life.loader.failure?.at ?? -1) >= asked && !this.#destroying) return undefined;
            throw error;
          },
        );
        await this.#destroy(instance);
        return { ok: true, value: null };
      } catch (error) {
        return failedOutcome(error, this.#log, "destroy");
      }
    }

    async existence(): Promise<Existence> {
      if (this.#destroying) return "changing";
      const meta = this.#life.storage.readMeta();
      return !meta ? "missing" : meta.destroying ? "changing" : "exists";
    }

    async indexWrite(entry: IndexEntry, token: string | null): Promise<void> {
      this.#indexShard().write(entry, token);
    }

    async indexSettle(key: string[], token: string, exists: boolean): Promise<void> {
      this.#indexShard().settle(key, token, exists);
    }

    indexPage(after: IndexPosition | undefined, limit: number): Promise<IndexPage> {
      return this.#indexShard().page(after, limit);
    }

    #indexShard(): IndexShard {
      this.#shard ??= new IndexShard(this.ctx.storage.sql, (key) => {
        const namespace = this.#namespace();
        return (namespace.get(namespace.idFromName(keyToName(key))) as unknown as ActorIndexRpc).existence();
      });
      return this.#shard;
    }

    /**
     * The live instance. While a destroy runs, a `get` finds nothing, and `getOrCreate` and
     * `create` wait for it to end, then make a new actor.
     */
    async #obtain(target: ActorTarget): Promise<Live> {
      const life = await this.#lifeFor(target);
      return { instance: await life.loader.obtain(target), life };
    }

    /**
     * The life a request is served by: the current one, once no destroy runs (a `get` does not
     * wait). A destroy a crash cut short (its mark, destroy.ts) is finished first; if it fails
     * again (the index unreachable), the request fails, and the next one tries again.
     */
    async #lifeFor(target: ActorTarget): Promise<ActorLife> {
      if (target.actor !== undefined && target.actor !== name) {
        throw errors.bindingMismatch(target.actor, name, services.classNameOf(target.actor), services.classNameOf(name));
      }
      for (;;) {
        while (this.#destroying) {
          if (target.kind === "get") throw errors.actorGone(name);
          await this.#destroying.catch(() => {});
        }
        const life = this.#life;
        // Started here, the instance's meta says it (no read); after a wake, storage does.
        const started = life.loader.started;
        if (!(started ? started.meta.destroying : life.storage.readMeta()?.destroying)) return life;
        await this.#destroy(started ?? (await life.loader.obtain({ kind: "get" })));
      }
    }

    /** Destroys `instance`, or, without one, the stored actor that cannot start. */
    #destroy(instance: ActorInstance | undefined): Promise<void> {
      if (this.#destroying) return this.#destroying;
      // An instance of an earlier life was destroyed already (its gate is closed).
      if (instance?.gate.closed) return Promise.resolve();
      const destruction = {
        ctx: this.ctx,
        life: this.#life,
        index: this.#hooks.index,
        renew: () => {
          this.#life = this.#newLife();
          this.#inspectors.closeAll(DESTROYED_CLOSE.code, DESTROYED_CLOSE.reason);
        },
      };
      const meta = instance?.meta ?? this.#life.storage.readMeta();
      if (!meta) return Promise.reject(errors.actorGone(name));
      const destroying = (instance ? destroyActor({ ...destruction, instance }) : destroyUnstarted(destruction, meta)).finally(() => {
        this.#destroying = undefined;
      });
      this.#destroying = destroying;
      return destroying;
    }

    async #call<T>(what: string, target: ActorTarget, run: (live: Live) => T | Promise<T>): Promise<Outcome<T>> {
      try {
        return { ok: true, value: await run(await this.#obtain(target)) };
      } catch (error) {
        return failedOutcome(error, this.#log, what);
      }
    }

    /** Raw HTTP, WebSocket upgrades and SSE: the request and the Worker's context header. */
    override async fetch(request: Request): Promise<Response> {
      const context = decodeContext(request.headers.get(HEADER_CONTEXT));
      if (!context) {
        const error = errors.invalidRequest("Actor Durable Objects are reached through the registry's front Worker.");
        return httpError(400, error.toBody(), "json");
      }
      try {
        if (context.route === "inspector-websocket") return this.#inspectors.open(this.#inspectorSnapshot());
        const { instance, life } = await this.#obtain(context.target);
        return await streamRoutes[context.route]({ instance, sockets: life.sockets, request, context });
      } catch (error) {
        const { status, body } = publicError(error, this.#log, context.route);
        return streamRefusal(request, context, status, body);
      }
    }

    /** What this object wrote since it started (for tests and benchmarks). */
    storageWrites(): StorageWrites {
      return this.#life.storage.writes();
    }

    /** The alarm runs the actor's due scheduled jobs (and wakes it for them if it was asleep). */
    override async alarm(): Promise<void> {
      // A destroy sets the alarm due: the alarm ends with the destroy, so that a crash during it
      // leaves the alarm to be delivered again, and that wake finishes the destroy.
      if (this.#destroying) return void (await this.#destroying.catch(() => {}));
      if (!this.#life.storage.readMeta()) return;
      let instance: ActorInstance;
      try {
        ({ instance } = await this.#obtain({ kind: "get" }));
      } catch (error) {
        // The wake finished a destroy a crash had cut short: no actor, no jobs.
        if (error instanceof ActorflareError && error.code === "actor_not_found") return;
        // Thrown on, so that the runtime delivers the alarm again; logged here, under the actor's
        // name and id and with what its hook threw, which the runtime's own line leaves out.
        this.#log("could not wake to run its due jobs; the runtime delivers the alarm again later:", error);
        throw error;
      }
      try {
        await instance.scheduler.runDue();
      } catch (error) {
        // A job destroyed the actor: the jobs after it are gone with the rest.
        if (!instance.gate.open) return;
        throw error;
      }
    }

    /** A connection's message; after hibernation this is what wakes the actor. */
    override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
      // Awake: handle it now, with no await before it, so messages start in the order they came.
      // A connection this wake knows is handled without asking the runtime for the socket's tags.
      const { loader, sockets } = this.#life;
      const live = loader.started;
      if (live && sockets.receiveKnown(live, socket, message)) return;
      // An inspector page sends nothing it needs answered (its pings are answered by the runtime).
      if (this.#inspectors.owns(socket)) return;
      if (live) return sockets.message(live, socket, message);
      const found = await this.#liveForSocket(socket);
      if (found) found.life.sockets.message(found.instance, socket, message);
    }

    override async webSocketClose(socket: WebSocket, code: number, reason: string, wasClean: boolean): Promise<void> {
      // Answered first, with no await before it: waking a hibernated actor must not delay it.
      answerClose(socket, { code, reason, wasClean });
      if (this.#inspectors.owns(socket)) return;
      const life = this.#life;
      const live = life.loader.started;
      life.sockets.noteClosing(socket);
      try {
        const found = live ? { instance: live, life } : await this.#liveForSocket(socket);
        if (found) await found.life.sockets.close(found.instance, socket);
      } finally {
        life.sockets.doneClosing(socket);
      }
    }

    override async webSocketError(socket: WebSocket): Promise<void> {
      await this.webSocketClose(socket, 1006, "", false);
    }

    /** The instance a connection socket belongs to, loading it after hibernation; none for a destroyed actor's socket. */
    async #liveForSocket(socket: WebSocket): Promise<Live | undefined> {
      if (this.#life.sockets.released(socket)) {
        closeQuietly(socket, DESTROYED_CLOSE.code, DESTROYED_CLOSE.reason);
        return undefined;
      }
      try {
        return await this.#obtain({ kind: "get" });
      } catch (error) {
        if (error instanceof ActorflareError && error.code === "actor_not_found") {
          closeQuietly(socket, DESTROYED_CLOSE.code, DESTROYED_CLOSE.reason);
        } else {
          this.#life.sockets.failWake(socket, publicError(error, this.#log, "waking for a connection message").body);
        }
        return undefined;
      }
    }
  };
}
