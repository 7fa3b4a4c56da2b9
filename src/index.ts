export { actor } from "./actor/definition";
export { ActorConfigError } from "./actor/config-check";
export type {
  ActorConfig,
  ActorDefinition,
  ActorOptions,
  AnyActorDefinition,
  Actions,
  AuthOptions,
  ConnectOptions,
  FetchOptions,
  WebSocketOptions,
} from "./actor/definition";
export { event } from "./actor/events";
export type { EventDeclaration, EventDeclarations, EventOptions, EventToken, StandardSchema, SubscribeCheck } from "./actor/events";
export { ActorContext } from "./actor/context";
export type { ActionContext, ActorLogger, ClientOf, ClientSource, CreateContext, DriverContext, ObjectState, Schedule, ScheduledJob } from "./actor/context";
export type { Connection } from "./actor/connection";
export type { DatabaseProvider, ObjectStorage } from "./actor/database";
export type { ActorSql, SqlBinding, SqlValue } from "./actor/sql";
export { setup, Registry } from "./registry/setup";
export type { SetupOptions, Server, ServeOptions, FetchApp, WorkerHandler, DurableObjectClasses } from "./registry/setup";
export type { InspectorOptions } from "./inspector/auth";
export type { CorsOptions } from "./worker/registry-runtime";
export type { ActorObject, ActorObjectClass, WorkerContext } from "./registry/platform-types";
export { ActorflareError, UserError, Unauthorized, Forbidden } from "./protocol/errors";
// What the server-side client and `c.client()` reject with: the client's own class, one across entries.
export { ActorError } from "./client/errors";
export type { ErrorCode } from "./protocol/error-codes";
export type { Intent, ActorQuery } from "./protocol/query";
export { LOCATION_HINTS, JURISDICTIONS, type LocationHint, type Jurisdiction } from "./protocol/placement";
export type { Encoding } from "./protocol/encoding";
