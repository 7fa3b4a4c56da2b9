import { findAction } from "../../actor/actions";
import { optionsOf } from "../../actor/options";
import { encodedResponse } from "../../protocol/encoding";
import { decodeActionArgs } from "../../protocol/messages";
import { ACTOR_ORIGIN, requestHead } from "../../server/contract";
import { httpError } from "../../server/error-answers";
import { readHttpActorRequest } from "../actor-request";
import { authorizeHttp } from "../auth";
import { readBodyWithin } from "../body";
import { callActor } from "../call";
import { locateActor } from "../locate";
import type { RouteHandler } from "./types";

/**
 * `POST /registry/actors/actions/{action}`: body `{ a: [args] }`, answer `{ o: output }`. onAuth
 * runs before the body is read, and the body is read within the actor's limit; a bad body or an
 * unknown action is refused here, before the actor is created or woken.
 */
export const httpAction: RouteHandler = async (runtime, { request, env, params }) => {
  const info = readHttpActorRequest(request, { encodingRequired: true });
  const name = params.action ?? "";
  const located = locateActor(runtime, env, info.query);
  const auth = await authorizeHttp(located, request, info, "action");
  findAction(located.definition, name);
  const args = decodeActionArgs(info.encoding, await readBodyWithin(request, optionsOf(located.definition).maxIncomingMessageSize));
  // Only the hooks that open a connection read its request: without them, none travels.
  const { onBeforeConnect, createConnState } = located.definition.config;
  const head = onBeforeConnect || createConnState ? { ...requestHead(request), url: `${ACTOR_ORIGIN}/` } : undefined;
  const outcome = await callActor(located, (stub) => stub.action({ target: located.target, name, args, params: info.params, auth, request: head }));
  if (!outcome.ok) return httpError(outcome.status, outcome.error, info.encoding);
  // An undefined output is left out, as RivetKit's JSON round trip does.
  return encodedResponse(info.encoding, outcome.value === undefined ? {} : { o: outcome.value });
};
