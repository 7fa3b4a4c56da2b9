import type { CorsOptions } from "../registry/config";

/** Headers a browser may send cross-origin (PROTOCOL.md §1). */
const ALLOWED_HEADERS = [
  "Content-Type",
  "User-Agent",
  "X-RivetKit-Query",
  "X-RivetKit-Actor-Query",
  "X-RivetKit-Encoding",
  "X-RivetKit-Conn-Params",
  "X-RivetKit-Actor",
  "X-RivetKit-Conn",
  "X-RivetKit-Conn-Token",
].join(", ");

const ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS";

function allowedOrigin(options: CorsOptions, request: Request): string | undefined {
  const origin = request.headers.get("origin");
  if (!origin) return undefined;
  return options.origin === "*" || options.origin.includes(origin) ? origin : undefined;
}

/** Answers a CORS preflight in the Worker, before anything reaches an actor. */
export function preflightResponse(options: CorsOptions, request: Request): Response | undefined {
  if (request.method !== "OPTIONS" || !request.headers.has("access-control-request-method")) return undefined;
  const origin = allowedOrigin(options, request);
  if (!origin) return new Response(null, { status: 204 });
  return new Response(null, {
    status: 204,
    headers: {
      "access-control-allow-origin": origin,
      "access-control-allow-credentials": "true",
      "access-control-allow-methods": ALLOWED_METHODS,
      "access-control-allow-headers": request.headers.get("access-control-request-headers") ?? ALLOWED_HEADERS,
      "access-control-max-age": "600",
      vary: "Origin",
    },
  });
}

/** Adds CORS headers to a response for an allowed origin. The client sends credentials, so the origin is echoed. */
export function withCors(options: CorsOptions, request: Request, response: Response): Response {
  const origin = allowedOrigin(options, request);
  if (!origin || response.status === 101) return response;
  const copy = new Response(response.body, response);
  if (!copy.headers.has("access-control-allow-origin")) {
    copy.headers.set("access-control-allow-origin", origin);
    copy.headers.set("access-control-allow-credentials", "true");
    copy.headers.append("vary", "Origin");
  }
  return copy;
}
