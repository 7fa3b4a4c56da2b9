export { createClient, clientForDriver } from "./client";
export type { Client, ClientOptions, ActorAccessor, GetOptions, GetOrCreateOptions, CreateOptions } from "./client";
export { ActorHandleBase } from "./handle";
export type { ActorHandle, ActorConnection, ActorKey } from "./handle";
export { ActorConnectionBase } from "./connection";
export { ActorError } from "./errors";
export type { ClientDriver, TransportKind } from "./driver";
export type { ActorActions } from "./types";
export type { WebSocketConstructor } from "./websocket";
