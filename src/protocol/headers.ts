/** Header names of docs/protocol.md §3, lower-cased as the Headers API returns them. */
export const HEADER_QUERY = "x-rivetkit-query";
/** The query header's other name (RivetKit's docs page uses it); when both are sent they must agree. */
export const HEADER_ACTOR_QUERY = "x-rivetkit-actor-query";
export const HEADER_ENCODING = "x-rivetkit-encoding";
export const HEADER_CONN_PARAMS = "x-rivetkit-conn-params";
export const HEADER_ACTOR = "x-rivetkit-actor";
export const HEADER_CONN = "x-rivetkit-conn";
export const HEADER_CONN_TOKEN = "x-rivetkit-conn-token";

/**
 * RivetKit's internal headers. actorflare never honours one from a client: the Worker deletes
 * both, sets auth data only from onAuth, and never unmasks internal errors.
 */
export const HEADER_AUTH_DATA = "x-rivetkit-auth-data";
export const HEADER_EXPOSE_INTERNAL_ERROR = "x-rivetkit-expose-internal-error";
