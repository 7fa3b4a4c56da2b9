export { createClient, clientForDriver } from "./client";
export type { Client, ClientOptions, ActorAccessor, GetOptions, GetOrCreateOptions, CreateOptions } from "./client";
export { ActorHandle, type ActorKey } from "./handle";
export { ActorError } from "./errors";
export type { ClientDriver } from "./driver";
export type { WebSocketConstructor } from "./websocket";
