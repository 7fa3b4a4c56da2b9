import { randomUUID } from "node:crypto";
import { decode, encode } from "cbor-x";
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/client/index";
import type { registry } from "../workers/registry";
import { TEST_WORKER_DIR, useWranglerDev, type WranglerDev } from "./wrangler-dev";

// Against the test worker (test/workers) under a real `wrangler dev`: `c.client()` between
// actors, and two answers given as RivetKit 2.0 gives them (docs/protocol.md §11): an onAuth that
// throws something unexpected, and a plain OPTIONS on raw HTTP.

let server: WranglerDev;
useWranglerDev((started) => (server = started), { cwd: TEST_WORKER_DIR });

const uniqueKey = (prefix: string) => `${prefix}-${randomUUID()}`;
const client = () => createClient<typeof registry>(server.url);
const inspectorQuery = () => JSON.stringify({ getOrCreateForKey: { name: "inspector", key: [uniqueKey("inspector")] } });

describe("c.client() under wrangler dev", () => {
  it("an action calls another actor's action, and a connection gets its events in order", async () => {
    const counter = uniqueKey("counter");
    const caller = client().caller.getOrCreate(uniqueKey("caller"));
    expect(await caller.increment(counter, 5)).toBe(5);
    // The runtime keeps a socket's frames in order: the subscription is in place before the first call.
    expect(await caller.listen(counter)).toEqual({ events: [6], results: [6] });
    expect(await client().counter.getOrCreate(counter).getCount()).toBe(6);
  });

  it("an error of the called actor reaches the caller with its code; a self-call while starting is refused at once", async () => {
    const caller = client().caller.getOrCreate(uniqueKey("caller"));
    expect(await caller.caught(uniqueKey("room"))).toEqual({ isActorError: true, code: "nope", message: "Nope.", metadata: { why: "asked" } });
    expect(await client().caller.getOrCreate(uniqueKey("self-at-start")).startError()).toBe("self_call_while_starting");
  });
});

describe("answers as RivetKit 2.0 gives them", () => {
  it("onAuth throwing a plain Error: 400 proxy_error on raw HTTP and HTTP actions (JSON and CBOR), the error's text never sent", async () => {
    const params = JSON.stringify({ token: "boom" });
    const raw = await fetch(`${server.url}/registry/actors/raw/http/x`, {
      headers: { "X-RivetKit-Query": inspectorQuery(), "X-RivetKit-Conn-Params": params },
    });
    expect(raw.status).toBe(400);
    const rawText = await raw.text();
    expect(JSON.parse(rawText)).toMatchObject({ c: "proxy_error" });
    expect(rawText).not.toContain("secret");

    const action = await fetch(`${server.url}/registry/actors/actions/anything`, {
      method: "POST",
      headers: { "X-RivetKit-Query": inspectorQuery(), "X-RivetKit-Encoding": "cbor", "X-RivetKit-Conn-Params": params },
      body: encode({ a: [] }),
    });
    expect(action.status).toBe(400);
    expect(action.headers.get("content-type")).toBe("application/octet-stream");
    const body = decode(new Uint8Array(await action.arrayBuffer())) as { c: string; m: string };
    expect(body.c).toBe("proxy_error");
    expect(body.m).not.toContain("secret");

    // RivetKit 2.3's raw HTTP route through the gateway answers the same (docs/protocol.md §12.5).
    const gateway = await fetch(
      `${server.url}/registry/gateway/inspector/request/x?rvt-namespace=default&rvt-method=getOrCreate&rvt-runner=default&rvt-key=${uniqueKey("gw")}`,
      { headers: { "X-Rivet-Conn-Params": params } },
    );
    expect(gateway.status).toBe(400);
    const gatewayText = await gateway.text();
    expect(JSON.parse(gatewayText)).toMatchObject({ group: "actorflare", code: "proxy_error" });
    expect(gatewayText).not.toContain("secret");
  });

  it("a plain OPTIONS on raw HTTP is an empty 204 from the Worker; onFetch never sees it", async () => {
    const response = await fetch(`${server.url}/registry/actors/raw/http/anything`, {
      method: "OPTIONS",
      headers: { "X-RivetKit-Query": inspectorQuery(), "X-RivetKit-Conn-Params": JSON.stringify({ token: "deny" }), Origin: "http://page.test" },
    });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    // The test worker keeps the default CORS policy: any origin, without credentials.
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });
});
