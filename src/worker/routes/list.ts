import { encodedResponse, parseEncoding } from "../../protocol/encoding";
import { errors } from "../../protocol/errors";
import { HEADER_CONN_PARAMS, HEADER_ENCODING } from "../../protocol/headers";
import { parseParams } from "../actor-request";
import { authorizeList } from "../auth";
import { listActors, parseListRequest } from "../list";
import { locateName } from "../locate";
import type { RouteHandler } from "./types";

/**
 * `GET /registry/actors/list?name=<actor>&limit=<n>&cursor=<c>`: one page of the actors of that
 * name (`{ actors: [{ id, name, key, createdAt }], cursor? }`). `onAuth` sees the intent `list`.
 * The encoding header is optional (JSON by default).
 */
export const list: RouteHandler = async (runtime, { request, env }) => {
  const encodingHeader = request.headers.get(HEADER_ENCODING);
  const encoding = encodingHeader === null ? "json" : parseEncoding(encodingHeader);
  const search = new URL(request.url).searchParams;
  const name = search.get("name");
  if (!name) throw errors.invalidRequest("Name the actors to list: GET /registry/actors/list?name=<actor name>.", { path: ["name"] });
  const page = parseListRequest(search.get("cursor"), search.get("limit"));
  const paramsText = request.headers.get(HEADER_CONN_PARAMS);
  const params = paramsText === null ? null : parseParams(paramsText);
  const { definition } = locateName(runtime, env, name);
  await authorizeList(definition, name, request, params);
  return encodedResponse(encoding, await listActors(runtime, env, name, page));
};
