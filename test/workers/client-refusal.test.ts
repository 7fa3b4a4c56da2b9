import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type ActorError, createClient } from "../../src/client/index";
import { ORIGIN, rejection, TRANSPORTS_AND_ENCODINGS, uniqueKey } from "./helpers";
import type { registry } from "./registry";

// A connection the server refuses before it opens (onAuth, a connection hook, a crash in one)
// ends at once with the refusal's error, through the real client and the real front Worker.

const matrix = TRANSPORTS_AND_ENCODINGS;

/** Longer than the first reconnect's wait (at most 250 ms): a connection that retried would have by then. */
const PAST_FIRST_RETRY_MS = 600;

describe.each(matrix)("a refused connection over %s (%s)", (transport, encoding) => {
  /** A client that counts the connection attempts reaching the front Worker. */
  function countingClient() {
    const attempts = { count: 0 };
    const client = createClient<typeof registry>({
      endpoint: ORIGIN,
      encoding,
      transport,
      // Far longer than the test may take: a call that waited for it would show.
      actionTimeout: 20_000,
      fetch: (input, init) => {
        const request = new Request(input, init);
        if (new URL(request.url).pathname.startsWith("/registry/actors/connect/")) attempts.count++;
        return exports.default.fetch(request);
      },
    });
    return { client, attempts };
  }

  const refusals = [
    ["onAuth throws Forbidden", "chatRoom", { token: "deny" }, { code: "forbidden", message: "Token refused.", metadata: { reason: "deny" } }],
    ["onBeforeConnect throws a UserError", "chatRoom", { name: "banned" }, { code: "banned", message: "You are banned." }],
    [
      "createConnState throws a UserError",
      "chatRoom",
      { name: "refused" },
      { code: "conn_refused", message: "No connection state for you.", metadata: { why: "asked" } },
    ],
    ["onAuth crashes", "inspector", { token: "boom" }, { code: "internal_error" }],
  ] as const;

  it.each(refusals)("%s: waiting calls reject at once with its error, onError hears it once, no retry", async (_what, name, params, expected) => {
    const { client, attempts } = countingClient();
    const conn = client[name].getOrCreate(uniqueKey(), { params }).connect();
    const errors: ActorError[] = [];
    conn.onError((error) => errors.push(error));
    const started = Date.now();
    const error = await rejection(conn.action("whoami", []));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toMatchObject(expected);
    expect(conn.status).toBe("disposed");
    // A later call fails the same way, at once.
    expect(await rejection(conn.action("whoami", []))).toMatchObject({ code: expected.code });

    await new Promise((resolve) => setTimeout(resolve, PAST_FIRST_RETRY_MS));
    expect(attempts.count).toBe(1);
    expect(errors.map((e) => e.code)).toEqual([expected.code]);
    expect(conn.status).toBe("disposed");
    // A new connection tries again (and is refused again).
    const again = client[name].getOrCreate(uniqueKey(), { params }).connect();
    expect(await rejection(again.action("whoami", []))).toMatchObject({ code: expected.code });
    expect(attempts.count).toBe(2);
    await client.dispose();
  });
});
