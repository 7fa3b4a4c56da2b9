import type { ActorQuery } from "../protocol/query";

/**
 * How handles reach actors. The HTTP driver goes over the network through the front Worker;
 * the server-side driver (worker/inline-driver.ts) calls Durable Objects directly, skipping onAuth.
 */
export interface ClientDriver {
  /** The actor's id; creates the actor first when the query allows it. */
  resolve(query: ActorQuery, params: unknown): Promise<string>;
  /** Raw HTTP to onFetch. `path` starts with `/` and keeps its query string. */
  rawFetch(query: ActorQuery, path: string, request: Request, params: unknown): Promise<Response>;
  /** Raw WebSocket to onWebSocket, open; rejects with the server's error code. */
  rawWebSocket(query: ActorQuery, path: string, protocols: string[], params: unknown): Promise<WebSocket>;
}
