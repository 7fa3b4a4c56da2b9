export { createClient, clientForDriver } from "./client";
export type { Client, ClientOptions, ActorAccessor, ActorNames, GetOptions, GetOrCreateOptions, CreateOptions } from "./client";
export { ActorHandleBase } from "./handle";
export type { ActorHandle, ActorConnection, ActorKey } from "./handle";
export { ActorConnectionBase, type ConnectionStatus } from "./connection";
export { ActorError } from "./errors";
export type { ClientDriver, TransportKind } from "./driver";
export type { ActorActions, DefinitionOf } from "./types";
export type { WebSocketConstructor } from "./websocket";
