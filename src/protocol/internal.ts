import * as z from "zod/mini";
import { HEADER_AUTH_DATA, HEADER_EXPOSE_INTERNAL_ERROR, INTERNAL_HEADER_PREFIX } from "./headers";

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

/**
 * Every header the Worker sets for the Durable Object. The Worker deletes them from what a
 * client sent before setting its own, and the Durable Object deletes them again before a
 * handler sees the request: a client can neither forge nor read them.
 */
export const INTERNAL_HEADERS = [
  HEADER_AUTH_DATA,
  HEADER_EXPOSE_INTERNAL_ERROR,
  HEADER_ROUTE,
  HEADER_TARGET,
  HEADER_ERROR_ENCODING,
  HEADER_ACCEPT_PROTOCOL,
  HEADER_INTERNAL_CONN_PARAMS,
  HEADER_ACTION,
] as const;

/** Deletes every internal header, in place (a fixed list: no walk over the request's headers). */
export function stripInternalHeaders(headers: Headers): void {
  for (const name of INTERNAL_HEADERS) headers.delete(name);
}

export type InternalRoute = "resolve" | "raw-http" | "raw-websocket" | "action" | "connect-websocket" | "connect-sse" | "message";

/** How the Durable Object must treat a missing or existing actor. */
export const targetSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("get") }),
  z.object({ kind: z.literal("getOrCreate"), key: z.array(z.string()), input: z.optional(z.unknown()) }),
  z.object({ kind: z.literal("create"), key: z.array(z.string()), input: z.optional(z.unknown()) }),
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
