/**
 * Every error code actorflare itself gives, server and client side. An `ActorError`'s code is
 * one of these or the code of a `UserError` that actor code threw (`user_error` by default).
 */
export const ERROR_CODES = [
  // Requests the server refuses.
  "invalid_encoding",
  "invalid_query_json",
  "invalid_request",
  "invalid_params",
  "invalid_action_request",
  "invalid_schedule",
  "invalid_region",
  "malformed_message",
  "message_too_long",
  "route_not_found",
  "upgrade_required",
  "unauthorized",
  "forbidden",
  "actor_not_found",
  "actor_already_exists",
  "actor_destroyed",
  "action_not_found",
  "conn_not_found",
  "incorrect_conn_token",
  "too_many_subscriptions",
  "event_name_too_long",
  "fetch_handler_not_defined",
  "websocket_handler_not_defined",
  "namespace_not_found",
  "job_not_found",
  // Actor code or configuration that fails.
  "user_error",
  "action_timed_out",
  "actor_start_failed",
  "invalid_fetch_response",
  "state_not_serializable",
  "value_not_serializable",
  "connection_not_storable",
  "storage_too_new",
  "sql_error",
  "sql_reserved_name",
  "sql_not_template",
  "migration_failed",
  "invalid_inspector_token",
  "binding_not_found",
  "storage_not_sqlite",
  "self_call_while_starting",
  "actor_overloaded",
  "index_unavailable",
  "proxy_error",
  "internal_error",
  // The client's own: the network, the connection, the platform.
  "http_error",
  "connection_failed",
  "connection_lost",
  "connection_disposed",
  "arguments_not_encodable",
  "websocket_closed",
  "websocket_unavailable",
] as const;

/** A code from {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];
