import { rawCopy } from "../actor/state-raw";
import type { ActorWebSocket } from "../client/actor-websocket";
import type { ClientDriver, ClientTransport, ConnectRequest, ListPageRequest, RawRequestInit, TransportHandlers } from "../client/driver";
import type { ActorListPage } from "../protocol/actor-list";
import { ActorError, errorFromResponse } from "../client/errors";
import { webSocketTransport } from "../client/transports";
import { acceptUpgradeResponse } from "../client/websocket";
import type { CallingObject } from "../durable-object/actor-durable-object";
import { decode } from "../protocol/encoding";
import { ActorflareError, errors } from "../protocol/errors";
import type { ActorQuery } from "../protocol/query";
import { acceptedProtocol, PROTOCOL_RIVETKIT } from "../protocol/subprotocols";
import type { RegistryRuntime } from "./registry-runtime";
import { ACTOR_ORIGIN, type Outcome } from "../server/contract";
import { callActor } from "./call";
import { listActors, parseListRequest } from "./list";
import { locateActor, type LocatedActor } from "./locate";
import { streamToActor } from "./stream";

/**
 * The server-side client's driver: calls the actors' Durable Objects straight from the Worker
 * (or, for `c.client()`, from an actor's object), through the same RPC methods and streams as
 * the public routes, without onAuth (the caller is the server itself). Its own refusals (an
 * unknown actor, a missing binding, the runtime's failures) are thrown as the client's
 * `ActorError`, as the actors' errors are.
 */
export class InlineClientDriver implements ClientDriver {
  readonly #runtime: RegistryRuntime;
  readonly #env: () => unknown;
  readonly #caller: CallingObject | undefined;

  /** `caller`: the object whose actor calls, for `c.client()`. */
  constructor(runtime: RegistryRuntime, env: () => unknown, caller?: CallingObject) {
    this.#runtime = runtime;
    this.#env = env;
    this.#caller = caller;
  }

  #locate(query: ActorQuery): LocatedActor {
    const located = locateActor(this.#runtime, this.#env(), this.#data(query));
    // While an actor loads or starts, nothing else reaches its object: a call to itself would wait for ever.
    if (this.#caller?.loading() && located.id.equals(this.#caller.id)) throw errors.selfCallWhileStarting(located.name);
    return located;
  }

  /**
   * What an actor passes on may come from its state (`c.state.settings`): a proxy, which RPC
   * cannot carry, so its calls send the objects behind the proxies.
   */
  #data<T>(value: T): T {
    return this.#caller ? rawCopy(value) : value;
  }

  resolve(query: ActorQuery): Promise<string> {
    return asClientErrors(async () => {
      const located = this.#locate(query);
      return outcomeValue(await callActor(located, (stub) => stub.resolve(located.target)));
    });
  }

  action(query: ActorQuery, name: string, args: unknown[], params: unknown): Promise<unknown> {
    return asClientErrors(async () => {
      const located = this.#locate(query);
      // The answer comes as CBOR whatever the client's encoding: it keeps what RPC would (a Date, a Map, a bigint).
      const call = {
        target: located.target,
        name,
        args: this.#data(args),
        params: this.#data(params ?? null),
        auth: undefined,
        request: undefined,
        encoding: "cbor",
      } as const;
      const answer = decode("cbor", outcomeValue(await callActor(located, (stub) => stub.action(call)))) as { o?: unknown };
      return answer.o;
    });
  }

  destroy(query: ActorQuery): Promise<void> {
    return asClientErrors(async () => {
      const located = this.#locate(query);
      // The destroy would wait for the very action that asked for it.
      if (this.#caller && located.id.equals(this.#caller.id)) {
        throw errors.invalidRequest(
          `Actor '${located.name}' destroys itself with c.destroy(), not through c.client(): that destroy would wait for the action that asked for it.`,
        );
      }
      outcomeValue(await callActor(located, (stub) => stub.destroy()));
    });
  }

  list(name: string, page: ListPageRequest): Promise<ActorListPage> {
    return asClientErrors(() => listActors(this.#runtime, this.#env(), name, parseListRequest(page.cursor, page.limit)));
  }

  rawFetch(query: ActorQuery, path: string, init: RawRequestInit): Promise<Response> {
    const url = ACTOR_ORIGIN + path;
    return asClientErrors(() => streamToActor(this.#locate(query), new Request(url, init), url, { route: "raw-http", encoding: "json" }));
  }

  rawWebSocket(query: ActorQuery, path: string, protocols: string[]): Promise<ActorWebSocket> {
    return asClientErrors(async () => {
      const offered = [PROTOCOL_RIVETKIT, ...protocols];
      const upgrade = new Request(ACTOR_ORIGIN + path, { headers: { upgrade: "websocket", "sec-websocket-protocol": offered.join(", ") } });
      const response = await streamToActor(this.#locate(query), upgrade, ACTOR_ORIGIN + path, {
        route: "raw-websocket",
        encoding: "json",
        protocol: acceptedProtocol(offered),
      });
      return acceptUpgradeResponse(response, ACTOR_ORIGIN + path);
    });
  }

  /** Server-side connections use WebSockets (an SSE stream would need a public route). */
  connect(request: ConnectRequest, handlers: TransportHandlers): Promise<ClientTransport> {
    return asClientErrors(async () => {
      const upgrade = new Request(`${ACTOR_ORIGIN}/`, { headers: { upgrade: "websocket" } });
      const subscriptions = request.subscriptions?.() ?? [];
      const response = await streamToActor(this.#locate(request.query), upgrade, `${ACTOR_ORIGIN}/`, {
        route: "connect-websocket",
        encoding: request.encoding,
        params: this.#data(request.params),
        ...(subscriptions.length > 0 && { subscriptions }),
      });
      if (!response.webSocket) throw await errorFromResponse(response);
      response.webSocket.accept();
      return webSocketTransport(response.webSocket, request.encoding, handlers);
    });
  }
}

/** An outcome's value, or its error as the client's `ActorError`. */
function outcomeValue<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new ActorError(outcome.error.c, outcome.error.m, outcome.error.md);
}

/** Runs `work`, throwing a public error of ours as the client's `ActorError` (anything else as it is). */
async function asClientErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof ActorflareError && error.public ? new ActorError(error.code, error.message, error.metadata) : error;
  }
}
