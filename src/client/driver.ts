import type { ActorListPage } from "../protocol/actor-list";
import type { Encoding } from "../protocol/encoding";
import type { ToClient, ToServer } from "../protocol/messages";
import type { ActorQuery } from "../protocol/query";
import type { ActorWebSocket } from "./actor-websocket";

/** One live connection transport (a WebSocket or an SSE stream plus message POSTs). */
export interface ClientTransport {
  /**
   * Sends a message and returns its size in bytes as encoded (what the server holds against its
   * message limit), or throws at once, having sent nothing, if the encoding cannot carry it (the
   * only reason it throws: a transport that broke reports that through `onClose`).
   */
  send(message: ToServer): number;
  close(): void;
  /** Checks now that the transport is alive (a call went unanswered); a dead one reports a drop. */
  probe?(): void;
  /**
   * Resolves once the server has taken every message sent so far: over SSE when their POSTs are
   * answered, over WebSocket when a `ping` sent after them is answered (or the transport ended).
   */
  flushed?(): Promise<void>;
}

export interface TransportHandlers {
  onMessage(message: ToClient): void;
  /** The transport ended; `reason` explains it when the server said why. */
  onClose(reason?: { code: number; reason: string }): void;
  /**
   * A message the server certainly did not take: the transport ended before it went out, or the
   * server answered that the connection is gone. Reported before `onClose`, so that an action
   * can go out again on the next connection instead of failing as lost.
   */
  onUnsent?(message: ToServer): void;
  /**
   * A message is going on the wire now: at `send` over WebSocket, when its turn comes over SSE
   * (one POST at a time). `false` drops it unsent: an action call that timed out while it waited.
   */
  onSending?(message: ToServer): boolean;
}

export type TransportKind = "websocket" | "sse";

export interface ConnectRequest {
  query: ActorQuery;
  params: unknown;
  encoding: Encoding;
  transport: TransportKind;
  /**
   * The events to subscribe to from the start, read once as the request goes out: the server
   * takes them before it sends init, so no event sent after init can miss them.
   */
  subscriptions?: (() => string[]) | undefined;
  /**
   * Abandons the attempt while it opens. With `ATTEMPT_TIMED_OUT` as reason the network is
   * presumed dead and the socket is cut at once: a browser opens one WebSocket at a time per
   * host, so an attempt left hanging would hold up every later one. Otherwise (a dispose) a
   * socket still in its handshake is closed cleanly once it opens (transports.ts, `abandonOpening`).
   */
  signal?: AbortSignal | undefined;
}

/** The abort reason of an attempt that did not open within the client's connectionTimeout (a symbol: no code of the protocol). */
export const ATTEMPT_TIMED_OUT: unique symbol = Symbol("actorflare.attemptTimedOut");

/**
 * A raw request as the caller gave it. Its body stays what the caller passed (a string, bytes, a
 * Blob...) rather than a stream, so that the request that goes out has a Content-Length.
 */
export type RawRequestInit = RequestInit & {
  duplex?: "half";
  /** Browsers' fetch field (the Workers types leave it out): whether cookies go to another origin. */
  credentials?: "include" | "omit";
  /** Browsers' fetch field (the Workers types leave it out): whether the browser's HTTP cache may answer. */
  cache?: string;
  /** The Request the body is that of, when it came in one: Node would send its stream without a length, so it is read there. */
  bodyOf?: Request;
};

/**
 * How handles reach actors. The HTTP driver goes over the network through the front Worker;
 * the server-side driver (worker/inline-driver.ts) calls Durable Objects directly, skipping onAuth.
 */
export interface ClientDriver {
  /** The actor's id; creates the actor first when the query allows it. */
  resolve(query: ActorQuery, params: unknown): Promise<string>;
  /** Raw HTTP to onFetch. `path` starts with `/` and keeps its query string. */
  rawFetch(query: ActorQuery, path: string, init: RawRequestInit, params: unknown): Promise<Response>;
  /** Raw WebSocket to onWebSocket, open; rejects with the server's error code. */
  rawWebSocket(query: ActorQuery, path: string, protocols: string[], params: unknown): Promise<ActorWebSocket>;
  /** One action call over HTTP; resolves with its output. */
  action(query: ActorQuery, name: string, args: unknown[], params: unknown, encoding: Encoding): Promise<unknown>;
  /** Opens a connection transport; messages (init first) arrive through `handlers`. */
  connect(request: ConnectRequest, handlers: TransportHandlers): Promise<ClientTransport>;
  /** Destroys the actor a `getForKey` or `getForId` query names; resolves once it is gone. */
  destroy(query: ActorQuery, params: unknown): Promise<void>;
  /** One page of the actors of one name. */
  list(name: string, page: ListPageRequest, params: unknown): Promise<ActorListPage>;
}

/** Which page of a listing: after `cursor` (a previous page's), at most `limit` actors. */
export interface ListPageRequest {
  cursor?: string;
  limit?: number;
}
