import { rivetKitPublicError } from "./rivet23/errors";

/**
 * Errors that cross the wire. Every error a route produces leaves as
 * `{ c: code, m: message, md?: metadata }` (docs/protocol.md §7); the code is stable snake_case.
 */

export interface ErrorBody {
  c: string;
  m: string;
  md?: unknown;
}

export interface ActorflareErrorOptions {
  /** HTTP status to answer with. Public errors default to 400. */
  status?: number;
  /** Extra data for the client (`md` on the wire). */
  metadata?: unknown;
  /** Public errors reach the client with their message; others are masked as `internal_error`. */
  public?: boolean;
  cause?: unknown;
}

/** Marks the errors of every copy of this module, so that a second bundled copy's are known too. */
const ERROR_BRAND = Symbol.for("actorflare.error");

export class ActorflareError extends Error {
  readonly code: string;
  readonly status: number;
  readonly metadata: unknown;
  readonly public: boolean;
  readonly [ERROR_BRAND] = true;

  /**
   * `instanceof ActorflareError` holds for the errors of any copy of actorflare (a library that
   * bundles its own, say), by the brand; the subclasses keep the ordinary check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class the check is made against, maybe a subclass.
    if (this !== ActorflareError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === "object" && value !== null && (value as { [ERROR_BRAND]?: unknown })[ERROR_BRAND] === true;
  }

  constructor(code: string, message: string, options: ActorflareErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "ActorflareError";
    this.code = code;
    this.public = options.public ?? true;
    this.status = options.status ?? (this.public ? 400 : 500);
    this.metadata = options.metadata;
  }

  toBody(): ErrorBody {
    return this.metadata === undefined ? { c: this.code, m: this.message } : { c: this.code, m: this.message, md: this.metadata };
  }
}

/** An error thrown on purpose by actor code; the client receives its code and message. */
export class UserError extends ActorflareError {
  constructor(message: string, options: { code?: string | undefined; metadata?: unknown } = {}) {
    super(options.code ?? "user_error", message, { metadata: options.metadata, status: 400 });
    this.name = "UserError";
  }
}

export class Unauthorized extends ActorflareError {
  constructor(message = "Unauthorized.", options: { metadata?: unknown } = {}) {
    super("unauthorized", message, { status: 401, metadata: options.metadata });
    this.name = "Unauthorized";
  }
}

export class Forbidden extends ActorflareError {
  constructor(message = "Forbidden.", options: { metadata?: unknown } = {}) {
    super("forbidden", message, { status: 403, metadata: options.metadata });
    this.name = "Forbidden";
  }
}

export const INTERNAL_ERROR_MESSAGE = "Internal error. Read the server logs for more details.";

/**
 * workerd ends SQLite's messages with the result code (`no such table: todos: SQLITE_ERROR`),
 * and the extended code after it where there is one
 * (`UNIQUE constraint failed: todos.title: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)`).
 */
const SQLITE_CODE = /SQLITE_[A-Z_]+(?: \(extended: SQLITE_[A-Z_]+\))?$/;

/**
 * An error from SQLite (the actor's `c.sql` or a query builder over its storage) as `sql_error`,
 * or undefined for any other error. Query builders wrap that error, and put the statement and
 * its parameters in their own message, so only SQLite's message, found along the causes (or the
 * `sql_error` already made of it), reaches the client. No stack either.
 */
export function sqlError(error: unknown): ActorflareError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof ActorflareError) return current.code === "sql_error" ? current : undefined;
    if (SQLITE_CODE.test(current.message)) return new ActorflareError("sql_error", `SQL failed: ${current.message}`, { status: 500, cause: current });
  }
  return undefined;
}

/**
 * The body for any error: public errors as they are (ours, or RivetKit's from ported code), SQLite's
 * as `sql_error`, everything else masked.
 */
export function errorToBody(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof ActorflareError && error.public) {
    return { status: error.status, body: error.toBody() };
  }
  const rivetKit = rivetKitPublicError(error);
  if (rivetKit) return rivetKit;
  const fromSql = sqlError(error);
  if (fromSql) return { status: fromSql.status, body: fromSql.toBody() };
  return { status: 500, body: { c: "internal_error", m: INTERNAL_ERROR_MESSAGE, md: {} } };
}

/** Factories for the protocol's fixed error codes, so each code is spelled once. */
export const errors = {
  invalidEncoding(value: string | null) {
    return new ActorflareError(
      "invalid_encoding",
      value === null
        ? "Missing X-RivetKit-Encoding header: send `json` or `cbor`."
        : `Unknown encoding '${value}': send X-RivetKit-Encoding \`json\` or \`cbor\`.`,
    );
  },
  invalidQueryJson(detail: string) {
    return new ActorflareError("invalid_query_json", `The actor query is not valid JSON (${detail}).`);
  },
  invalidRequest(message: string, metadata?: unknown) {
    return new ActorflareError("invalid_request", message, { metadata });
  },
  /** A value whose nesting ran past the call stack while it was decoded or passed on. */
  nestedTooDeeply() {
    return new ActorflareError("invalid_request", "The request holds a value nested too deeply to pass on to the actor. Send flatter data.");
  },
  invalidParams(detail: string, where = "X-RivetKit-Conn-Params") {
    return new ActorflareError("invalid_params", `${where} is not valid JSON (${detail}).`);
  },
  invalidRegion(region: unknown, regions: readonly string[]) {
    return new ActorflareError(
      "invalid_region",
      `Unknown region ${JSON.stringify(typeof region === "string" ? region.slice(0, 40) : region) ?? String(region)}: a region is a Durable Objects location hint, one of ${regions.join(", ")}. Leave it out to let Cloudflare place the actor near its first request.`,
      { metadata: { regions } },
    );
  },
  actorNotFound(message: string) {
    return new ActorflareError("actor_not_found", message, { status: 404 });
  },
  /** A request that reached an actor while it was being destroyed, or a `get` after it was. */
  actorGone(name: string) {
    return new ActorflareError(
      "actor_not_found",
      `Actor '${name}' is being destroyed or was destroyed. getOrCreate() or create() makes a new actor with the same key.`,
      { status: 404 },
    );
  },
  /** Why a connection or raw socket closed, and what code of a destroyed actor that still runs gets. */
  actorDestroyed(name?: string) {
    return new ActorflareError(
      "actor_destroyed",
      `Actor${name ? ` '${name}'` : ""} was destroyed: its state is gone and its connections are closed. getOrCreate() makes a new actor with the same key.`,
      { status: 410 },
    );
  },
  /** `c.schedule` during a destroy (in `onDestroy`, or after `c.destroy()`): the jobs go with the actor's storage. */
  scheduleWhileDestroyed(name: string) {
    return new ActorflareError(
      "actor_destroyed",
      `Actor '${name}' is being destroyed, so nothing scheduled now would run: its jobs are deleted with its storage. Schedule before calling c.destroy(), not in onDestroy or after it.`,
      { status: 410 },
    );
  },
  /** The object's class was declared with `new_classes`: its storage has no SQLite (and no synchronous KV). */
  storageNotSqlite(actor: string, className: string) {
    return new ActorflareError(
      "storage_not_sqlite",
      `The Durable Object class ${className} of actor '${actor}' is not SQLite-backed, and actorflare keeps actors in SQLite storage. If ${className} is in no [[migrations]] entry of wrangler.toml (or wrangler.jsonc's "migrations"), add one that declares it under \`new_sqlite_classes\`. If an entry declares it under \`new_classes\` (a key-value class, which cannot be converted), export the actor under a new class name and declare that one under \`new_sqlite_classes\` in a new migration; keep exporting the old class until a migration lists it under \`deleted_classes\` (which deletes its actors' data).`,
      { status: 500 },
    );
  },
  /** `askedClass`, `ownClass`: the class names the registry gives the two actors. */
  bindingMismatch(asked: string, own: string, askedClass: string, ownClass: string) {
    return new ActorflareError(
      "binding_mismatch",
      `A request for actor '${asked}' reached the Durable Object class of actor '${own}'. The binding of '${asked}' must name class_name "${askedClass}" in wrangler.toml (or wrangler.jsonc), and the Worker must export class ${askedClass} extends registry.durableObjects.${askedClass} {} (not ...durableObjects.${ownClass}).`,
      { status: 500 },
    );
  },
  notAnActorClass(actor: string, exportLine: string, method: string) {
    return new ActorflareError(
      "binding_mismatch",
      `The Durable Object class that the binding of actor '${actor}' names is not an actor's: it has no method ${method}. Export the actor's class (${exportLine}) and name it in that binding's class_name in wrangler.toml (or wrangler.jsonc), or point setup({ bindings }) at a binding of the actor's class.`,
      { status: 500 },
    );
  },
  rpcUnavailable() {
    return new ActorflareError(
      "rpc_unavailable",
      'This Worker\'s compatibility_date is older than Durable Object RPC, which actorflare uses between the Worker and its actors. Set compatibility_date to "2024-04-03" or later in wrangler.toml (or wrangler.jsonc).',
      { status: 500 },
    );
  },
  indexUnavailable(detail: string) {
    return new ActorflareError(
      "index_unavailable",
      `The actor index could not be reached (${detail}), so nothing was changed. Retry the request; if it keeps failing, the index's Durable Objects cannot be reached.`,
      { status: 503 },
    );
  },
  actorAlreadyExists(name: string, key: string[]) {
    return new ActorflareError("actor_already_exists", `Actor '${name}' with key ${JSON.stringify(key)} already exists. Use getOrCreate() to reuse it.`, {
      status: 409,
    });
  },
  routeNotFound(method: string, path: string) {
    // RivetKit's client takes the endpoint with /registry; actorflare's takes the Worker's origin.
    const doubled = path.startsWith("/registry/registry/")
      ? " The client's endpoint already ends in /registry: give actorflare's createClient the Worker's origin alone."
      : "";
    return new ActorflareError("route_not_found", `No route for ${method} ${path}. Actor routes live under /registry/actors/.${doubled}`, {
      status: 404,
    });
  },
  headOpensNoConnection(path: string) {
    return new ActorflareError(
      "route_not_found",
      `No route for HEAD ${path}: a HEAD request cannot open a connection, which lives as long as its answer's body. Connect with GET.`,
      { status: 404 },
    );
  },
  upgradeRequired() {
    return new ActorflareError("upgrade_required", "This route only accepts WebSocket upgrades (send `Upgrade: websocket`).", {
      status: 426,
    });
  },
  fetchHandlerNotDefined(name: string) {
    return new ActorflareError(
      "fetch_handler_not_defined",
      `Actor '${name}' has no onFetch handler. Add onFetch(c, request) to its definition to serve raw HTTP.`,
      {
        status: 404,
      },
    );
  },
  webSocketHandlerNotDefined(name: string) {
    return new ActorflareError(
      "websocket_handler_not_defined",
      `Actor '${name}' has no onWebSocket handler. Add onWebSocket(c, websocket) to its definition to serve raw WebSockets.`,
      { status: 404 },
    );
  },
  invalidFetchResponse(name: string) {
    return new ActorflareError(
      "invalid_fetch_response",
      `onFetch of actor '${name}' returned no Response. Return a Response from every path, e.g. new Response("Not Found", { status: 404 }).`,
      { status: 500 },
    );
  },
  fetchResponseBodyUsed(name: string) {
    return new ActorflareError(
      "invalid_fetch_response",
      `onFetch of actor '${name}' returned a Response whose body was already read (or is locked to a reader), so it cannot be sent. Return a new Response, or read a clone (response.clone()).`,
      { status: 500 },
    );
  },
  forbiddenWithoutOnAuth(name: string) {
    return new Forbidden(
      `Actor '${name}' has no onAuth handler, so public clients may not reach it. Add onAuth to its definition (an empty \`onAuth: () => ({})\` makes it public).`,
    );
  },
  /** `fix`: what to do instead, for a route whose limit is not the actor's option. */
  messageTooLong(limit: number, fix = "Send less, or raise the actor's options.maxIncomingMessageSize.") {
    return new ActorflareError("message_too_long", `The message is larger than this route accepts (${limit} bytes). ${fix}`, { status: 413 });
  },
  rpcValueTooLarge(cause: unknown) {
    return new ActorflareError(
      "value_not_serializable",
      "The actor was reached, but what it sent back is over the 32 MiB the runtime carries in one call between the Worker and a Durable Object. If it was an action's answer, the action ran (what it changed is kept): answer less, or send large data from onFetch, whose body streams. An inspector snapshot of a state this large cannot be shown; read the state in pages through an action.",
      { status: 500, cause },
    );
  },
  proxyError(detail: string) {
    return new ActorflareError("proxy_error", `The front Worker could not reach the actor: ${detail}`, { status: 502 });
  },
  selfCallWhileStarting(name: string) {
    return new ActorflareError(
      "self_call_while_starting",
      `Actor '${name}' called itself through c.client() while it was starting (in createVars, onCreate or onStart). ` +
        "Nothing reaches an actor until its start has finished, so the call would wait for the start that waits for it. " +
        'Make the call from an action, or schedule it: c.schedule.after(0, "action").',
      { status: 500 },
    );
  },
  /** RivetKit 2.0's answer when onAuth throws something unexpected on an HTTP action or raw HTTP; the error itself is only logged. */
  onAuthFailed(name: string) {
    return new ActorflareError(
      "proxy_error",
      `onAuth of actor '${name}' threw an error that is not a UserError, Unauthorized or Forbidden (it is in the Worker's log). ` +
        "Throw one of those to refuse a request with a message clients can read.",
    );
  },
  tooManySubscriptions(limit: number) {
    return new ActorflareError(
      "too_many_subscriptions",
      `This connection already subscribes to ${limit} events, the most one connection may. ` +
        "Unsubscribe from events it no longer listens to, or raise the actor's `options.maxSubscriptionsPerConnection`.",
    );
  },
  /** Public, so that the caller of the action that sent it learns why it failed; 500, so the server logs it: the actor's code sent it. */
  invalidEventPayload(event: string, issues: string[]) {
    return new ActorflareError(
      "invalid_event_payload",
      `Event '${event}' was not sent: its payload does not match the schema in the actor's \`events\` (${issues.join("; ")}). ` +
        "Send what the schema describes, or change the schema.",
      { status: 500, metadata: { event, issues } },
    );
  },
  /**
   * An event that a connection's wire could not carry (`cause`: the encoding's own error, which
   * says why and what to change); `to` names the connection: "this connection" for its own client.
   */
  eventNotSent(event: string, to: string, wire: string, cause: unknown) {
    const why = cause instanceof ActorflareError && cause.public ? cause.message : "it could not be encoded.";
    return new ActorflareError("value_not_serializable", `Event '${event}' could not be sent to ${to}, whose encoding is ${wire}: ${why}`, {
      status: 500,
      metadata: { event },
      cause,
    });
  },
  /** A subscription whose event's `canSubscribe` did not answer in time. */
  subscriptionCheckTimedOut(event: string, timeoutMs: number) {
    return new ActorflareError(
      "action_timed_out",
      `The subscription to event '${event}' was refused: the canSubscribe of the event did not answer within ${timeoutMs} ms (10 s, or the actor's options.actionTimeout if shorter). ` +
        "Make it answer sooner, or subscribe again later.",
      { metadata: { event } },
    );
  },
  /** A subscription that the event's `canSubscribe` did not allow. */
  subscriptionForbidden(event: string) {
    return new Forbidden(
      `This connection may not subscribe to event '${event}': the canSubscribe of the event, in the actor's \`events\`, did not return true. ` +
        "Connect with params or auth that it allows.",
      { metadata: { event } },
    );
  },
  eventNameTooLong(bytes: number, limit: number) {
    return new ActorflareError(
      "event_name_too_long",
      `The event name is ${bytes} bytes long (UTF-8), over the limit of ${limit}. Use a shorter name, or raise the actor's \`options.maxEventNameBytes\`.`,
    );
  },
  /** Public, so the client learns why; 500, so the server logs it: the actor's code made a record too large or not plain data. */
  // The engine's own words stay in `cause` (the server log): they can quote the data itself.
  connectionNotStorable(cause: unknown) {
    return new ActorflareError(
      "connection_not_storable",
      `The connection could not be stored: its params, auth data or conn state ${isTooBig(cause) ? "take more than 2 MB" : "hold something that is not plain data (a function, a symbol, a class instance)"}. ` +
        "A WebSocket connection keeps them in storage while it is open, so that it survives hibernation: " +
        "together they must be plain data and under 2 MB. Keep conn state small and put large data in the actor's state.",
      { status: 500, cause },
    );
  },
  /** `c.schedule` refuses a job when it is scheduled, so nothing is stored that could only fail when due. */
  invalidSchedule(message: string, metadata?: unknown) {
    return new ActorflareError("invalid_schedule", message, { metadata });
  },
  /**
   * `startStuck`: the runtime reset the object because a blockConcurrencyWhile waited too long,
   * which for an actor means its load or start: almost always a call cycle through onStart.
   */
  actorOverloaded(startStuck = false) {
    const message = startStuck
      ? "The actor is overloaded: its start waited more than 30 s, and the runtime reset its object. " +
        "The likely cause is a call cycle through onStart (its onStart calls an actor that calls it back, and that call waits for the start). " +
        "Make the call after the start instead (from c.waitUntil() or a scheduled job), or retry later with backoff if the start is only slow."
      : "The actor is overloaded; retry later with backoff. If every call fails this way after about 30 s, see whether its onStart calls an actor that calls it back (a call cycle through onStart).";
    return new ActorflareError("actor_overloaded", message, { status: 503 });
  },
  // RivetKit 2.3's wire (docs/protocol.md §12).
  invalidRivetEncoding(value: string | null) {
    return new ActorflareError(
      "invalid_encoding",
      value === null
        ? "Missing encoding: send X-Rivet-Encoding (or the rivet_encoding. subprotocol) `bare`, `cbor` or `json`."
        : `Unknown encoding '${value.slice(0, 40)}': send X-Rivet-Encoding (or the rivet_encoding. subprotocol) \`bare\`, \`cbor\` or \`json\`.`,
    );
  },
  namespaceNotFound(namespace: string) {
    return new ActorflareError(
      "namespace_not_found",
      `No namespace '${namespace.slice(0, 80)}': an actorflare deployment has one namespace, 'default'. Leave the client's namespace unset.`,
      { status: 404 },
    );
  },
  gatewayPathNotFound(path: string) {
    return new ActorflareError(
      "route_not_found",
      `The gateway has no route ${path.slice(0, 80)}. actorflare serves /action/{name}, /connect, /request/{path} and /websocket/{path}; queues and the inspector are not supported.`,
      { status: 404 },
    );
  },
  gatewayQueueNotSupported(queue: string) {
    return new ActorflareError(
      "route_not_found",
      `RivetKit's client sent a message to the queue '${queue.slice(0, 80)}', and actorflare has no queues. A handle's or a connection's send(name, ...) is RivetKit's queue method: to call an action named 'send', write action({ name: "send", args }).`,
      { status: 404 },
    );
  },
  originNotListed(origin: string) {
    return new ActorflareError(
      "cross_origin_refused",
      `This request came from a page of ${origin.slice(0, 120)}, which setup({ cors: { origin } }) does not list, so it was refused before onAuth and nothing ran. Browsers send WebSocket upgrades and simple requests from any page, so an origin list keeps out more than CORS headers do. Add the page's origin to the list if it should reach these actors.`,
      { status: 403 },
    );
  },
  connNotFound() {
    return new ActorflareError("conn_not_found", "No open connection has that id; it may have closed. Reconnect to get a new one.");
  },
} as const;

/** Whether storage refused a value for its size (SQLite's TOOBIG) rather than its kind. */
function isTooBig(cause: unknown): boolean {
  return cause instanceof Error && /TOOBIG|too big|too large/i.test(cause.message);
}

/** Whether `error` is the engine's stack overflow: what a value nested past the call stack causes. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof Error && /Maximum call stack size exceeded/.test(error.message);
}
