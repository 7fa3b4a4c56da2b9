import { describe, expect, it } from "vitest";
import { createClient } from "../../src/client/index";
import { ORIGIN, rejection } from "./helpers";

// In Workers the client opens sockets with a fetch upgrade, not a WebSocket constructor: those
// requests, like its others, must follow no redirect. The endpoint here is a `fetch` that answers
// everything with a redirect to another origin, as a proxy in front of an old address would
// (test/node/client-hostile-endpoint.test.ts does the same against real servers from Node).

const ELSEWHERE = "https://elsewhere.test/steal";

function redirectingClient(transport: "websocket" | "sse") {
  const modes: string[] = [];
  const client = createClient({
    endpoint: ORIGIN,
    transport,
    actionTimeout: 5_000,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      modes.push(request.redirect);
      return Response.redirect(`${ELSEWHERE}${new URL(request.url).pathname}`, 307);
    },
  });
  return { client, modes };
}

describe.each(["websocket", "sse"] as const)("an endpoint that redirects, connections over %s", (transport) => {
  it("every request of the client's own follows no redirect and fails with endpoint_redirected", async () => {
    const { client, modes } = redirectingClient(transport);
    const handle = client.counter.getOrCreate("k", { params: { token: "secret" } });
    const conn = handle.connect();
    const calls = [
      handle.action("increment", [1]),
      handle.resolve(),
      handle.destroy(),
      client.counter.list(),
      handle.websocket("/"),
      conn.action("increment", [1]),
    ];
    for (const call of calls) {
      const error = await rejection(call);
      expect(error.code, error.message).toBe("endpoint_redirected");
      expect(error.message).toContain(`307 to ${ELSEWHERE}/registry/actors/`);
    }
    expect(conn.status).toBe("disposed");
    expect(modes.length).toBeGreaterThanOrEqual(calls.length);
    expect(new Set(modes)).toEqual(new Set(["manual"]));
    await client.dispose();
  });
});
