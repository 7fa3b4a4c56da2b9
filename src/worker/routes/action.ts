import { findAction } from "../../actor/actions";
import { optionsOf } from "../../actor/options";
import { actionAnswerResponse, type EncodedAnswer } from "../../protocol/action-answer";
import { decodeActionArgs } from "../../protocol/messages";
import type { Wire } from "../../protocol/wire";
import { ACTOR_ORIGIN, type Outcome, requestHead } from "../../server/contract";
import { httpError } from "../../server/error-answers";
import { type ActorRequestInfo, readHttpActorRequest } from "../actor-request";
import { authorizeHttp } from "../auth";
import { readBodyWithin } from "../body";
import { callActor } from "../call";
import { locateActor } from "../locate";
import type { RegistryRuntime } from "../registry-runtime";
import type { RouteHandler } from "./types";

/**
 * An action over HTTP, on either wire: onAuth runs before the body is read, and the body is read
 * within the actor's limit; a bad body or an unknown action is refused here, before the actor is
 * created or woken. `decodeArgs` reads the wire's body; the answer comes back encoded in `wire`.
 */
export async function callHttpAction(
  runtime: RegistryRuntime,
  { request, env }: { request: Request; env: Record<string, unknown> },
  info: Pick<ActorRequestInfo, "query" | "params">,
  name: string,
  wire: Wire,
  decodeArgs: (body: Uint8Array) => unknown[],
): Promise<Outcome<EncodedAnswer>> {
  const located = locateActor(runtime, env, info.query);
  const auth = await authorizeHttp(located, request, info, "action");
  findAction(located.definition, name);
  const args = decodeArgs(await readBodyWithin(request, optionsOf(located.definition).maxIncomingMessageSize));
  // Only the hooks that open a connection read its request: without them, none travels.
  const { onBeforeConnect, createConnState } = located.definition.config;
  const head = onBeforeConnect || createConnState ? { ...requestHead(request), url: `${ACTOR_ORIGIN}/` } : undefined;
  return callActor(located, (stub) => stub.action({ target: located.target, name, args, params: info.params, auth, request: head, encoding: wire }));
}

/** `POST /registry/actors/actions/{action}`: body `{ a: [args] }`, answer `{ o: output }` (`{}` for undefined, as RivetKit's JSON round trip). */
export const httpAction: RouteHandler = async (runtime, route) => {
  const info = readHttpActorRequest(route.request, { encodingRequired: true });
  const outcome = await callHttpAction(runtime, route, info, route.params.action ?? "", info.encoding, (body) => decodeActionArgs(info.encoding, body));
  return outcome.ok ? actionAnswerResponse(info.encoding, outcome.value) : httpError(outcome.status, outcome.error, info.encoding);
};
