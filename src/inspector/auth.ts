import { inspectorErrors } from "../protocol/inspector-errors";
import { sameSecret } from "../server/secrets";
import { hex, InspectorSessions, SESSION_LIFETIME_MS } from "./session";

/** `setup({ inspector })`: the inspector is on only with a token. */
export interface InspectorOptions {
  /**
   * The secret that opens the inspector, at least 16 characters. Take it from a Worker secret
   * (`wrangler secret put INSPECTOR_TOKEN`), never from code.
   */
  token: string;
}

export const MIN_TOKEN_LENGTH = 16;

/** Where the inspector lives; its cookie is scoped to it. */
export const INSPECTOR_PATH = "/registry/inspector";

const COOKIE = "actorflare_inspector";

/** Refuses a missing, empty or short token at setup, so a misconfigured Worker fails on deploy rather than run unlocked. */
export function checkInspectorOptions(options: unknown): InspectorOptions {
  const token = (options as Partial<InspectorOptions> | null)?.token;
  if (typeof token !== "string" || token.trim().length < MIN_TOKEN_LENGTH) throw inspectorErrors.invalidToken(MIN_TOKEN_LENGTH);
  return { token };
}

async function digest(text: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/**
 * Checks the inspector's token on each request: `Authorization: Bearer <token>`, or the session
 * cookie the page gets by posting the token once (session.ts: signed with the token, ending 12
 * hours after sign-in). The bearer token is compared as a SHA-256 digest, which has one length,
 * in constant time.
 */
export class InspectorGate {
  readonly #token: string;
  readonly #sessions: InspectorSessions;
  readonly #now: () => number;
  #digest: Promise<string> | undefined;

  /** `now` is the clock sessions are opened and checked by (tests move it to make old cookies). */
  constructor(options: InspectorOptions, now: () => number = Date.now) {
    this.#token = options.token;
    this.#sessions = new InspectorSessions(options.token);
    this.#now = now;
  }

  /** Whether this token is the inspector's. */
  async tokenMatches(given: string): Promise<boolean> {
    this.#digest ??= digest(this.#token);
    const [expected, candidate] = await Promise.all([this.#digest, digest(given)]);
    return sameSecret(expected, candidate);
  }

  /** How the request proves it holds the token: the bearer header, the session cookie, or not at all. */
  async credential(request: Request): Promise<"bearer" | "cookie" | undefined> {
    const bearer = /^Bearer\s+(\S.*)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    if (bearer !== undefined) return (await this.tokenMatches(bearer.trim())) ? "bearer" : undefined;
    // Every cookie of the name counts: a page of the same site can plant one (with a longer path,
    // which the browser sends first), and checking only the first would sign the inspector out.
    const now = this.#now();
    for (const cookie of cookieValues(request.headers.get("cookie"), COOKIE)) {
      if (await this.#sessions.valid(cookie, now)) return "cookie";
    }
    return undefined;
  }

  /**
   * Throws unless the request may use the API: 401 `unauthorized` without the token; 403
   * `cross_origin_refused` when it holds only the cookie and comes from another origin (a browser
   * sends the cookie to the inspector from any page of the same site, which may be another app).
   */
  async check(request: Request): Promise<void> {
    const credential = await this.credential(request);
    if (credential === undefined) throw inspectorErrors.unauthorized();
    if (credential === "cookie") {
      const from = crossOrigin(request);
      if (from !== undefined) throw inspectorErrors.crossOrigin(from);
    }
  }

  /**
   * Whether the page is served as signed in (200, or 401 and its sign-in form). The cookie counts
   * for a page the user opened (`Sec-Fetch-Site: none`) or reloaded, not for one another site
   * embeds or links to, which learns nothing from its status that way.
   */
  async signedIn(request: Request): Promise<boolean> {
    const credential = await this.credential(request);
    return credential === "bearer" || (credential === "cookie" && (request.headers.get("sec-fetch-site") === "none" || crossOrigin(request) === undefined));
  }

  /** The Set-Cookie of a signed-in page, a new session: HttpOnly, SameSite=Strict, only under the inspector's path. */
  async sessionCookie(request: Request): Promise<string> {
    return cookieHeader(await this.#sessions.open(this.#now()), request, SESSION_LIFETIME_MS / 1000);
  }
}

/**
 * The Set-Cookie that signs a page out: the browser drops its cookie. The session stays valid
 * for anyone holding a copy until it ends or the token changes; nothing is stored to revoke it.
 */
export function clearedCookie(request: Request): string {
  return cookieHeader("", request, 0);
}

function cookieHeader(value: string, request: Request, maxAge: number): string {
  const secure = request.url.startsWith("https:") ? "; Secure" : "";
  return `${COOKIE}=${value}; Path=${INSPECTOR_PATH}; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`;
}

/**
 * Where a request came from, when a browser says it is not the inspector's own origin:
 * `Sec-Fetch-Site` other than `same-origin`, or, from a browser too old to send that header, an
 * `Origin` other than the request's own. `Sec-Fetch-Site` decides when present: the browser
 * computes it, and it stays right when a proxy in front of the Worker (wrangler dev with an
 * upstream host) rewrites the URL the Worker sees. A request with neither header (a tool such as
 * curl) passes.
 */
function crossOrigin(request: Request): string | undefined {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" ? undefined : `Sec-Fetch-Site: ${site}`;
  const origin = request.headers.get("origin");
  if (origin !== null && origin !== new URL(request.url).origin) return `Origin: ${origin}`;
  return undefined;
}

/** The values of the cookies called `name`, at most four (each costs an HMAC check). */
function cookieValues(header: string | null, name: string): string[] {
  const values: string[] = [];
  if (!header) return values;
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) values.push(part.slice(at + 1).trim());
    if (values.length === 4) break;
  }
  return values;
}
