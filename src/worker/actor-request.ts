import { parseEncoding, isEncoding, type Encoding } from "../protocol/encoding";
import { errors } from "../protocol/errors";
import { HEADER_ACTOR_QUERY, HEADER_CONN_PARAMS, HEADER_ENCODING, HEADER_QUERY } from "../protocol/headers";
import { isEventNames, SUBSCRIPTIONS_PARAM } from "../protocol/messages";
import { parseActorQueryJson, type ActorQuery } from "../protocol/query";
import { parseProtocols } from "../protocol/subprotocols";

/** What a public request says about the actor it wants, read from headers or subprotocols. */
export interface ActorRequestInfo {
  query: ActorQuery;
  /** The encoding for protocol messages and error bodies. */
  encoding: Encoding;
  /** Parsed conn params: `null` when absent on HTTP routes, `undefined` on WebSocket routes. */
  params: unknown;
  /** Subprotocols the client offered (WebSocket routes only). */
  offeredProtocols: string[];
}

/** The encoding for an error body about this request: the one asked for, or JSON. */
export function errorEncoding(request: Request): Encoding {
  const value = request.headers.get(HEADER_ENCODING);
  if (isEncoding(value)) return value;
  const fromProtocol = parseProtocols(request.headers.get("sec-websocket-protocol")).encoding;
  return isEncoding(fromProtocol) ? fromProtocol : "json";
}

/** HTTP routes: query in `X-RivetKit-Query` (or its other name, `X-RivetKit-Actor-Query`). */
export function readHttpActorRequest(request: Request, options: { encodingRequired: boolean }): ActorRequestInfo {
  const encodingHeader = request.headers.get(HEADER_ENCODING);
  const encoding = options.encodingRequired || encodingHeader !== null ? parseEncoding(encodingHeader) : "json";
  const query = readQuery([
    ["X-RivetKit-Query", request.headers.get(HEADER_QUERY)],
    ["X-RivetKit-Actor-Query", request.headers.get(HEADER_ACTOR_QUERY)],
  ]);
  if (query === undefined) {
    throw errors.invalidRequest(
      'Missing actor query: send the X-RivetKit-Query header (or X-RivetKit-Actor-Query) with a JSON query such as {"getOrCreateForKey":{"name":"counter","key":["main"]}}.',
    );
  }
  const paramsText = request.headers.get(HEADER_CONN_PARAMS);
  return { query, encoding, params: paramsText === null ? null : parseParams(paramsText), offeredProtocols: [] };
}

/** WebSocket routes: subprotocol entries first (browsers), then the same headers as HTTP. */
export function readWebSocketActorRequest(request: Request, options: { encodingRequired: boolean }): ActorRequestInfo {
  const protocols = parseProtocols(request.headers.get("sec-websocket-protocol"));
  const encodingText = protocols.encoding ?? request.headers.get(HEADER_ENCODING);
  const encoding = options.encodingRequired || encodingText !== null ? parseEncoding(encodingText) : "json";
  const query = readQuery([
    ["the query. subprotocol", protocols.query ?? null],
    ["X-RivetKit-Query", request.headers.get(HEADER_QUERY)],
    ["X-RivetKit-Actor-Query", request.headers.get(HEADER_ACTOR_QUERY)],
  ]);
  if (query === undefined) {
    throw errors.invalidRequest("Missing actor query: offer a `query.<percent-encoded JSON>` subprotocol or send the X-RivetKit-Query header.");
  }
  const paramsText = protocols.connParams ?? request.headers.get(HEADER_CONN_PARAMS);
  return {
    query,
    encoding,
    params: paramsText === null ? undefined : parseParams(paramsText),
    offeredProtocols: protocols.offered,
  };
}

/**
 * The query from every place a request may carry one. They must agree: a request whose header and
 * subprotocol name different actors is refused rather than authorized for one and sent to another.
 */
function readQuery(sources: Array<[where: string, text: string | null]>): ActorQuery | undefined {
  const given = sources.filter(([, text]) => text !== null) as Array<[string, string]>;
  const queries = given.map(([, text]) => parseActorQueryJson(text));
  // Parsed queries are compared as JSON: the same query however it was spelled (key order, a bare string key).
  const canonical = queries.length > 1 ? queries.map((query) => JSON.stringify(query)) : [];
  const other = canonical.findIndex((text) => text !== canonical[0]);
  if (other > 0) {
    throw errors.invalidRequest(
      `The actor query in ${given[0]![0]} and the one in ${given[other]![0]} differ. Send the query once, or the same query in both.`,
    );
  }
  return queries[0];
}

/** Conn params from their JSON text; `where` names the header or entry in the refusal. */
export function parseParams(text: string, where?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw errors.invalidParams(error instanceof Error ? error.message : "parse failed", where);
  }
}

/**
 * The events a connection subscribes to from its start (connection routes only): the URL's
 * `subscriptions` parameter, a JSON array of event names. In the URL rather than a header, so
 * that no CORS preflight has to allow it and a browser's WebSocket can send it. Only its shape
 * is checked here; the actor holds each name to its limits as it would a subscription message
 * (actor/subscriptions.ts), and reports a refused one on the open connection.
 */
export function readSubscriptions(url: URL): string[] {
  const text = url.searchParams.get(SUBSCRIPTIONS_PARAM);
  if (text === null) return [];
  let events: unknown;
  try {
    events = JSON.parse(text);
  } catch {
    events = undefined;
  }
  if (isEventNames(events)) return events;
  throw errors.invalidRequest(
    `The connection's subscriptions must be a JSON array of event names, such as ["newCount"] (the URL's ${SUBSCRIPTIONS_PARAM} parameter).`,
  );
}
