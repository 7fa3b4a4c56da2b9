import * as z from "zod";
import { INTERNAL_HEADER_PREFIX } from "./headers";

/**
 * What the front Worker tells an actor's Durable Object besides the request itself. These
 * headers are set only by the Worker; it deletes any a client sent (see headers.ts).
 */

export const HEADER_ROUTE = `${INTERNAL_HEADER_PREFIX}route`;
export const HEADER_TARGET = `${INTERNAL_HEADER_PREFIX}target`;
export const HEADER_ERROR_ENCODING = `${INTERNAL_HEADER_PREFIX}encoding`;
/** The protocol to echo on a WebSocket's 101 answer, chosen by the Worker. */
export const HEADER_ACCEPT_PROTOCOL = `${INTERNAL_HEADER_PREFIX}accept-protocol`;
/** Parsed conn params (absent: none were sent). */
export const HEADER_INTERNAL_CONN_PARAMS = `${INTERNAL_HEADER_PREFIX}conn-params`;
/** The action an HTTP action request calls, percent-encoded. */
export const HEADER_ACTION = `${INTERNAL_HEADER_PREFIX}action`;

export const routeSchema = z.enum(["resolve", "raw-http", "raw-websocket", "action", "connect-websocket", "connect-sse", "message"]);
export type InternalRoute = z.infer<typeof routeSchema>;

/** How the Durable Object must treat a missing or existing actor. */
export const targetSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("get") }),
  z.object({ kind: z.literal("getOrCreate"), key: z.array(z.string()), input: z.unknown().optional() }),
  z.object({ kind: z.literal("create"), key: z.array(z.string()), input: z.unknown().optional() }),
]);
export type ActorTarget = z.infer<typeof targetSchema>;

/** Host used for requests handed to onFetch / onWebSocket; only path and query are meaningful. */
export const ACTOR_ORIGIN = "http://actor";

/** Header values must be ASCII; keys, input and auth data may not be, so JSON goes percent-encoded. */
export function encodeHeaderJson(value: unknown): string {
  return encodeURIComponent(JSON.stringify(value));
}

export function decodeHeaderJson(text: string): unknown {
  return JSON.parse(decodeURIComponent(text));
}
