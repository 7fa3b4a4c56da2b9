import type { AnyActorDefinition } from "../actor/definition";

export type ActorDefinitions = Record<string, AnyActorDefinition>;

/**
 * Cross-origin access for browser pages on other origins. Same-origin pages never need it.
 * - `origin: "*"` (the default): any page may call and read answers, but without the user's
 *   cookies (`Access-Control-Allow-Origin: *`, no credentials).
 * - `origin: ["https://app.example"]` or a function: only those pages, with credentials (their
 *   origin is echoed and `Access-Control-Allow-Credentials: true` sent). RivetKit's client sends
 *   credentials, so its page's origin must be listed. The origin `null` is never allowed.
 */
export interface CorsOptions {
  origin?: "*" | string[] | ((origin: string) => boolean) | undefined;
  /** Whether listed origins may send credentials (cookies, HTTP auth). Default true; never for `"*"`. */
  credentials?: boolean | undefined;
  /** Request headers a page may send besides the protocol's (e.g. `Authorization` for your onFetch). */
  allowHeaders?: string[] | undefined;
}

/** What the front Worker needs to know about the registry. */
export interface RegistryRuntime {
  readonly actors: ActorDefinitions;
  bindingName(actorName: string): string;
  readonly cors: CorsOptions | false;
}
