import type { Rivet23Case } from "./rivet23-table";
import { KIB, NEVER } from "./table";

/** The hostile-input rows for the 2.3 wire's metadata and actor API (/registry/metadata, /registry/actors). */
export const rivet23ActorApiCases: Rivet23Case[] = [
  // --- GET /registry/metadata --------------------------------------------------------------
  {
    kind: "http23",
    route: "2.3 metadata",
    name: "another namespace",
    method: "GET",
    path: "/registry/metadata?namespace=prod",
    status: 404,
    error: "actorflare.namespace_not_found",
  },

  // --- GET /registry/actors ----------------------------------------------------------------
  {
    kind: "http23",
    route: "2.3 GET actors",
    name: "neither ids nor a name",
    method: "GET",
    path: "/registry/actors",
    status: 400,
    error: "actorflare.invalid_request",
  },
  {
    kind: "http23",
    route: "2.3 GET actors",
    name: "a listing with a page size of 0",
    method: "GET",
    path: "/registry/actors?name=counter&limit=0",
    status: 400,
    error: "actorflare.invalid_request",
  },
  {
    kind: "http23",
    route: "2.3 GET actors",
    name: "a listing with a cursor this server never gave out",
    method: "GET",
    path: "/registry/actors?name=counter&cursor=W1tdXQ",
    status: 400,
    error: "actorflare.invalid_request",
  },
  {
    kind: "http23",
    route: "2.3 GET actors",
    name: "forty ids",
    method: "GET",
    path: `/registry/actors?actor_ids=${Array.from({ length: 40 }, (_, i) => i.toString(16).padStart(64, "0")).join(",")}`,
    status: 400,
    error: "actorflare.invalid_request",
  },
  {
    kind: "http23",
    route: "2.3 GET actors",
    name: "a key part of 129 characters",
    method: "GET",
    path: `/registry/actors?name=counter&key=${"k".repeat(129)}`,
    status: 400,
    error: "actorflare.invalid_request",
  },
  {
    kind: "http23",
    route: "2.3 GET actors",
    name: "a key of 17 parts",
    method: "GET",
    path: `/registry/actors?name=counter&key=${"k/".repeat(16)}k`,
    status: 400,
    error: "actorflare.invalid_request",
  },
  {
    kind: "http23",
    route: "2.3 GET actors",
    name: "another namespace",
    method: "GET",
    path: "/registry/actors?name=counter&key=k&namespace=prod",
    status: 404,
    error: "actorflare.namespace_not_found",
  },

  // --- PUT /registry/actors (getOrCreate) --------------------------------------------------
  ...(
    [
      ["not JSON", "{name"],
      ["an array", "[]"],
      ["no key", JSON.stringify({ name: "counter" })],
      ["a key of the wrong type", JSON.stringify({ name: "counter", key: 5 })],
      ["a name of the wrong type", JSON.stringify({ name: 5, key: NEVER })],
      ["an empty name", JSON.stringify({ name: "", key: NEVER })],
      ["input that is not base64", JSON.stringify({ name: "counter", key: NEVER, input: "%%%" })],
      ["input that is not CBOR", JSON.stringify({ name: "counter", key: NEVER, input: Buffer.from([0xff, 0xfe]).toString("base64") })],
      ["input of the wrong type", JSON.stringify({ name: "counter", key: NEVER, input: 5 })],
    ] as const
  ).map(
    ([name, body]): Rivet23Case => ({
      kind: "http23",
      route: "2.3 PUT actors",
      name,
      method: "PUT",
      path: "/registry/actors?namespace=default",
      body,
      status: 400,
      error: "actorflare.invalid_request",
    }),
  ),
  {
    kind: "http23",
    route: "2.3 PUT actors",
    name: "an unregistered actor name",
    method: "PUT",
    path: "/registry/actors",
    body: JSON.stringify({ name: "nope", key: NEVER }),
    status: 404,
    error: "actor.not_found",
  },
  {
    kind: "http23",
    route: "2.3 PUT actors",
    name: "a body over a megabyte",
    method: "PUT",
    path: "/registry/actors",
    body: JSON.stringify({ name: "counter", key: NEVER, input: "A".repeat(1100 * KIB) }),
    status: 413,
    error: "message.incoming_too_long",
  },

  // --- POST /registry/actors (create) ------------------------------------------------------
  {
    kind: "http23",
    route: "2.3 POST actors",
    name: "a key in use",
    method: "POST",
    path: "/registry/actors",
    body: (k) => JSON.stringify({ name: "counter", key: k.known }),
    status: 409,
    error: "actor.duplicate_key",
  },
  {
    kind: "http23",
    route: "2.3 POST actors",
    name: "a null key",
    method: "POST",
    path: "/registry/actors",
    body: JSON.stringify({ name: "counter", key: null }),
    status: 400,
    error: "actorflare.invalid_request",
  },

  // --- DELETE /registry/actors/{id} --------------------------------------------------------
  {
    kind: "http23",
    route: "2.3 DELETE actors",
    name: "destroy an id no actor has",
    method: "DELETE",
    path: `/registry/actors/${"0".repeat(64)}`,
    status: 404,
    error: "actor.not_found",
  },
  {
    kind: "http23",
    route: "2.3 DELETE actors",
    name: "destroy something that is not an id",
    method: "DELETE",
    path: "/registry/actors/not-an-id",
    status: 404,
    error: "actor.not_found",
  },
];
