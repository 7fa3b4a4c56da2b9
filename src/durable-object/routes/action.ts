import { runAction } from "../../actor/actions";
import { encodedResponse } from "../../protocol/encoding";
import { HEADER_ACTION } from "../../protocol/internal";
import { decodeActionArgs } from "../../protocol/messages";
import { actorRequest, type RouteContext } from "../route-context";

/**
 * An action over HTTP (PROTOCOL.md §5.2): it runs on a short-lived connection, so the
 * connection hooks run with this request's params and auth; the reply is `{ o: output }`.
 */
export async function httpAction({ instance, request, encoding, auth, params }: RouteContext): Promise<Response> {
  const name = decodeURIComponent(request.headers.get(HEADER_ACTION) ?? "");
  const args = decodeActionArgs(encoding, new Uint8Array(await request.arrayBuffer()));
  const silent = { encoding, send: () => {}, close: () => {} };
  const conn = await instance.connections.open(silent, { request: actorRequest(request, { body: false }), params: params ?? null, auth }, true);
  let output: unknown;
  try {
    output = await runAction(instance, conn, name, args);
  } finally {
    await instance.connections.close(conn);
  }
  return encodedResponse(encoding, output === undefined ? {} : { o: output });
}
