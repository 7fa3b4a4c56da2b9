import { errors } from "../protocol/errors";
import { parseActorQuery, type ActorQuery } from "../protocol/query";
import { type GatewayPath, gatewayActor, NAMESPACE } from "../protocol/rivet23/gateway";
import { HEADER23_CONN_PARAMS, HEADER23_ENCODING, parseProtocols23 } from "../protocol/rivet23/headers";
import { decodeInput } from "../protocol/rivet23/keys";
import { RIVET23_ENCODINGS, type Rivet23Encoding } from "../protocol/rivet23/messages";
import { rivet23Wire, type Wire } from "../protocol/wire";
import { httpError, publicError } from "../server/error-answers";
import { parseParams } from "./actor-request";
import { workerLog } from "./log";
import type { RouteHandler } from "./routes/types";

/** Reading requests of RivetKit 2.3's wire (docs/protocol.md §12) into what every route works with. */

/** The encoding asked for; absent, JSON unless `required`. An unknown one is `invalid_encoding`. */
export function rivet23Encoding(value: string | null | undefined, required: boolean): Rivet23Encoding {
  if (RIVET23_ENCODINGS.includes(value as Rivet23Encoding)) return value as Rivet23Encoding;
  if ((value === null || value === undefined) && !required) return "json";
  throw errors.invalidRivetEncoding(value ?? null);
}

/** The wire to answer an error about this request in: its encoding (header or entry) when valid, else JSON. */
export function rivet23ErrorWire(request: Request): Wire {
  const asked = request.headers.get(HEADER23_ENCODING) ?? parseProtocols23(request.headers.get("sec-websocket-protocol")).encoding;
  return rivet23Wire(RIVET23_ENCODINGS.includes(asked as Rivet23Encoding) ? (asked as Rivet23Encoding) : "json");
}

/** Conn params from `X-Rivet-Conn-Params` (or the `rivet_conn_params.` entry); `absent` when neither came. */
export function rivet23Params(request: Request, entry: string | undefined, absent: null | undefined): unknown {
  if (entry !== undefined) return parseParams(entry, "The rivet_conn_params. subprotocol");
  const header = request.headers.get(HEADER23_CONN_PARAMS);
  return header === null ? absent : parseParams(header, "X-Rivet-Conn-Params");
}

/** A namespace other than the deployment's one is `namespace_not_found`; none given means it. */
export function checkNamespace(namespace: string | null | undefined): void {
  if (namespace !== null && namespace !== undefined && namespace !== NAMESPACE) throw errors.namespaceNotFound(namespace);
}

/** The actor a gateway path addresses, as an actor query checked like any other (key bounds included). */
export function gatewayQuery(path: GatewayPath): ActorQuery {
  const actor = gatewayActor(path);
  if ("actorId" in actor) return parseActorQuery({ getForId: { actorId: actor.actorId } });
  checkNamespace(actor.namespace);
  const { name, key, region } = actor;
  if (actor.method === "get") return parseActorQuery({ getForKey: { name, key } });
  const input = actor.input === undefined ? undefined : decodeInput(actor.input, "rvt-input");
  return parseActorQuery({ getOrCreateForKey: { name, key, input, region } });
}

/** A 2.3 route: what it throws is answered in the 2.3 error shape, in the request's encoding. */
export function rivet23Route(handler: RouteHandler): RouteHandler {
  return async (runtime, route) => {
    try {
      return await handler(runtime, route);
    } catch (error) {
      const { status, body } = publicError(error, workerLog, "request");
      return httpError(status, body, rivet23ErrorWire(route.request));
    }
  };
}
