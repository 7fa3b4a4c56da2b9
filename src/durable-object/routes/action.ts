import { runAction } from "../../actor/actions";
import type { ConnectionTransport } from "../../actor/connection";
import type { ActorInstance } from "../../actor/instance";
import { type EncodedAnswer, encodeActionAnswer } from "../../protocol/action-answer";
import type { ActionCall } from "../../server/contract";
import { lazyRequest } from "../actor-request";

/** An HTTP action's connection sends nothing: its caller gets the result as the answer. */
const SILENT: ConnectionTransport = { encoding: "json", send: () => {}, close: () => {} };

/**
 * An action over HTTP: it runs on a short-lived connection, so the connection hooks run with
 * the call's params and auth (as in RivetKit 2.0); that connection is not listed in `c.conns`.
 * The output goes back encoded in the call's wire, as a connection's would be: the encoder reads
 * through the state's proxies, so the output needs no copy out of them first.
 */
export async function httpAction(instance: ActorInstance, call: ActionCall): Promise<EncodedAnswer> {
  const conn = await instance.connections.open(SILENT, { request: lazyRequest(call.request), params: call.params ?? null, auth: call.auth }, true);
  let output: unknown;
  try {
    output = await runAction(instance, conn, call.name, call.args);
  } finally {
    await instance.connections.close(conn);
  }
  return encodeActionAnswer(call.encoding, call.name, output);
}
