import { DurableObject } from "cloudflare:workers";
import type { AnyActorDefinition } from "../actor/definition";
import type { ActorInstance } from "../actor/instance";
import { ActorStorage, type StorageWrites } from "../actor/storage";
import { isEncoding } from "../protocol/encoding";
import { errors } from "../protocol/errors";
import type { InspectorOp } from "../protocol/inspector";
import { parseProtocols, rejectionProtocol } from "../protocol/subprotocols";
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
import { failedOutcome, httpError, publicError, sseError, webSocketError } from "../server/error-answers";
import { HibernatableSockets } from "./hibernatable-sockets";
import { InstanceLoader } from "./instance-loader";
import { httpAction } from "./routes/action";
import { connectSse } from "./routes/connect-sse";
import { connectWebSocket } from "./routes/connect-websocket";
import { connectionMessage } from "./routes/message";
import { rawHttp, rawWebSocket } from "./routes/raw";
import type { StreamRequest } from "./routes/stream-context";
import { inspect } from "./inspector";
import { InspectorSockets } from "./inspector-sockets";
import { answerClose, closeQuietly } from "./socket-closing";

// `env` is whatever wrangler binds; the class reads only the storage of its own object.
export type ActorDurableObjectClass = new (ctx: DurableObjectState, env: never) => DurableObject & ActorObjectRpc;

/** The object whose actor calls through `c.client()`: its id, and whether it is loading or starting. */
export interface CallingObject {
  readonly id: DurableObjectId;
  loading(): boolean;
}

/** Makes the client `c.client()` returns (the registry's server-side client) from the object's `env`. */
export type ClientMaker = (env: unknown, caller: CallingObject) => unknown;

const streamRoutes: Record<StreamContext["route"], (request: StreamRequest) => Response | Promise<Response>> = {
  "raw-http": rawHttp,
  "raw-websocket": rawWebSocket,
  "connect-websocket": connectWebSocket,
  "connect-sse": connectSse,
  "inspector-websocket": ({ instance, inspectors }) => inspectors.open(instance),
};

/**
 * Builds the Durable Object class of one actor. Each object is one actor instance, loaded (or
 * created) once per wake. What returns a value comes as an RPC call (`resolve`, `action`,
 * `message`); what streams comes through `fetch` with the Worker's context (server/contract.ts).
 */
export function createActorDurableObject(name: string, definition: AnyActorDefinition, makeClient: ClientMaker): ActorDurableObjectClass {
  return class ActorDurableObject extends DurableObject implements ActorObjectRpc {
    readonly #storage = new ActorStorage(this.ctx.storage);
    readonly #sockets = new HibernatableSockets(this.ctx, this.#storage);
    readonly #inspectors = new InspectorSockets(this.ctx);
    readonly #loader: InstanceLoader;
    readonly #log = (...args: unknown[]) => console.error(`[actor ${name}]`, ...args);

    constructor(ctx: DurableObjectState, env: never) {
      super(ctx, env);
      // `c.client()`: made on first use, over this object's bindings.
      let client: unknown;
      const caller: CallingObject = { id: ctx.id, loading: () => this.#loader.loading };
      this.#loader = new InstanceLoader(
        ctx,
        name,
        definition,
        this.#storage,
        this.#sockets,
        () => (client ??= makeClient(env, caller)),
        (instance) => this.#inspectors.changed(instance),
      );
      // An application-level ping is answered by the runtime without waking the actor.
      ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    }

    async resolve(target: ActorTarget): Promise<Outcome<string>> {
      return this.#call("resolve", target, (instance) => instance.actorId);
    }

    async describe(target: ActorTarget): Promise<Outcome<ActorDescription>> {
      try {
        return { ok: true, value: await this.#loader.describe(target) };
      } catch (error) {
        return failedOutcome(error, this.#log, "describe");
      }
    }

    async action(call: ActionCall): Promise<Outcome<unknown>> {
      return this.#call(`action '${call.name}'`, call.target, async (instance) => instance.toRaw(await httpAction(instance, call)));
    }

    async message(call: MessageCall): Promise<Outcome<null>> {
      return this.#call("message", { kind: "get" }, (instance) => {
        connectionMessage(instance, call);
        return null;
      });
    }

    async inspect(request: InspectorOp): Promise<Outcome<unknown>> {
      return this.#call(`inspector ${request.op}`, { kind: "get" }, async (instance) => {
        const value = await inspect(instance, request);
        // A cancelled job changes nothing else the live view would notice.
        if (request.op !== "snapshot") this.#inspectors.changed(instance);
        return value;
      });
    }

    async #call<T>(what: string, target: ActorTarget, run: (instance: ActorInstance) => T | Promise<T>): Promise<Outcome<T>> {
      try {
        return { ok: true, value: await run(await this.#loader.obtain(target)) };
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
        const instance = await this.#loader.obtain(context.target);
        return await streamRoutes[context.route]({ instance, sockets: this.#sockets, inspectors: this.#inspectors, request, context });
      } catch (error) {
        const { status, body } = publicError(error, this.#log, context.route);
        // Say the body is not wanted, rather than answer while the Worker is still sending it.
        request.body?.cancel().catch(() => {});
        switch (context.route) {
          case "raw-websocket":
            return webSocketError(body, rejectionProtocol(parseProtocols(request.headers.get("sec-websocket-protocol")).offered), context.encoding, false);
          case "connect-websocket":
            // The connection protocol reports the error as a message before the close, so the chosen protocol is echoed.
            return webSocketError(body, context.protocol, context.encoding);
          case "inspector-websocket":
            return webSocketError(body, undefined, undefined, false);
          case "connect-sse":
            return sseError(body, isEncoding(context.encoding) ? context.encoding : undefined);
          default:
            return httpError(status, body, context.encoding);
        }
      }
    }

    /** What this object wrote since it started (for tests and benchmarks). */
    storageWrites(): StorageWrites {
      return this.#storage.writes();
    }

    /** The alarm runs the actor's due scheduled jobs (and wakes it for them if it was asleep). */
    override async alarm(): Promise<void> {
      if (!this.#storage.readMeta()) return;
      const instance = await this.#loader.obtain({ kind: "get" });
      await instance.scheduler.runDue();
    }

    /** A connection's message; after hibernation this is what wakes the actor. */
    override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
      // An inspector page sends nothing it needs answered (its pings are answered by the runtime).
      if (this.#inspectors.owns(socket)) return;
      // Awake: handle it now, with no await before it, so messages start in the order they came.
      const live = this.#loader.started;
      if (live) return this.#sockets.message(live, socket, message);
      const instance = await this.#instanceForSocket(socket);
      if (instance) this.#sockets.message(instance, socket, message);
    }

    override async webSocketClose(socket: WebSocket, code: number, reason: string, wasClean: boolean): Promise<void> {
      // Answered first, with no await before it: waking a hibernated actor must not delay it.
      answerClose(socket, { code, reason, wasClean });
      if (this.#inspectors.owns(socket)) return;
      const instance = await this.#instanceForSocket(socket);
      if (instance) await this.#sockets.close(instance, socket);
    }

    override async webSocketError(socket: WebSocket): Promise<void> {
      await this.webSocketClose(socket, 1006, "", false);
    }

    async #instanceForSocket(socket: WebSocket): Promise<ActorInstance | undefined> {
      try {
        return await this.#loader.obtain({ kind: "get" });
      } catch (error) {
        this.#log("could not wake for a connection message:", error);
        closeQuietly(socket, 1011, "internal_error");
        return undefined;
      }
    }
  };
}
