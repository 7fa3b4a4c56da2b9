import { MAX_INCOMING_MESSAGE_BYTES } from "../protocol/messages";
import type { ActorOptions, AnyActorDefinition } from "./definition";

/** Every actor option with its default filled in (see `ActorOptions` for what each means). */
export type ResolvedOptions = { [K in keyof ActorOptions]-?: Exclude<ActorOptions[K], undefined> };

const DEFAULTS: ResolvedOptions = {
  actionTimeout: 60_000,
  sseKeepAlive: 250,
  scheduleRetryDelay: 1_000,
  maxIncomingMessageSize: MAX_INCOMING_MESSAGE_BYTES,
  maxSubscriptionsPerConnection: 1_000,
  maxEventNameBytes: 256,
};

/** The options an actor runs with: its own where given, the defaults elsewhere. */
export function optionsOf(definition: AnyActorDefinition): ResolvedOptions {
  return resolveOptions(definition.config.options);
}

/** Options as given in a config, with the defaults filled in. */
export function resolveOptions(options: ActorOptions | undefined): ResolvedOptions {
  // An option given as `undefined` keeps its default, as one left out does.
  const given = Object.entries(options ?? {}).filter(([, value]) => value !== undefined);
  return { ...DEFAULTS, ...(Object.fromEntries(given) as ActorOptions) };
}
