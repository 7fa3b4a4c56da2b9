import { nearestName } from "../actor/nearest-name";

/**
 * Checks `setup({ cors })` at module load. TypeScript checks only typed code: a JavaScript app,
 * a value read from `env`, or a cast would otherwise reach the Worker's CORS as it is, where a
 * string in place of a list matched any part of it (`"https://a.example".includes("https://a.ex")`)
 * and a misspelt key fell back to the default `*`: either opens the registry wider than meant.
 */
export function checkCorsOptions(cors: unknown): void {
  if (cors === undefined || cors === false) return;
  if (typeof cors !== "object" || cors === null || Array.isArray(cors)) {
    throw new Error(
      `setup({ cors }): expected an object such as { origin: ["https://app.example"] }, or false for no CORS at all; got ${describe(cors)}. Leave it out for the default (any origin, without credentials).`,
    );
  }
  for (const key of Object.keys(cors)) {
    if (CORS_KEYS.includes(key)) continue;
    const nearest = nearestName(key, CORS_KEYS);
    throw new Error(`setup({ cors }): unknown key '${key}'; ${nearest ? `did you mean '${nearest}'? ` : ""}cors takes ${CORS_KEYS.join(", ")}.`);
  }
  const { origin, credentials, allowHeaders } = cors as Record<string, unknown>;
  checkOrigin(origin);
  if (credentials !== undefined && typeof credentials !== "boolean") {
    throw new Error(`setup({ cors }): credentials must be true or false; got ${describe(credentials)}.`);
  }
  if (credentials === true && (origin === undefined || origin === "*")) {
    throw new Error(
      'setup({ cors }): credentials are never granted to every origin (browsers refuse `*` with credentials). List the origins that may send them: origin: ["https://app.example"].',
    );
  }
  if (allowHeaders !== undefined) {
    if (!Array.isArray(allowHeaders)) {
      throw new Error(`setup({ cors }): allowHeaders must be a list of header names, e.g. ["Authorization"]; got ${describe(allowHeaders)}.`);
    }
    for (const name of allowHeaders) {
      if (typeof name !== "string" || !HEADER_NAME.test(name))
        throw new Error(`setup({ cors }): allowHeaders has ${describe(name)}, which is not a header name.`);
    }
  }
}

const CORS_KEYS: readonly string[] = ["origin", "credentials", "allowHeaders"];

/** An HTTP token, which is what a header name is. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function checkOrigin(origin: unknown): void {
  if (origin === undefined || origin === "*" || typeof origin === "function") return;
  if (typeof origin === "string") {
    throw new Error(`setup({ cors }): origin must be "*", a list or a function; for one origin write a list of one: origin: [${JSON.stringify(origin)}].`);
  }
  if (!Array.isArray(origin)) throw new Error(`setup({ cors }): origin must be "*", a list of origins or a function of the origin; got ${describe(origin)}.`);
  if (origin.length === 0) throw new Error("setup({ cors }): origin is an empty list, which lets no page of another origin in; write cors: false for that.");
  for (const entry of origin) {
    if (entry === "*") throw new Error('setup({ cors }): for any origin write origin: "*", not a list holding it.');
    if (entry === "null") {
      throw new Error(
        'setup({ cors }): the origin "null" (sandboxed frames, file: pages) is never let in, since any such page sends it. Remove it from the list.',
      );
    }
    if (typeof entry === "string" && entry.includes("*")) {
      // The URL parser takes `*` in a host, so this is checked before it: such an entry would never match.
      throw new Error(
        `setup({ cors }): origin lists ${JSON.stringify(entry)}, but list entries are matched exactly, not as patterns. For a family of origins pass a function: origin: (origin) => origin.endsWith(".example.com").`,
      );
    }
    const exact = typeof entry === "string" ? originOf(entry) : undefined;
    if (exact === entry) continue;
    // A browser's Origin header is scheme, host and port only, lowercase, without a default port: any other spelling never matches.
    const fix = exact
      ? ` Write it as a browser sends it: ${JSON.stringify(exact)}.`
      : ' An origin is a scheme and a host, and a port if not the default: "https://app.example".';
    throw new Error(`setup({ cors }): origin lists ${describe(entry)}, which no browser sends as an Origin.${fix}`);
  }
}

/**
 * The origin a browser sends for a URL. For http(s) that is the URL parser's; other schemes
 * (`chrome-extension://<id>`, `capacitor://localhost`, `tauri://localhost`), whose origin the
 * parser calls opaque, are sent as scheme and host as written, lowercase.
 */
function originOf(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.origin !== "null") return url.origin;
  const schemeAndHost = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@\s]+)\/?$/i.exec(text);
  return schemeAndHost ? schemeAndHost[1]!.toLowerCase() : undefined;
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? `a ${typeof value}`;
}
