import { encodedResponse } from "../../protocol/encoding";
import { errors } from "../../protocol/errors";
import { httpError } from "../../server/error-answers";
import { readHttpActorRequest } from "../actor-request";
import { authorize } from "../auth";
import { callActor } from "../call";
import { locateActor } from "../locate";
import type { RouteHandler } from "./types";

/**
 * `POST /registry/actors/destroy`: destroys the actor a `getForKey` or `getForId` query names
 * (`onAuth` sees the intent `destroy`) and answers `{}` once it is gone; `actor_not_found` if
 * there is none. A query that could create the actor is refused.
 */
export const destroy: RouteHandler = async (runtime, { request, env }) => {
  const info = readHttpActorRequest(request, { encodingRequired: true });
  if (!("getForKey" in info.query || "getForId" in info.query)) {
    const variant = Object.keys(info.query)[0]!;
    throw errors.invalidRequest(`A destroy names an actor that exists: send a getForKey or getForId query, not ${variant}.`, { path: [variant] });
  }
  const located = locateActor(runtime, env, info.query);
  await authorize(located, request, info, "destroy");
  const outcome = await callActor(located, (stub) => stub.destroy());
  return outcome.ok ? encodedResponse(info.encoding, {}) : httpError(outcome.status, outcome.error, info.encoding);
};
