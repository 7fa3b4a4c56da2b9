import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ActorTarget } from "../../src/server/contract";
import { callActor } from "../../src/worker/call";
import type { LocatedActor } from "../../src/worker/locate";

// A Worker whose compatibility_date is before Durable Object RPC (2024-04-03) gets stubs with no
// RPC methods at all: calling one throws a TypeError. actorflare names the cause and the fix.

const target: ActorTarget = { kind: "get" };

describe("a stub without RPC methods (compatibility_date before 2024-04-03)", () => {
  it("is rpc_unavailable, saying which compatibility_date to set", async () => {
    const located = { name: "counter", stub: {} } as unknown as LocatedActor;
    const refused = await callActor(located, (stub) => stub.resolve(target)).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "rpc_unavailable", message: expect.stringContaining('compatibility_date to "2024-04-03" or later') });
  });

  it("a TypeError from a stub that has its methods is no such thing: it stays the runtime's failure", async () => {
    const stub = env.COUNTER.get(env.COUNTER.newUniqueId());
    const located = { name: "counter", stub } as unknown as LocatedActor;
    const refused = await callActor(located, () => Promise.reject(new TypeError("x is not a function"))).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "proxy_error" });
  });
});
