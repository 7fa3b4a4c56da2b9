import { DurableObject } from "cloudflare:workers";
import type { AnyActorDefinition } from "../actor/definition";
import { ActorInstance } from "../actor/instance";
import { ActorStorage } from "../actor/storage";
import { errorResponse, isEncoding, encodedResponse, type Encoding } from "../protocol/encoding";
import { ActorflareError, errorToBody, errors } from "../protocol/errors";
import { HEADER_AUTH_DATA, HEADER_EXPOSE_INTERNAL_ERROR, withoutInternalHeaders } from "../protocol/headers";
import {
  decodeHeaderJson,
  HEADER_ERROR_ENCODING,
  HEADER_ROUTE,
  HEADER_TARGET,
  routeSchema,
  targetSchema,
  type ActorTarget,
} from "../protocol/internal";
import { parseProtocols, rejectionProtocol } from "../protocol/subprotocols";
import { rejectWebSocket } from "../protocol/websocket-rejection";
import { answerCloses, upgradeResponse } from "./raw-websocket";

// `env` is whatever wrangler binds; the class reads only the storage of its own object.
export type ActorDurableObjectClass = new (ctx: DurableObjectState, env: never) => DurableObject;

/**
 * Builds the Durable Object class of one actor. Each object is one actor instance: the class
 * loads (or creates) it once per wake and unwraps the Worker's internal requests into it.
 */
export function createActorDurableObject(name: string, definition: AnyActorDefinition): ActorDurableObjectClass {
  return class ActorDurableObject extends DurableObject {
    #instance: ActorInstance | undefined;
    readonly #storage = new ActorStorage(this.ctx.storage);

    override async fetch(request: Request): Promise<Response> {
      const route = routeSchema.safeParse(request.headers.get(HEADER_ROUTE));
      if (!route.success) {
        return errorResponse("json", 400, errors.invalidRequest("Actor Durable Objects are reached through the registry's front Worker.").toBody());
      }
      const encodingHeader = request.headers.get(HEADER_ERROR_ENCODING);
      const encoding: Encoding = isEncoding(encodingHeader) ? encodingHeader : "json";
      try {
        const instance = await this.#obtain(parseTarget(request));
        const auth = parseAuth(request);
        switch (route.data) {
          case "resolve":
            return encodedResponse(encoding, { i: instance.actorId });
          case "raw-http":
            return await instance.handleFetch(actorRequest(request), auth);
          case "raw-websocket":
            return await this.#acceptRawWebSocket(instance, request, auth);
        }
      } catch (error) {
        const { status, body } = errorToBody(error, request.headers.get(HEADER_EXPOSE_INTERNAL_ERROR) === "true");
        if (status === 500) console.error(`[actor ${name}] request failed:`, error);
        if (route.data === "raw-websocket") {
          return rejectWebSocket(body, rejectionProtocol(parseProtocols(request.headers.get("sec-websocket-protocol")).offered));
        }
        return errorResponse(encoding, status, body);
      }
    }

    async #acceptRawWebSocket(instance: ActorInstance, request: Request, auth: unknown): Promise<Response> {
      if (!definition.config.onWebSocket) throw errors.webSocketHandlerNotDefined(name);
      const { 0: client, 1: server } = new WebSocketPair();
      server.accept();
      // Binary frames arrive as ArrayBuffer, as in browsers' default for `ws.binaryType = "arraybuffer"`,
      // so an echo of `event.data` sends the bytes back rather than "[object Blob]".
      server.binaryType = "arraybuffer";
      const handling = instance.handleWebSocket(server, actorRequest(request), auth);
      answerCloses(server);
      handling.catch((error: unknown) => {
        instance.log.error("onWebSocket failed:", error);
        const code = error instanceof ActorflareError && error.public ? error.code : "internal_error";
        try {
          server.close(1011, code);
        } catch {
          // The socket is already closed.
        }
      });
      return upgradeResponse(client, request);
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

function parseTarget(request: Request): ActorTarget {
  const header = request.headers.get(HEADER_TARGET);
  const target = targetSchema.safeParse(header === null ? null : decodeHeaderJson(header));
  if (!target.success) throw errors.invalidRequest("The actor target is missing; requests must come through the front Worker.");
  return target.data;
}

function parseAuth(request: Request): unknown {
  const header = request.headers.get(HEADER_AUTH_DATA);
  return header === null ? undefined : decodeHeaderJson(header);
}

/** The request as the actor sees it: same URL, method and body, without internal headers. */
function actorRequest(request: Request): Request {
  return new Request(request.url, {
    method: request.method,
    headers: withoutInternalHeaders(request.headers),
    body: request.body,
    redirect: "manual",
  });
}
