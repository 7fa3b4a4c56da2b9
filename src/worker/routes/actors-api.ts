import { ActorflareError, errors } from "../../protocol/errors";
import { type ActorQuery, parseActorQuery } from "../../protocol/query";
import { NAMESPACE } from "../../protocol/rivet23/gateway";
import { decodeInput, formatKeyString, parseKeyString } from "../../protocol/rivet23/keys";
import type { ActorDescription, Outcome } from "../../server/contract";
import { httpError } from "../../server/error-answers";
import { authorize, authorizeList } from "../auth";
import { readBodyWithin } from "../body";
import { callActor } from "../call";
import { listActors as listIndex, parseListRequest } from "../list";
import { locateActor, locateName } from "../locate";
import type { RegistryRuntime } from "../registry-runtime";
import { checkNamespace, rivet23Route } from "../rivet23-request";
import type { RouteContext } from "./types";

/**
 * RivetKit 2.3's actor API and metadata (docs/protocol.md §12.2), in JSON: what the client asks
 * before it reaches an actor through the gateway. An actor is found or created as a 2.0 query
 * would be, onAuth included; the object answers with its meta, without waking an actor that
 * exists. A listing by name reads the actor index, as `GET /registry/actors/list` does; a destroy
 * is the one `POST /registry/actors/destroy` makes. A `datacenter` is taken as the region (a
 * location hint); what Durable Objects do not have (runners, crash policies) is left out.
 */

/** A create or getOrCreate body holds a name, a key, the input and a region: a megabyte is plenty. */
const MAX_BODY_BYTES = 1024 * 1024;
const TOO_LONG_FIX = "This route's limit is fixed: create the actor with a smaller input, and pass large data to an action.";
/** At most this many ids in one `actor_ids`. */
const MAX_IDS = 32;

const json = (value: unknown) => Response.json(value);

/** An actor as the API lists it; fields about runners and sleep, which Durable Objects do not have, are left out. */
function actorRecord(actor: Pick<ActorDescription, "id" | "name" | "key" | "createdAt">) {
  return { actor_id: actor.id, name: actor.name, key: formatKeyString(actor.key), namespace_id: NAMESPACE, create_ts: actor.createdAt };
}

/** onAuth (the API carries no conn params: they are `null`), then the object's meta. */
async function describe(runtime: RegistryRuntime, { request, env }: RouteContext, query: ActorQuery): Promise<Outcome<ActorDescription>> {
  const located = locateActor(runtime, env, query);
  await authorize(located, request, { query, params: null });
  return callActor(located, (stub) => stub.describe(located.target));
}

/** The actor, or undefined when it does not exist (an unknown name or id included): a list simply leaves it out. */
async function find(runtime: RegistryRuntime, route: RouteContext, query: ActorQuery): Promise<Outcome<ActorDescription | undefined>> {
  const notFound = (code: string) => code === "actor_not_found";
  try {
    const outcome = await describe(runtime, route, query);
    return !outcome.ok && notFound(outcome.error.c) ? { ok: true, value: undefined } : outcome;
  } catch (error) {
    if (error instanceof ActorflareError && notFound(error.code)) return { ok: true, value: undefined };
    throw error;
  }
}

/**
 * `GET /registry/actors?actor_ids=…` or `?name=…&key=…`: `{ actors: [...] }`. `?name=…` alone
 * lists the actors of that name (`limit`, `cursor`), `{ actors, pagination: { cursor } }`, when
 * `onAuth` allows the intent `list`.
 */
export const listActors = rivet23Route(async (runtime, route) => {
  const params = new URL(route.request.url).searchParams;
  checkNamespace(params.get("namespace"));
  const ids = params.get("actor_ids");
  const name = params.get("name");
  const key = params.get("key");
  // An unregistered name is 404 here too, as on every route, not an empty list: likely a typo.
  if (name !== null) locateName(runtime, route.env, name);
  let queries: ActorQuery[];
  if (ids !== null) {
    const list = ids.split(",").filter((id) => id !== "");
    if (list.length > MAX_IDS) throw errors.invalidRequest(`actor_ids may name at most ${MAX_IDS} actors.`);
    queries = list.map((actorId) => parseActorQuery({ getForId: name === null ? { actorId } : { name, actorId } }));
  } else if (name !== null && key !== null) {
    queries = [parseActorQuery({ getForKey: { name, key: parseKeyString(key) } })];
  } else if (name !== null) {
    return json(await listByName(runtime, route, name, params));
  } else throw errors.invalidRequest("Say which actors: `actor_ids`, `name` and `key`, or `name` alone to list the actors of that name.");
  const actors = [];
  for (const query of queries) {
    const found = await find(runtime, route, query);
    if (!found.ok) return httpError(found.status, found.error, "rivet23-json");
    if (found.value) actors.push(actorRecord(found.value));
  }
  return json({ actors });
});

/** One page of the actors named `name` from the actor index; onAuth sees the intent `list` (and no conn params, as elsewhere here). */
async function listByName(runtime: RegistryRuntime, { request, env }: RouteContext, name: string, search: URLSearchParams) {
  const page = parseListRequest(search.get("cursor"), search.get("limit"));
  await authorizeList(locateName(runtime, env, name).definition, name, request, null);
  const { actors, cursor } = await listIndex(runtime, env, name, page);
  return { actors: actors.map(actorRecord), pagination: { cursor: cursor ?? null } };
}

/** The body of `PUT` / `POST /registry/actors` as a query of that kind. */
async function bodyQuery(request: Request, kind: "getOrCreateForKey" | "create"): Promise<ActorQuery> {
  checkNamespace(new URL(request.url).searchParams.get("namespace"));
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(await readBodyWithin(request, MAX_BODY_BYTES, TOO_LONG_FIX)));
  } catch (error) {
    if (error instanceof ActorflareError) throw error;
    throw errors.invalidRequest("The body is not JSON: send { name, key, input? } as JSON.");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw errors.invalidRequest("The body must be a JSON object { name, key, input? }.");
  const { name, key, input, datacenter } = body as Record<string, unknown>;
  if (typeof key !== "string") throw errors.invalidRequest("`key` must be the actor's key as a string (parts joined by `/`, `/` alone for the empty key).");
  if (input !== undefined && input !== null && typeof input !== "string") throw errors.invalidRequest("`input` must be base64 of CBOR, or absent.");
  // RivetKit's `region` (create's, or getOrCreate's createInRegion) arrives as `datacenter`: a location hint, checked as in a query.
  const region = datacenter ?? undefined;
  const fields = { name, key: parseKeyString(key), input: typeof input === "string" ? decodeInput(input, "`input`") : undefined, region };
  return parseActorQuery({ [kind]: fields });
}

async function created(runtime: RegistryRuntime, route: RouteContext, kind: "getOrCreateForKey" | "create"): Promise<Response> {
  const outcome = await describe(runtime, route, await bodyQuery(route.request, kind));
  if (!outcome.ok) return httpError(outcome.status, outcome.error, "rivet23-json");
  const actor = actorRecord(outcome.value);
  return json(kind === "create" ? { actor } : { actor, created: outcome.value.created });
}

/** `PUT /registry/actors`: get or create by name and key, `{ actor, created }`. */
export const getOrCreateActor = rivet23Route((runtime, route) => created(runtime, route, "getOrCreateForKey"));

/** `POST /registry/actors`: create by name and key, `{ actor }`; a key in use is `actor.duplicate_key`. */
export const createActor = rivet23Route((runtime, route) => created(runtime, route, "create"));

/** `DELETE /registry/actors/{id}`: destroys the actor (onAuth sees the intent `destroy`) and answers `{}` once it is gone. */
export const destroyActor = rivet23Route(async (runtime, { request, env, params }) => {
  checkNamespace(new URL(request.url).searchParams.get("namespace"));
  const query = parseActorQuery({ getForId: { actorId: params.id ?? "" } });
  const located = locateActor(runtime, env, query);
  await authorize(located, request, { query, params: null }, "destroy");
  const outcome = await callActor(located, (stub) => stub.destroy());
  return outcome.ok ? json({}) : httpError(outcome.status, outcome.error, "rivet23-json");
});

/** `GET /registry/metadata`: what RivetKit's client asks first; it needs an answer, and reads only the client endpoint from it. */
export const metadata = rivet23Route(async (runtime, { request }) => {
  checkNamespace(new URL(request.url).searchParams.get("namespace"));
  return json(registryMetadata(runtime));
});

/**
 * `GET /metadata` at the Worker's root: RivetKit's client given the bare origin as its endpoint
 * asks there first, retrying for as long as it is not answered. `clientEndpoint` points it at
 * `/registry`, where it then goes for everything.
 */
export const rootMetadata = rivet23Route(async (runtime, { request }) => {
  const url = new URL(request.url);
  checkNamespace(url.searchParams.get("namespace"));
  return json({ ...registryMetadata(runtime), clientEndpoint: `${url.origin}/registry` });
});

function registryMetadata(runtime: RegistryRuntime) {
  const actorNames = Object.fromEntries(Object.keys(runtime.actors).map((name) => [name, { metadata: {} }]));
  return { runtime: "actorflare", actorNames };
}
