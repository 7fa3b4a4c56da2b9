import { DurableObject } from "cloudflare:workers";
import type { AnyActorDefinition } from "../actor/definition";
import { ActorInstance } from "../actor/instance";
import { ActorStorage, type StorageWrites } from "../actor/storage";
import { encodedResponse, errorResponse, isEncoding } from "../protocol/encoding";
import { errorToBody, errors } from "../protocol/errors";
import { toClient } from "../protocol/messages";
import {
  decodeHeaderJson,
  HEADER_ERROR_ENCODING,
  HEADER_ROUTE,
  HEADER_TARGET,
  targetSchema,
  type ActorTarget,
  type InternalRoute,
} from "../protocol/internal";
import { sseEvent, sseHeaders } from "../protocol/sse";
import { acceptedProtocol, parseProtocols, rejectionProtocol } from "../protocol/subprotocols";
import { rejectWebSocket } from "../protocol/websocket-rejection";
import { HibernatableSockets } from "./hibernatable-sockets";
import { routeContext, type RouteContext } from "./route-context";
import { httpAction } from "./routes/action";
import { connectSse } from "./routes/connect-sse";
import { connectWebSocket } from "./routes/connect-websocket";
import { connectionMessage } from "./routes/message";
import { rawHttp, rawWebSocket } from "./routes/raw";
import { answerClose, closeQuietly } from "./socket-closing";

// `env` is whatever wrangler binds; the class reads only the storage of its own object.
export type ActorDurableObjectClass = new (ctx: DurableObjectState, env: never) => DurableObject;

const routes: Record<InternalRoute, (context: RouteContext) => Response | Promise<Response>> = {
  resolve: ({ instance, encoding }) => encodedResponse(encoding, { i: instance.actorId }),
  "raw-http": rawHttp,
  "raw-websocket": rawWebSocket,
  action: httpAction,
  "connect-websocket": connectWebSocket,
  "connect-sse": connectSse,
  message: connectionMessage,
};

/**
 * Builds the Durable Object class of one actor. Each object is one actor instance: the class
 * loads (or creates) it once per wake and hands the Worker's internal requests to its routes.
 */
export function createActorDurableObject(name: string, definition: AnyActorDefinition): ActorDurableObjectClass {
  return class ActorDurableObject extends DurableObject {
    #instance: ActorInstance | undefined;
    readonly #storage = new ActorStorage(this.ctx.storage);
    readonly #sockets = new HibernatableSockets(this.ctx, this.#storage);

    constructor(ctx: DurableObjectState, env: never) {
      super(ctx, env);
      // An application-level ping is answered by the runtime without waking the actor.
      ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    }

    override async fetch(request: Request): Promise<Response> {
      const route = request.headers.get(HEADER_ROUTE);
      if (!isInternalRoute(route)) {
        const body = errors.invalidRequest("Actor Durable Objects are reached through the registry's front Worker.").toBody();
        return errorResponse("json", 400, body);
      }
      try {
        const instance = await this.#obtain(parseTarget(request));
        return await routes[route](routeContext(instance, this.#sockets, request));
      } catch (error) {
        const { status, body } = errorToBody(error);
        if (status === 500) console.error(`[actor ${name}] request failed:`, error);
        // Say the body is not wanted, rather than answer while the Worker is still sending it.
        request.body?.cancel().catch(() => {});
        return failure(route, request, status, body);
      }
    }

    /** What this object wrote since it started (for tests and benchmarks). */
    storageWrites(): StorageWrites {
      return this.#storage.writes();
    }

    /** The alarm runs the actor's due scheduled jobs (and wakes it for them if it was asleep). */
    override async alarm(): Promise<void> {
      if (!this.#storage.readMeta()) return;
      const instance = await this.#obtain({ kind: "get" });
      await instance.scheduler.runDue();
    }

    /** A connection's message; after hibernation this is what wakes the actor. */
    override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
      if (this.#sockets.queueIfOpening(socket, message)) return;
      // Awake: handle it now, with no await before it, so messages start in the order they came.
      const live = this.#instance;
      if (live?.started) return this.#sockets.message(live, socket, message);
      const instance = await this.#instanceForSocket(socket);
      if (instance) this.#sockets.message(instance, socket, message);
    }

    override async webSocketClose(socket: WebSocket, code: number, reason: string, wasClean: boolean): Promise<void> {
      // Answered first, with no await before it: waking a hibernated actor must not delay it.
      answerClose(socket, { code, reason, wasClean });
      const instance = await this.#instanceForSocket(socket);
      if (instance) await this.#sockets.close(instance, socket);
    }

    override async webSocketError(socket: WebSocket): Promise<void> {
      await this.webSocketClose(socket, 1006, "", false);
    }

    async #instanceForSocket(socket: WebSocket): Promise<ActorInstance | undefined> {
      try {
        return await this.#obtain({ kind: "get" });
      } catch (error) {
        console.error(`[actor ${name}] could not wake for a connection message:`, error);
        closeQuietly(socket, 1011, "internal_error");
        return undefined;
      }
    }

    /** The live instance, loading or creating it first as the target allows. One at a time. */
    async #obtain(target: ActorTarget): Promise<ActorInstance> {
      const existing = this.#instance;
      if (existing?.started) {
        if (target.kind === "create") throw errors.actorAlreadyExists(existing.meta.name, existing.meta.key);
        return existing;
      }
      // blockConcurrencyWhile breaks the object when its callback throws, so errors come out as values.
      const outcome = await this.ctx.blockConcurrencyWhile(async () => {
        try {
          return { instance: await this.#loadOrCreate(target) };
        } catch (error) {
          return { error };
        }
      });
      if ("error" in outcome) throw outcome.error;
      return outcome.instance;
    }

    async #loadOrCreate(target: ActorTarget): Promise<ActorInstance> {
      let instance = this.#instance;
      let created = false;
      if (!instance) {
        const meta = this.#storage.readMeta();
        const host = { definition, storage: this.#storage, actorId: this.ctx.id.toString() };
        if (meta) {
          instance = await ActorInstance.load(host, meta);
          this.#sockets.restore(instance);
          await instance.scheduler.rearm();
        } else if (target.kind === "get") {
          throw errors.actorNotFound(`Actor '${name}' not found: no actor of that name exists with this key or id.`);
        } else {
          instance = await ActorInstance.create(host, { name, key: target.key, createdAt: Date.now() }, target.input);
          created = true;
        }
        this.#instance = instance;
      }
      if (target.kind === "create" && !created) throw errors.actorAlreadyExists(instance.meta.name, instance.meta.key);
      await instance.start();
      return instance;
    }
  };
}

function isInternalRoute(route: string | null): route is InternalRoute {
  return route !== null && Object.hasOwn(routes, route);
}

/** An error in the form each route's client can read (PROTOCOL.md §7). */
function failure(route: InternalRoute, request: Request, status: number, body: ReturnType<typeof errorToBody>["body"]): Response {
  const encodingHeader = request.headers.get(HEADER_ERROR_ENCODING);
  const encoding = isEncoding(encodingHeader) ? encodingHeader : "json";
  const offered = parseProtocols(request.headers.get("sec-websocket-protocol")).offered;
  switch (route) {
    case "raw-websocket":
      return rejectWebSocket(body, rejectionProtocol(offered));
    case "connect-websocket":
      // The connection protocol reports the error as a message before the close, so `rivetkit` is echoed.
      return rejectWebSocket(body, acceptedProtocol(offered), encoding);
    case "connect-sse":
      return new Response(sseEvent(encoding, toClient.error(body)), { headers: sseHeaders });
    default:
      return errorResponse(encoding, status, body);
  }
}

function parseTarget(request: Request): ActorTarget {
  const header = request.headers.get(HEADER_TARGET);
  const target = targetSchema.safeParse(header === null ? null : decodeHeaderJson(header));
  if (!target.success) throw errors.invalidRequest("The actor target is missing; requests must come through the front Worker.");
  return target.data;
}
