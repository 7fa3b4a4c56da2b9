import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { registry } from "./registry";

// RivetKit's client given the bare origin as its endpoint asks `GET {origin}/metadata` first, and
// retries for as long as it gets no answer; `clientEndpoint` sends it to `/registry`.

const ORIGIN = "https://app.test";
const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;

async function metadataAt(handler: { fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response> }, path = "/metadata", method = "GET") {
  const response = await handler.fetch(new Request(`${ORIGIN}${path}`, { method }), env, ctx);
  return { status: response.status, text: await response.text() };
}

describe("GET /metadata at the Worker's root", () => {
  it("registry.handler answers it with the actors and a clientEndpoint under /registry", async () => {
    const { status, text } = await metadataAt(registry.handler);
    expect(status).toBe(200);
    const metadata = JSON.parse(text) as { runtime: string; actorNames: Record<string, unknown>; clientEndpoint: string };
    expect(metadata).toMatchObject({ runtime: "actorflare", clientEndpoint: `${ORIGIN}/registry` });
    expect(metadata.actorNames.counter).toEqual({ metadata: {} });
    // Under /registry it names no endpoint: the client is where it should be.
    expect(JSON.parse((await metadataAt(registry.handler, "/registry/metadata")).text)).not.toHaveProperty("clientEndpoint");
  });

  it("serve(app) answers it only when the app has no such route", async () => {
    const { serve } = registry.createServer();
    const bare = serve(new Hono().get("/", (c) => c.text("home")));
    expect(JSON.parse((await metadataAt(bare)).text)).toMatchObject({ clientEndpoint: `${ORIGIN}/registry` });
    // Another method, or another path the app lacks, keeps the app's 404.
    expect((await metadataAt(bare, "/metadata", "POST")).status).toBe(404);
    expect((await metadataAt(bare, "/metadata/x")).status).toBe(404);

    const own = serve(new Hono().get("/metadata", (c) => c.json({ mine: true })));
    expect(await metadataAt(own)).toEqual({ status: 200, text: JSON.stringify({ mine: true }) });
  });

  it("serve(app, { rootMetadata: false }) leaves the app's own 404 on /metadata", async () => {
    const { serve } = registry.createServer();
    const app = new Hono().get("/metadata", (c) => c.json({ error: "no such metadata" }, 404));
    expect((await metadataAt(serve(app))).status).toBe(200);
    expect(await metadataAt(serve(app, { rootMetadata: false }))).toEqual({ status: 404, text: JSON.stringify({ error: "no such metadata" }) });
  });
});
