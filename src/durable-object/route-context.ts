import type { ActorInstance } from "../actor/instance";
import type { HibernatableSockets } from "./hibernatable-sockets";
import { isEncoding, type Encoding } from "../protocol/encoding";
import { HEADER_AUTH_DATA } from "../protocol/headers";
import { decodeHeaderJson, HEADER_ERROR_ENCODING, HEADER_INTERNAL_CONN_PARAMS, stripInternalHeaders } from "../protocol/internal";

/** What every route handler of the actor's Durable Object gets. */
export interface RouteContext {
  instance: ActorInstance;
  /** The object's connection sockets (hibernatable). */
  sockets: HibernatableSockets;
  /** The internal request from the front Worker. */
  request: Request;
  encoding: Encoding;
  /** onAuth's value (undefined when onAuth returned nothing, or for the server-side client). */
  auth: unknown;
  /** Parsed conn params; undefined when none were sent. */
  params: unknown;
}

export function routeContext(instance: ActorInstance, sockets: HibernatableSockets, request: Request): RouteContext {
  const encoding = request.headers.get(HEADER_ERROR_ENCODING);
  return {
    instance,
    sockets,
    request,
    encoding: isEncoding(encoding) ? encoding : "json",
    auth: optionalHeaderJson(request, HEADER_AUTH_DATA),
    params: optionalHeaderJson(request, HEADER_INTERNAL_CONN_PARAMS),
  };
}

function optionalHeaderJson(request: Request, name: string): unknown {
  const header = request.headers.get(name);
  return header === null ? undefined : decodeHeaderJson(header);
}

/**
 * The request as the actor sees it: same URL, method and body, without internal headers.
 * Connection hooks get it without the body, which the route has read already.
 */
export function actorRequest(request: Request, options: { body: boolean } = { body: true }): Request {
  const clean = new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: options.body ? request.body : null,
    redirect: "manual",
    signal: request.signal,
  });
  stripInternalHeaders(clean.headers);
  return clean;
}
