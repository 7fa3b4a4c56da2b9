import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { call, uniqueKey } from "./helpers";

// The raw routes through the real front Worker, with generated paths: the actor sees `/{path}`
// exactly as the client sent it (percent-encoding kept), in both route forms, and no path, however
// odd, gets a 5xx.

/** A path below the actor, percent-encoded segment by segment as a client would send it. */
const actorPath = fc.array(fc.string({ unit: "binary", maxLength: 10 }).map(encodeURIComponent), { maxLength: 4 }).map((segments) => segments.join("/"));
const key = uniqueKey();
const headers = { "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name: "inspector", key: [key] } }) };
const seenPath = async (path: string) => {
  const response = await call(path, { headers });
  expect(response.status).toBe(200);
  return ((await response.json()) as { pathname: string }).pathname;
};

describe("raw routes", () => {
  it("RivetKit's form and the form naming the actor keep the actor path as received", async () => {
    await fc.assert(
      fc.asyncProperty(actorPath, async (path) => {
        // The runtime normalises dot segments (`.`, `..`) out of a URL before the Worker sees it.
        fc.pre(
          !path.split("/").some((segment) => segment === "." || segment === ".." || segment.toLowerCase() === "%2e" || segment.toLowerCase() === "%2e%2e"),
        );
        expect(await seenPath(`/registry/actors/raw/http/${path}`)).toBe(`/${path}`);
        expect(await seenPath(`/registry/actors/inspector/raw/http/${path}`)).toBe(`/${path}`);
      }),
      { numRuns: 60 },
    );
    expect(await seenPath("/registry/actors/raw/http")).toBe("/");
    expect(await seenPath("/registry/actors/in%73pector/raw/http/x")).toBe("/x");
  });

  it("any path under /registry/actors/ answers with a code below 500", async () => {
    const segment = fc.oneof(
      fc.constantFrom("raw", "http", "websocket", "actions", "connect", "inspector", "", "%", "%ZZ", "%2F"),
      fc.string({ maxLength: 6 }).map(encodeURIComponent),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { maxLength: 6 }), fc.constantFrom("GET", "POST", "PUT"), async (segments, method) => {
        const response = await call(`/registry/actors/${segments.join("/")}`, { method, headers, body: method === "GET" ? undefined : "{}" });
        expect(response.status).toBeLessThan(500);
        await response.arrayBuffer();
      }),
      { numRuns: 150 },
    );
  });
});
