import { HEADER_CONN_PARAMS, HEADER_ENCODING, HEADER_QUERY } from "../protocol/headers";
import type { ActorQuery } from "../protocol/query";
import { buildProtocols } from "../protocol/subprotocols";
import type { ClientDriver } from "./driver";
import { errorFromResponse } from "./errors";
import { acceptUpgradeResponse, isWorkersRuntime, openWebSocket, webSocketConstructor, type WebSocketConstructor } from "./websocket";

export interface HttpDriverOptions {
  endpoint: string;
  fetch: typeof fetch;
  WebSocket?: WebSocketConstructor;
}

/** Reaches actors through the front Worker's public routes (PROTOCOL.md §1). */
export class HttpClientDriver implements ClientDriver {
  readonly #actorsUrl: string;
  readonly #fetch: typeof fetch;
  readonly #WebSocket: WebSocketConstructor | undefined;

  constructor(options: HttpDriverOptions) {
    this.#actorsUrl = `${options.endpoint.replace(/\/+$/, "")}/registry/actors`;
    this.#fetch = options.fetch;
    this.#WebSocket = options.WebSocket;
  }

  async resolve(query: ActorQuery, params: unknown): Promise<string> {
    const headers = protocolHeaders(query, params);
    headers.set("content-type", "application/json");
    const response = await this.#fetch(`${this.#actorsUrl}/resolve`, { method: "POST", headers, body: "{}" });
    if (!response.ok) throw await errorFromResponse(response);
    const body = (await response.json()) as { i: string };
    return body.i;
  }

  rawFetch(query: ActorQuery, path: string, request: Request, params: unknown): Promise<Response> {
    const headers = new Headers(request.headers);
    for (const [name, value] of protocolHeaders(query, params)) headers.set(name, value);
    const init: RequestInit & { duplex?: "half" } = { method: request.method, headers, body: request.body, redirect: "manual", signal: request.signal };
    // Node's fetch needs `duplex` to send a streamed body.
    if (request.body) init.duplex = "half";
    return this.#fetch(new Request(`${this.#actorsUrl}/raw/http${path}`, init));
  }

  async rawWebSocket(query: ActorQuery, path: string, protocols: string[], params: unknown): Promise<WebSocket> {
    const offered = buildProtocols(
      { queryJson: JSON.stringify(query), encoding: "json", connParamsJson: params ? JSON.stringify(params) : undefined },
      protocols,
    );
    const url = `${this.#actorsUrl}/raw/websocket${path}`;
    if (!this.#WebSocket && isWorkersRuntime()) {
      const response = await this.#fetch(url, { headers: { upgrade: "websocket", "sec-websocket-protocol": offered.join(", ") } });
      return acceptUpgradeResponse(response);
    }
    const Ctor = await webSocketConstructor(this.#WebSocket);
    return openWebSocket(Ctor, url.replace(/^http/, "ws"), offered);
  }
}

/** Headers every actor-addressed HTTP request carries. Conn params go whenever they are defined. */
function protocolHeaders(query: ActorQuery, params: unknown): Headers {
  const headers = new Headers({ [HEADER_QUERY]: JSON.stringify(query), [HEADER_ENCODING]: "json" });
  if (params !== undefined) headers.set(HEADER_CONN_PARAMS, JSON.stringify(params));
  return headers;
}
