// The inspector page's requests to its API (src/inspector/routes.ts).

export const BASE = "/registry/inspector";

/** An error body of the API (docs/protocol.md §7): code, message, and the action's metadata if it gave some. */
export interface ApiError {
  c: string;
  m: string;
  md?: unknown;
}

export class RequestFailed extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError,
  ) {
    super(`${body.c}: ${body.m}`);
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${BASE}${path}`, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text === "" ? {} : (JSON.parse(text) as { value?: T } & Partial<ApiError>);
  if (!response.ok) {
    const error: ApiError = { c: parsed.c ?? "http_error", m: parsed.m ?? response.statusText };
    if (parsed.md !== undefined) error.md = parsed.md;
    throw new RequestFailed(response.status, error);
  }
  return parsed.value as T;
}

/** An error as the page shows it: code, message, and the metadata an action's error carried. */
export function failure(error: unknown): string {
  if (!(error instanceof RequestFailed)) return String(error);
  const { c, m, md } = error.body;
  return md === undefined ? `${c}: ${m}` : `${c}: ${m} (metadata: ${JSON.stringify(md)})`;
}
