import { contentType, type Encoding } from "../protocol/encoding";
import { HEADER_CONN_PARAMS, HEADER_ENCODING, HEADER_QUERY } from "../protocol/headers";
import { SUBSCRIPTIONS_PARAM } from "../protocol/messages";
import type { ActorQuery } from "../protocol/query";
import { buildProtocols } from "../protocol/subprotocols";
import type { ActorListPage } from "../protocol/actor-list";
import type { HeartbeatOptions } from "./liveness";
import {
  ATTEMPT_TIMED_OUT,
  type ClientDriver,
  type ClientTransport,
  type ConnectRequest,
  type ListPageRequest,
  type RawRequestInit,
  type TransportHandlers,
} from "./driver";
import type { ActorWebSocket } from "./actor-websocket";
import { ACTION_ANSWER, DESTROY_ANSWER, LIST_ANSWER, readAnswer, RESOLVE_ANSWER } from "./answers";
import { wireArguments } from "./arguments";
import { ActorError, argumentsNotEncodable, errorFromResponse } from "./errors";
import { encodeForServer } from "./frames";
import { protocolRequest, withoutRedirects } from "./protocol-request";
import { abandonOpening, closeDead, sseTransport, webSocketTransport } from "./transports";
import { refusalBehindClose } from "./unopened-websocket";
import { acceptUpgradeResponse, isNode, isWorkersRuntime, newWebSocket, openWebSocket, webSocketConstructor, type WebSocketConstructor } from "./websocket";

export interface HttpDriverOptions {
  endpoint: string;
  fetch: typeof fetch;
  /** Headers for WebSocket upgrades opened by a constructor (`fetch` adds them to everything else). */
  headers?: Record<string, string> | undefined;
  WebSocket?: WebSocketConstructor;
  /** How long an HTTP action, resolve or list may take, answer included (ms); the client's actionTimeout. */
  actionTimeout: number;
  /** How connections notice a network that died silently (liveness.ts). */
  heartbeat?: HeartbeatOptions | undefined;
}

/** Reaches actors through the front Worker's public routes (docs/protocol.md §1). */
export class HttpClientDriver implements ClientDriver {
  readonly #actorsUrl: string;
  /** The caller's fetch, as given: for raw HTTP, whose redirects are the caller's to follow. */
  readonly #fetch: typeof fetch;
  /** The same, following no redirect: for the client's own requests (protocol-request.ts). */
  readonly #ownFetch: typeof fetch;
  readonly #WebSocket: WebSocketConstructor | undefined;
  readonly #headers: Record<string, string> | undefined;
  readonly #timeout: number;
  readonly #heartbeat: HeartbeatOptions;

  constructor(options: HttpDriverOptions) {
    this.#actorsUrl = `${options.endpoint.replace(/\/+$/, "")}/registry/actors`;
    this.#fetch = options.fetch;
    this.#ownFetch = withoutRedirects(options.fetch);
    this.#WebSocket = options.WebSocket;
    this.#headers = options.headers;
    this.#timeout = options.actionTimeout;
    this.#heartbeat = options.heartbeat ?? {};
  }

  async resolve(query: ActorQuery, params: unknown): Promise<string> {
    const headers = protocolHeaders(query, params);
    headers.set("content-type", "application/json");
    const url = `${this.#actorsUrl}/resolve`;
    const answer = await protocolRequest(this.#ownFetch, {
      url,
      init: { method: "POST", headers, body: "{}" },
      read: (response) => readAnswer(response, "json", url, RESOLVE_ANSWER),
      timeout: this.#timeout,
      what: "create" in query ? "create()" : "resolve()",
    });
    return answer.i;
  }

  /**
   * No deadline here: a destroy waits for the actor's running requests and its `onDestroy`, each
   * up to the server's own actionTimeout (60 s by default), longer than the client's default.
   */
  async destroy(query: ActorQuery, params: unknown): Promise<void> {
    const headers = protocolHeaders(query, params);
    headers.set("content-type", "application/json");
    const url = `${this.#actorsUrl}/destroy`;
    await protocolRequest(this.#ownFetch, {
      url,
      init: { method: "POST", headers, body: "{}" },
      read: (response) => readAnswer(response, "json", url, DESTROY_ANSWER),
      timeout: undefined,
      what: "destroy()",
    });
  }

  async list(name: string, page: ListPageRequest, params: unknown): Promise<ActorListPage> {
    const search = new URLSearchParams({ name });
    if (page.limit !== undefined) search.set("limit", String(page.limit));
    if (page.cursor !== undefined) search.set("cursor", page.cursor);
    const headers = new Headers({ [HEADER_ENCODING]: "json" });
    if (params !== undefined) headers.set(HEADER_CONN_PARAMS, JSON.stringify(params));
    const url = `${this.#actorsUrl}/list?${search}`;
    return protocolRequest(this.#ownFetch, {
      url,
      init: { headers },
      read: (response) => readAnswer(response, "json", url, LIST_ANSWER),
      timeout: this.#timeout,
      what: "list()",
    });
  }

  async rawFetch(query: ActorQuery, path: string, raw: RawRequestInit, params: unknown): Promise<Response> {
    const headers = new Headers(raw.headers);
    for (const [name, value] of protocolHeaders(query, params)) headers.set(name, value);
    // A redirect goes back as it is unless the caller asked to follow it (browsers hide a manual one's status).
    const init: RawRequestInit = { method: raw.method, headers, redirect: raw.redirect ?? "manual", signal: raw.signal ?? null };
    if (raw.credentials) init.credentials = raw.credentials;
    if (raw.cache !== undefined) init.cache = raw.cache;
    if (raw.body instanceof ReadableStream) {
      // Browsers upload a streamed body only over HTTP/2 or later, so there it is read first.
      // Node's fetch and Workers stream it, given `duplex`; but Node would send a Request's
      // body (a string, say) as a stream of no known length, which storage APIs refuse.
      if (raw.bodyOf && isNode()) {
        init.body = await raw.bodyOf.arrayBuffer();
      } else if (canStreamUploads()) {
        init.body = raw.body;
        init.duplex = "half";
      } else {
        init.body = await new Response(raw.body).arrayBuffer();
      }
    } else if (raw.body !== undefined && raw.body !== null) {
      // The caller's own value: fetch sends it with its Content-Length.
      init.body = raw.body;
    }
    return this.#fetch(`${this.#actorsUrl}/raw/http${path}`, init);
  }

  async rawWebSocket(query: ActorQuery, path: string, protocols: string[], params: unknown): Promise<ActorWebSocket> {
    const offered = connectionProtocols(query, params, "json", protocols);
    const url = `${this.#actorsUrl}/raw/websocket${path}`;
    if (!this.#WebSocket && isWorkersRuntime()) {
      const response = await this.#ownFetch(url, { headers: { upgrade: "websocket", "sec-websocket-protocol": offered.join(", ") } });
      return acceptUpgradeResponse(response, url);
    }
    const Ctor = await webSocketConstructor(this.#WebSocket);
    try {
      return await openWebSocket(Ctor, url.replace(/^http/, "ws"), offered, this.#headers);
    } catch (error) {
      // Closed with no reason given: an upgrade refused by HTTP status, which only a GET can read.
      if (error instanceof ActorError && error.code === "websocket_closed") {
        throw (await refusalBehindClose(this.#ownFetch, url, protocolHeaders(query, params), this.#timeout)) ?? error;
      }
      throw error;
    }
  }

  async action(query: ActorQuery, name: string, args: unknown[], params: unknown, encoding: Encoding): Promise<unknown> {
    const headers = protocolHeaders(query, params, encoding);
    headers.set("content-type", contentType(encoding));
    let body: string | Uint8Array<ArrayBuffer>;
    try {
      body = encodeForServer(encoding, { a: wireArguments(encoding, args) });
    } catch (error) {
      throw argumentsNotEncodable(name, encoding, error);
    }
    const url = `${this.#actorsUrl}/actions/${encodeURIComponent(name)}`;
    const answer = await protocolRequest(this.#ownFetch, {
      url,
      init: { method: "POST", headers, body },
      read: (response) => readAnswer(response, encoding, url, ACTION_ANSWER),
      timeout: this.#timeout,
      what: `Action '${name}'`,
      afterTimeout: "The action may or may not have run.",
    });
    return answer.o;
  }

  async connect(request: ConnectRequest, handlers: TransportHandlers): Promise<ClientTransport> {
    const subscriptions = subscriptionsQuery(request.subscriptions?.() ?? []);
    if (request.transport === "sse") {
      return sseTransport(
        {
          fetch: this.#ownFetch,
          streamUrl: `${this.#actorsUrl}/connect/sse${subscriptions}`,
          messageUrl: `${this.#actorsUrl}/message`,
          headers: protocolHeaders(request.query, request.params, request.encoding),
          encoding: request.encoding,
          heartbeat: this.#heartbeat,
          postTimeout: this.#timeout,
        },
        handlers,
      );
    }
    const offered = connectionProtocols(request.query, request.params, request.encoding);
    const url = `${this.#actorsUrl}/connect/websocket`;
    if (!this.#WebSocket && isWorkersRuntime()) {
      const response = await this.#ownFetch(url + subscriptions, {
        headers: { upgrade: "websocket", "sec-websocket-protocol": offered.join(", ") },
        signal: request.signal,
      });
      if (!response.webSocket) throw await errorFromResponse(response);
      response.webSocket.accept();
      return webSocketTransport(response.webSocket, request.encoding, handlers, this.#heartbeat);
    }
    const Ctor = await webSocketConstructor(this.#WebSocket);
    const socket = newWebSocket(Ctor, url.replace(/^http/, "ws") + subscriptions, offered, this.#headers);
    // A close before the socket opened is reported by rejecting, with its reason when a GET finds one.
    let opened = false;
    let abandoned = false;
    const transport = webSocketTransport(socket, request.encoding, { ...handlers, onClose: (reason) => opened && handlers.onClose(reason) }, this.#heartbeat);
    // Set in the open event itself: a close right after it must reach the connection.
    const opening = new Promise<boolean>((resolve) => {
      socket.addEventListener("open", () => resolve((opened = !abandoned)));
      socket.addEventListener("close", () => resolve(false));
      request.signal?.addEventListener("abort", () => {
        if (opened) return;
        abandoned = true;
        resolve(false);
        if (request.signal?.reason === ATTEMPT_TIMED_OUT) closeDead(socket);
        else abandonOpening(socket, transport.close);
      });
    });
    if (await opening) return transport;
    if (request.signal?.aborted) throw new ActorError("connection_failed", `The WebSocket to ${url} did not open in time, and was given up.`);
    throw (
      (await refusalBehindClose(this.#ownFetch, url, protocolHeaders(request.query, request.params, request.encoding), this.#timeout)) ??
      new ActorError(
        "connection_failed",
        `The WebSocket to ${url} closed before it opened: the Worker is unreachable, or something in between refused the upgrade.`,
      )
    );
  }
}

function canStreamUploads(): boolean {
  return isNode() || isWorkersRuntime();
}

/** Subprotocol entries: browsers cannot set headers on a WebSocket. Conn params only when truthy (as RivetKit). */
function connectionProtocols(query: ActorQuery, params: unknown, encoding: Encoding, userProtocols: string[] = []): string[] {
  return buildProtocols({ queryJson: JSON.stringify(query), encoding, connParamsJson: params ? JSON.stringify(params) : undefined }, userProtocols);
}

/** The query string that names a connection's first subscriptions (docs/protocol.md §5.3); empty when none. */
function subscriptionsQuery(events: string[]): string {
  return events.length > 0 ? `?${SUBSCRIPTIONS_PARAM}=${encodeURIComponent(JSON.stringify(events))}` : "";
}

/** Headers every actor-addressed HTTP request carries. Conn params go whenever they are defined. */
function protocolHeaders(query: ActorQuery, params: unknown, encoding: Encoding = "json"): Headers {
  const headers = new Headers({ [HEADER_QUERY]: headerJson(query), [HEADER_ENCODING]: encoding });
  if (params !== undefined) headers.set(HEADER_CONN_PARAMS, headerJson(params));
  return headers;
}

/** JSON for a header: fetch refuses characters past Latin-1 there, so every non-ASCII one is a `\u` escape (the same JSON value). */
function headerJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
