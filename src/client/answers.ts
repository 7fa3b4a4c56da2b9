import type { ActorListPage } from "../protocol/actor-list";
import { decode, type Encoding } from "../protocol/encoding";
import { isPlainObject } from "../protocol/plain-object";
import { ActorError } from "./errors";

/** The body a route answers with on success (docs/protocol.md §5), as text for messages and as a check. */
export interface AnswerShape<T> {
  readonly text: string;
  is(body: unknown): body is T;
}

/**
 * `POST /resolve`: the actor's id, and nothing else. An id is a Durable Object id (hex); this
 * accepts any word characters, but nothing a later request could read as a path or a query.
 */
export const RESOLVE_ANSWER: AnswerShape<{ i: string }> = {
  text: "{ i: actorId }",
  is: (body): body is { i: string } => isPlainObject(body) && Object.keys(body).length === 1 && typeof body.i === "string" && /^[\w-]{1,256}$/.test(body.i),
};

/** `POST /actions/{action}`: the output, left out when it is `undefined`. */
export const ACTION_ANSWER: AnswerShape<{ o?: unknown }> = {
  text: "{ o: output } or {}",
  is: (body): body is { o?: unknown } => isPlainObject(body) && Object.keys(body).every((key) => key === "o"),
};

/** `POST /destroy`: `{}` once the actor is gone. */
export const DESTROY_ANSWER: AnswerShape<Record<string, unknown>> = { text: "{}", is: isPlainObject };

/** `GET /list`: one page. */
export const LIST_ANSWER: AnswerShape<ActorListPage> = {
  text: "{ actors: [{ id, name, key, createdAt }], cursor? }",
  is: (body): body is ActorListPage =>
    isPlainObject(body) && Array.isArray(body.actors) && body.actors.every(isListing) && (body.cursor === undefined || typeof body.cursor === "string"),
};

function isListing(entry: unknown): boolean {
  return (
    isPlainObject(entry) &&
    typeof entry.id === "string" &&
    typeof entry.name === "string" &&
    Array.isArray(entry.key) &&
    entry.key.every((part) => typeof part === "string") &&
    Number.isFinite(entry.createdAt)
  );
}

/**
 * Reads a 2xx answer to one of the client's requests and checks it against its route's shape.
 * Only an actorflare Worker answers that shape: anything else (a proxy's page, another server's
 * JSON) must not pass for an actor id, an action's output or a page of actors.
 */
export async function readAnswer<T>(response: Response, encoding: Encoding, url: string, shape: AnswerShape<T>): Promise<T> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  let body: unknown;
  try {
    body = decode(encoding, bytes);
  } catch {
    throw malformedAnswer(url, shape, encoding, `it does not decode as ${encoding}`);
  }
  if (!shape.is(body)) throw malformedAnswer(url, shape, encoding, "it is not of that shape");
  return body;
}

function malformedAnswer(url: string, shape: AnswerShape<unknown>, encoding: Encoding, reason: string): ActorError {
  return new ActorError(
    "malformed_message",
    `The answer to ${url} is not what an actorflare Worker answers there (${shape.text}, in ${encoding}): ${reason}. The endpoint likely points at a server other than the actors' Worker, or something in between changed the answer; check createClient's endpoint.`,
  );
}
