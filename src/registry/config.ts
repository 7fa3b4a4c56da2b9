import type { AnyActorDefinition } from "../actor/definition";

export type ActorDefinitions = Record<string, AnyActorDefinition>;

/** Cross-origin access for browsers calling the registry from another origin. */
export interface CorsOptions {
  /** Origins allowed; `"*"` echoes any origin (credentials are allowed, so `*` itself is never sent). */
  origin: "*" | string[];
}

/** What the front Worker needs to know about the registry. */
export interface RegistryRuntime {
  readonly actors: ActorDefinitions;
  bindingName(actorName: string): string;
  readonly cors: CorsOptions | false;
}
