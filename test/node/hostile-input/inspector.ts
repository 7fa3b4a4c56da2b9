import { type Case, type HttpCase, q } from "./table";

/** The hostile-input rows for the inspector's API. */
export const inspectorCases: Case[] = [
  // --- the inspector (/registry/inspector; on in the demo with wrangler.toml's dev token) -------
  ...((): HttpCase[] => {
    const bearer = { authorization: "Bearer dev-only-inspector-token-do-not-deploy", "content-type": "application/json" };
    const known = `query=${encodeURIComponent(q.known)}`;
    const inspector = (
      name: string,
      method: string,
      path: string,
      headers: Record<string, string>,
      body: string | undefined,
      status: number,
      code: string,
    ): HttpCase => ({
      kind: "http",
      route: "inspector",
      name,
      method,
      path,
      headers,
      body,
      status,
      code,
    });
    return [
      inspector(
        "no token",
        "PUT",
        `/registry/inspector/api/actor/state?${known}`,
        { "content-type": "application/json" },
        '{"state":{"count":0}}',
        401,
        "unauthorized",
      ),
      inspector(
        "a wrong bearer token",
        "GET",
        `/registry/inspector/api/actor?${known}`,
        { authorization: "Bearer dev-only-inspector-token-do-not-deplox" },
        undefined,
        401,
        "unauthorized",
      ),
      inspector(
        "a forged session cookie",
        "GET",
        `/registry/inspector/api/actor?${known}`,
        { cookie: `actorflare_inspector=${"0".repeat(64)}` },
        undefined,
        401,
        "unauthorized",
      ),
      inspector(
        "a query that would create an actor",
        "GET",
        `/registry/inspector/api/actor?query=${encodeURIComponent(q.never())}`,
        bearer,
        undefined,
        400,
        "invalid_request",
      ),
      inspector("a state edit that is not JSON", "PUT", `/registry/inspector/api/actor/state?${known}`, bearer, '{"state":{"count":0}', 400, "invalid_request"),
      inspector("a state edit without state", "PUT", `/registry/inspector/api/actor/state?${known}`, bearer, '{"count":0}', 400, "invalid_request"),
      inspector(
        "action arguments that are not an array",
        "POST",
        `/registry/inspector/api/actor/action?${known}`,
        bearer,
        '{"name":"increment","args":5}',
        400,
        "invalid_request",
      ),
      inspector(
        "an action that throws",
        "POST",
        `/registry/inspector/api/actor/action?${known}`,
        bearer,
        '{"name":"increment","args":["lots"]}',
        400,
        "invalid_argument",
      ),
    ];
  })(),
];
