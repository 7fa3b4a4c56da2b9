export { actor } from "./actor/definition";
export { ActorConfigError } from "./actor/config-check";
export type {
  ActorConfig,
  ActorDefinition,
  ActorOptions,
  AnyActorDefinition,
  Actions,
  AuthOptions,
  FetchOptions,
  WebSocketOptions,
} from "./actor/definition";
export { ActorContext } from "./actor/context";
export type { ActorLogger, CreateContext } from "./actor/context";
export { setup, Registry } from "./registry/setup";
export type { SetupOptions, Server, WorkerHandler, DurableObjectClasses } from "./registry/setup";
export type { CorsOptions } from "./registry/config";
export { ActorflareError, UserError, Unauthorized, Forbidden } from "./protocol/errors";
export type { Intent, ActorQuery } from "./protocol/query";
export type { Encoding } from "./protocol/encoding";
