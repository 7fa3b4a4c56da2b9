import { errors } from "../protocol/errors";
import { sameSecret } from "../server/secrets";

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
  if (typeof token !== "string" || token.trim().length < MIN_TOKEN_LENGTH) throw errors.invalidInspectorToken(MIN_TOKEN_LENGTH);
  return { token };
}

async function digest(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Checks the inspector's token on each request: `Authorization: Bearer <token>`, or the cookie
 * the page gets by posting the token once. The cookie holds a digest of the token, not the token,
 * so changing the secret signs every page out. Both are compared as SHA-256 digests, which have
 * one length, in constant time.
 */
export class InspectorGate {
  readonly #token: string;
  #digests: Promise<{ token: string; session: string }> | undefined;

  constructor(options: InspectorOptions) {
    this.#token = options.token;
  }

  #expected() {
    this.#digests ??= Promise.all([digest(this.#token), digest(`actorflare-inspector-session:${this.#token}`)]).then(([token, session]) => ({
      token,
      session,
    }));
    return this.#digests;
  }

  /** Whether this token is the inspector's. */
  async tokenMatches(given: string): Promise<boolean> {
    const [expected, candidate] = await Promise.all([this.#expected(), digest(given)]);
    return sameSecret(expected.token, candidate);
  }

  /** Whether the request carries the token (bearer) or the session cookie. */
  async allows(request: Request): Promise<boolean> {
    const bearer = /^Bearer\s+(\S.*)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    if (bearer !== undefined) return this.tokenMatches(bearer.trim());
    const cookie = cookieValue(request.headers.get("cookie"), COOKIE);
    if (cookie === undefined) return false;
    return sameSecret((await this.#expected()).session, cookie);
  }

  /** Throws 401 `unauthorized` unless the request carries the token. */
  async check(request: Request): Promise<void> {
    if (!(await this.allows(request))) throw errors.inspectorUnauthorized();
  }

  /** The Set-Cookie of a signed-in page: HttpOnly, SameSite=Strict, only under the inspector's path. */
  async sessionCookie(request: Request): Promise<string> {
    return cookieHeader((await this.#expected()).session, request, 12 * 60 * 60);
  }
}

/** The Set-Cookie that signs a page out. */
export function clearedCookie(request: Request): string {
  return cookieHeader("", request, 0);
}

function cookieHeader(value: string, request: Request, maxAge: number): string {
  const secure = request.url.startsWith("https:") ? "; Secure" : "";
  return `${COOKIE}=${value}; Path=${INSPECTOR_PATH}; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`;
}

function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
