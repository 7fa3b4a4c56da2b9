import { errors } from "../protocol/errors";
import { workerLog } from "./log";
import type { CorsOptions } from "./registry-runtime";

/*
 * CORS by hand rather than with hono/cors: that middleware sets its headers on the app's
 * response before the route runs, and Hono then copies the route's Response into a new one with
 * those headers on top. Here that copy would drop a WebSocket upgrade's socket (status 101), would
 * overwrite CORS headers an actor's onFetch set itself, and would happen on every request. Its
 * `credentials` is also one switch for all origins, while the default here grants `*` without
 * credentials and credentials only to listed origins. So this module answers preflights and adds
 * the grant to a response only when the request has an origin that is granted.
 */

/** Request headers a browser may send cross-origin: the protocol's, plus what the registry adds. */
const PROTOCOL_HEADERS = [
  "Content-Type",
  "X-RivetKit-Query",
  "X-RivetKit-Actor-Query",
  "X-RivetKit-Encoding",
  "X-RivetKit-Conn-Params",
  "X-RivetKit-Actor",
  "X-RivetKit-Conn",
  "X-RivetKit-Conn-Token",
  // RivetKit 2.3's (docs/protocol.md §12.1): every one its client may send, though only the first two are read here.
  "X-Rivet-Encoding",
  "X-Rivet-Conn-Params",
  "X-Rivet-Query",
  "X-Rivet-Token",
  "X-Rivet-Target",
  "X-Rivet-Actor",
  "X-Rivet-Actor-Key",
  "X-Rivet-Actor-Generation",
  "X-Rivet-Namespace",
  "X-Rivet-Skip-Ready-Wait",
];

const ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS";

/** What a cross-origin caller is granted: nothing, any origin without credentials, or this origin with them. */
type Grant = { origin: "*"; credentials: false } | { origin: string; credentials: boolean } | undefined;

/**
 * Who may read answers from another origin. The default lets any page read them, but never with
 * the user's cookies: `Access-Control-Allow-Origin: *` and no credentials. Only listed origins
 * get their origin echoed with `Access-Control-Allow-Credentials: true` (RivetKit's client sends
 * credentials, so it needs its page's origin listed). The opaque origin `null` is never echoed.
 */
function grantFor(options: CorsOptions, origin: string | null): Grant {
  if (origin === null) return undefined;
  const allowed = options.origin ?? "*";
  if (allowed === "*") return { origin: "*", credentials: false };
  if (origin === "null") return undefined;
  const listed = typeof allowed === "function" ? askOrigin(allowed, origin) : allowed.includes(origin);
  return listed ? { origin, credentials: options.credentials ?? true } : undefined;
}

/**
 * The answer of an origin function, where only `true` lets the origin in. JavaScript can pass an
 * async function, whose promise would otherwise count as yes for every origin, with credentials;
 * one that throws would break the request. Either refuses the origin and says why in the log.
 */
function askOrigin(allowed: (origin: string) => boolean, origin: string): boolean {
  let answer: unknown;
  try {
    answer = allowed(origin);
  } catch (error) {
    workerLog(`setup({ cors }): the origin function threw for ${JSON.stringify(origin)}, so that origin is refused:`, error);
    return false;
  }
  if (typeof answer === "boolean") return answer;
  const promise = typeof (answer as { then?: unknown } | null)?.then === "function";
  workerLog(
    `setup({ cors }): the origin function answered ${promise ? "a promise" : typeof answer} for ${JSON.stringify(origin)}, so that origin is refused. It must answer true or false at once: look an allowlist up before the request (at module load), and do checks that need I/O in onAuth.`,
  );
  return false;
}

function grantHeaders(grant: NonNullable<Grant>): Record<string, string> {
  const headers: Record<string, string> = { "access-control-allow-origin": grant.origin };
  if (grant.credentials) headers["access-control-allow-credentials"] = "true";
  if (grant.origin !== "*") headers.vary = "Origin";
  return headers;
}

/** Answers a CORS preflight in the Worker, before anything reaches an actor. */
export function preflightResponse(options: CorsOptions, request: Request): Response | undefined {
  if (request.method !== "OPTIONS" || !request.headers.has("access-control-request-method")) return undefined;
  return optionsResponse(options, request);
}

/**
 * The Worker's answer to an `OPTIONS` request: an empty 204 with the preflight's grant. Also
 * given to a plain `OPTIONS` on raw HTTP, which RivetKit 2.0's CORS layer answers the same way.
 */
export function optionsResponse(options: CorsOptions, request: Request): Response {
  const grant = grantFor(options, request.headers.get("origin"));
  if (!grant) return new Response(null, { status: 204, headers: variesByOrigin(options) ? { vary: "Origin" } : {} });
  return new Response(null, {
    status: 204,
    headers: {
      ...grantHeaders(grant),
      "access-control-allow-methods": ALLOWED_METHODS,
      // A fixed list: a preflight asking for `cookie` or another header is not granted it.
      "access-control-allow-headers": [...PROTOCOL_HEADERS, ...(options.allowHeaders ?? [])].join(", "),
      "access-control-max-age": "600",
    },
  });
}

/**
 * Whether answers depend on the request's `Origin` (an origin list or function): then every
 * answer says so in `Vary`, granted or not, so a cache does not hand one origin's answer to another.
 */
function variesByOrigin(options: CorsOptions): boolean {
  return (options.origin ?? "*") !== "*";
}

/** Adds CORS headers to a response for a granted origin, unless the actor's own answer set them. */
export function withCors(options: CorsOptions, request: Request, response: Response): Response {
  if (response.status === 101 || response.headers.has("access-control-allow-origin")) return response;
  const grant = grantFor(options, request.headers.get("origin"));
  if (!grant && !variesByOrigin(options)) return response;
  const copy = new Response(response.body, response);
  for (const [name, value] of Object.entries(grant ? grantHeaders(grant) : { vary: "Origin" })) {
    // An answer that already varies by Origin (the registry's own 204 to a plain OPTIONS) says it once.
    if (name === "vary") {
      if (!/(^|,)\s*origin\s*(,|$)/i.test(copy.headers.get("vary") ?? "")) copy.headers.append(name, value);
    } else copy.headers.set(name, value);
  }
  return copy;
}

/**
 * What a page of another origin may send. CORS only rules what a page may read: a browser sends
 * WebSocket upgrades and simple requests (a text/plain POST, say) from any page without asking,
 * with the user's cookies, and an `onAuth` that reads a cookie would take them for the user's.
 * So a page of an origin outside an origin list is refused (403 `cross_origin_refused`) before
 * `onAuth`, and one granted without credentials (`*`, or `credentials: false`) loses its `Cookie`
 * header. A browser sends no `Origin` on a top-level navigation or an image's GET, which another
 * site's page can aim at a GET route that names the actor in its URL (RivetKit's gateway): such
 * a request, which the browser marks `Sec-Fetch-Site: cross-site` or `same-site`, loses its
 * `Cookie` too, its origin being unknown. The Worker's own pages and requests without either
 * header (tools, servers) pass as they are. `OPTIONS` passes too: the registry answers it
 * without running actor code.
 */
export function gateOrigin(options: CorsOptions, request: Request): Request {
  const origin = request.headers.get("origin");
  if (origin === null || isOwnOrigin(request.url, origin)) return fromAnotherSite(request) ? withoutCookie(request) : request;
  if (request.method === "OPTIONS") return request;
  const grant = grantFor(options, origin);
  if (!grant) throw errors.originNotListed(origin);
  return grant.credentials ? request : withoutCookie(request);
}

/**
 * Whether the browser says the request comes from a page of another site, or of a sibling
 * origin of this one. Fails closed: any value but `same-origin` or `none` exactly as browsers
 * send them (another case, a header a proxy merged) counts as another site.
 */
function fromAnotherSite(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  return site !== null && site !== "same-origin" && site !== "none";
}

function withoutCookie(request: Request): Request {
  if (!request.headers.has("cookie")) return request;
  const headers = new Headers(request.headers);
  headers.delete("cookie");
  return new Request(request, { headers });
}

/** Whether `origin` is the request URL's own: its scheme and host, then the path. */
function isOwnOrigin(url: string, origin: string): boolean {
  return url.startsWith(origin) && (url.length === origin.length || url[origin.length] === "/");
}
