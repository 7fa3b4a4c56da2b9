import { encodedResponse } from "../../protocol/encoding";
import { httpError } from "../../server/error-answers";
import { readHttpActorRequest } from "../actor-request";
import { authorize } from "../auth";
import { callActor } from "../call";
import { locateActor } from "../locate";
import type { RouteHandler } from "./types";

/** `POST /registry/actors/resolve`: the actor's id (`{ i }`), creating it when the query allows. */
export const resolve: RouteHandler = async (runtime, { request, env }) => {
  const info = readHttpActorRequest(request, { encodingRequired: true });
  const located = locateActor(runtime, env, info.query);
  await authorize(located, request, info);
  const outcome = await callActor(located, (stub) => stub.resolve(located.target));
  return outcome.ok ? encodedResponse(info.encoding, { i: outcome.value }) : httpError(outcome.status, outcome.error, info.encoding);
};
