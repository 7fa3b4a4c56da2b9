import type { ActorWebSocket } from "../client/actor-websocket";
import { acceptUpgradeResponse } from "../client/websocket";
import type { ClientDriver, ClientTransport, ConnectRequest, TransportHandlers } from "../client/driver";
import { ActorError, errorFromResponse } from "../client/errors";
import { webSocketTransport } from "../client/transports";
import { decode, encode, type Encoding } from "../protocol/encoding";
import type { ErrorBody } from "../protocol/errors";
import { ACTOR_ORIGIN } from "../protocol/internal";
import type { ActorQuery } from "../protocol/query";
import { acceptedProtocol, PROTOCOL_RIVETKIT } from "../protocol/subprotocols";
import type { RegistryRuntime } from "../registry/config";
import { forwardToActor } from "./forward";
import { locateActor } from "./locate";

/**
 * The server-side client's driver: calls the actors' Durable Objects straight from the Worker,
 * without the public routes and without onAuth (the caller is the server itself).
 */
export class InlineClientDriver implements ClientDriver {
  readonly #runtime: RegistryRuntime;
  readonly #env: () => unknown;

  constructor(runtime: RegistryRuntime, env: () => unknown) {
    this.#runtime = runtime;
    this.#env = env;
  }

  async resolve(query: ActorQuery): Promise<string> {
    const located = locateActor(this.#runtime, this.#env(), query);
    const response = await forwardToActor(located, new Request(`${ACTOR_ORIGIN}/`, { method: "POST" }), {
      route: "resolve",
      encoding: "json",
      auth: undefined,
      url: `${ACTOR_ORIGIN}/`,
    });
    if (!response.ok) throw await errorFromResponse(response);
    return ((await response.json()) as { i: string }).i;
  }

  rawFetch(query: ActorQuery, path: string, request: Request): Promise<Response> {
    const located = locateActor(this.#runtime, this.#env(), query);
    return forwardToActor(located, request, { route: "raw-http", encoding: "json", auth: undefined, url: ACTOR_ORIGIN + path });
  }

  async rawWebSocket(query: ActorQuery, path: string, protocols: string[]): Promise<ActorWebSocket> {
    const located = locateActor(this.#runtime, this.#env(), query);
    const offered = [PROTOCOL_RIVETKIT, ...protocols];
    const upgrade = new Request(ACTOR_ORIGIN + path, {
      headers: { upgrade: "websocket", "sec-websocket-protocol": offered.join(", ") },
    });
    const response = await forwardToActor(located, upgrade, {
      route: "raw-websocket",
      encoding: "json",
      auth: undefined,
      url: ACTOR_ORIGIN + path,
      acceptProtocol: acceptedProtocol(offered),
    });
    return acceptUpgradeResponse(response, ACTOR_ORIGIN + path);
  }

  async action(query: ActorQuery, name: string, args: unknown[], params: unknown, encoding: Encoding): Promise<unknown> {
    const located = locateActor(this.#runtime, this.#env(), query);
    const encoded = encode(encoding, { a: args });
    const body = typeof encoded === "string" ? (new TextEncoder().encode(encoded) as Uint8Array<ArrayBuffer>) : encoded;
    const request = new Request(`${ACTOR_ORIGIN}/`, { method: "POST" });
    const response = await forwardToActor(located, request, { route: "action", encoding, auth: undefined, params: params ?? null, action: name, body, url: `${ACTOR_ORIGIN}/` });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const answer = decode(encoding, encoding === "json" ? new TextDecoder().decode(bytes) : bytes) as { o?: unknown } & Partial<ErrorBody>;
    if (!response.ok) throw new ActorError(answer.c ?? "internal_error", answer.m ?? `HTTP ${response.status}`, answer.md);
    return answer.o;
  }

  /** Server-side connections use WebSockets (an SSE stream would need a public route). */
  async connect(request: ConnectRequest, handlers: TransportHandlers): Promise<ClientTransport> {
    const located = locateActor(this.#runtime, this.#env(), request.query);
    const upgrade = new Request(`${ACTOR_ORIGIN}/`, { headers: { upgrade: "websocket" } });
    const response = await forwardToActor(located, upgrade, {
      route: "connect-websocket",
      encoding: request.encoding,
      auth: undefined,
      params: request.params,
      url: `${ACTOR_ORIGIN}/`,
    });
    if (!response.webSocket) throw await errorFromResponse(response);
    response.webSocket.accept();
    return webSocketTransport(response.webSocket, request.encoding, handlers);
  }
}
