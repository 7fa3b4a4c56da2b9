import { sameSecret } from "../server/secrets";

/** How long a sign-in lasts. The server refuses the cookie after it, whatever the browser keeps. */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;

/** Names what the MAC is for, so it cannot stand for anything else keyed with the same token. */
const PURPOSE = "actorflare inspector session v1:";

const SHAPE = /^(\d{1,16})\.([0-9a-f]{32})\.([0-9a-f]{64})$/;

/** Lower-case hex of bytes: what the cookie carries, and the bearer check compares. */
export function hex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * The inspector's sign-ins, kept in its cookie and checked without storage:
 * `<expires>.<nonce>.<mac>`, where `expires` is when it ends (ms since the epoch), `nonce` 16
 * random bytes (each sign-in differs) and `mac` the HMAC-SHA-256 of both keyed with the token.
 * The cookie never holds the token; a new token makes every MAC wrong.
 */
export class InspectorSessions {
  readonly #token: string;
  #key: Promise<CryptoKey> | undefined;

  constructor(token: string) {
    this.#token = token;
  }

  // Imported on first use, so setup() starts no async work at module load.
  #mac(expires: string, nonce: string): Promise<string> {
    this.#key ??= crypto.subtle.importKey("raw", new TextEncoder().encode(this.#token), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    return this.#key.then(async (key) => hex(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${PURPOSE}${expires}.${nonce}`))));
  }

  /** A new session from `now` on: the cookie's value. */
  async open(now: number): Promise<string> {
    const expires = String(now + SESSION_LIFETIME_MS);
    const nonce = hex(crypto.getRandomValues(new Uint8Array(16)));
    return `${expires}.${nonce}.${await this.#mac(expires, nonce)}`;
  }

  /** Whether `value` is a session this token opened that has not ended at `now`; the MACs are compared in constant time. */
  async valid(value: string, now: number): Promise<boolean> {
    const [, expires, nonce, mac] = SHAPE.exec(value) ?? [];
    if (expires === undefined || nonce === undefined || mac === undefined || Number(expires) <= now) return false;
    return sameSecret(await this.#mac(expires, nonce), mac);
  }
}
