import { runAction } from "../../actor/actions";
import { decode, encodedResponse } from "../../protocol/encoding";
import { ActorflareError } from "../../protocol/errors";
import { HEADER_ACTION } from "../../protocol/internal";
import { httpActionRequestSchema } from "../../protocol/messages";
import { actorRequest, type RouteContext } from "../route-context";

/**
 * An action over HTTP (PROTOCOL.md §5.2): it runs on a short-lived connection, so the
 * connection hooks run with this request's params and auth; the reply is `{ o: output }`.
 */
export async function httpAction({ instance, request, encoding, auth, params }: RouteContext): Promise<Response> {
  const name = decodeURIComponent(request.headers.get(HEADER_ACTION) ?? "");
  const args = await readArgs(request, encoding);
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

async function readArgs(request: Request, encoding: RouteContext["encoding"]): Promise<unknown[]> {
  let body: unknown;
  try {
    const bytes = new Uint8Array(await request.arrayBuffer());
    body = encoding === "json" ? decode("json", new TextDecoder().decode(bytes)) : decode("cbor", bytes);
  } catch {
    throw invalidActionRequest(`the body is not valid ${encoding}`);
  }
  const parsed = httpActionRequestSchema.safeParse(body);
  if (!parsed.success) throw invalidActionRequest("expected { a: [arg, ...] }");
  return parsed.data.a;
}

function invalidActionRequest(detail: string): ActorflareError {
  return new ActorflareError("invalid_action_request", `Invalid action request: ${detail}.`);
}
