import type { ActorWebSocket } from "../client/actor-websocket";
import type { ClientDriver, ClientTransport, ConnectRequest, TransportHandlers } from "../client/driver";
import { ActorError, errorFromResponse } from "../client/errors";
import { webSocketTransport } from "../client/transports";
import { acceptUpgradeResponse } from "../client/websocket";
import type { ActorQuery } from "../protocol/query";
import { acceptedProtocol, PROTOCOL_RIVETKIT } from "../protocol/subprotocols";
import type { RegistryRuntime } from "./registry-runtime";
import { ACTOR_ORIGIN, type Outcome } from "../server/contract";
import { callActor } from "./call";
import { locateActor, type LocatedActor } from "./locate";
import { streamToActor } from "./stream";

/**
 * The server-side client's driver: calls the actors' Durable Objects straight from the Worker,
 * through the same RPC methods and streams as the public routes, without onAuth (the caller is
 * the server itself).
 */
export class InlineClientDriver implements ClientDriver {
  readonly #runtime: RegistryRuntime;
  readonly #env: () => unknown;

  constructor(runtime: RegistryRuntime, env: () => unknown) {
    this.#runtime = runtime;
    this.#env = env;
  }

  #locate(query: ActorQuery): LocatedActor {
    return locateActor(this.#runtime, this.#env(), query);
  }

  async resolve(query: ActorQuery): Promise<string> {
    const located = this.#locate(query);
    return outcomeValue(await callActor(located, (stub) => stub.resolve(located.target)));
  }

  async action(query: ActorQuery, name: string, args: unknown[], params: unknown): Promise<unknown> {
    const located = this.#locate(query);
    return outcomeValue(
      await callActor(located, (stub) => stub.action({ target: located.target, name, args, params: params ?? null, auth: undefined, request: undefined })),
    );
  }

  rawFetch(query: ActorQuery, path: string, request: Request): Promise<Response> {
    return streamToActor(this.#locate(query), request, ACTOR_ORIGIN + path, { route: "raw-http", encoding: "json" });
  }

  async rawWebSocket(query: ActorQuery, path: string, protocols: string[]): Promise<ActorWebSocket> {
    const offered = [PROTOCOL_RIVETKIT, ...protocols];
    const upgrade = new Request(ACTOR_ORIGIN + path, { headers: { upgrade: "websocket", "sec-websocket-protocol": offered.join(", ") } });
    const response = await streamToActor(this.#locate(query), upgrade, ACTOR_ORIGIN + path, {
      route: "raw-websocket",
      encoding: "json",
      protocol: acceptedProtocol(offered),
    });
    return acceptUpgradeResponse(response, ACTOR_ORIGIN + path);
  }

  /** Server-side connections use WebSockets (an SSE stream would need a public route). */
  async connect(request: ConnectRequest, handlers: TransportHandlers): Promise<ClientTransport> {
    const upgrade = new Request(`${ACTOR_ORIGIN}/`, { headers: { upgrade: "websocket" } });
    const response = await streamToActor(this.#locate(request.query), upgrade, `${ACTOR_ORIGIN}/`, {
      route: "connect-websocket",
      encoding: request.encoding,
      params: request.params,
    });
    if (!response.webSocket) throw await errorFromResponse(response);
    response.webSocket.accept();
    return webSocketTransport(response.webSocket, request.encoding, handlers);
  }
}

/** An outcome's value, or its error as the client's `ActorError`. */
function outcomeValue<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new ActorError(outcome.error.c, outcome.error.m, outcome.error.md);
}
