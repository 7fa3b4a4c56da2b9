import { describe, expect, it } from "vitest";
import { call, errorBody, queryHeaders, testClient, uniqueKey } from "./helpers";
import { endlessCancelled } from "./registry";

describe("raw HTTP to onFetch", () => {
  it("serves the docs page's direct-access sample (name form, X-RivetKit-Actor-Query, string key)", async () => {
    const response = await call("/registry/actors/myActor/raw/http/api/hello", {
      method: "GET",
      headers: {
        "X-RivetKit-Actor-Query": JSON.stringify({ getOrCreateForKey: { name: "myActor", key: "default" } }),
        "X-RivetKit-Encoding": "json",
        "X-RivetKit-Conn-Params": JSON.stringify({ apiKey: "your-api-key" }),
      },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: "Hello from actor!" });
  });

  it("echoes a POST body and headers through the docs page's /api/echo", async () => {
    const body = JSON.stringify({ message: "Hello from direct access!", timestamp: 1 });
    const response = await call("/registry/actors/myActor/raw/http/api/echo", {
      method: "POST",
      headers: {
        "X-RivetKit-Actor-Query": JSON.stringify({ getOrCreateForKey: { name: "myActor", key: "default" } }),
        "Content-Type": "application/json",
      },
      body,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.text()).toBe(body);
  });

  it("answers vary by the headers that name the actor and its params: all share one URL, and a cache must keep them apart", async () => {
    const named = ["x-rivetkit-query", "x-rivetkit-actor-query", "x-rivetkit-conn-params", "x-rivet-conn-params"];
    // A plain answer (mutable headers) and a redirect (immutable ones, which are copied).
    for (const [path, status] of [
      ["/cached", 200],
      ["/redirect", 302],
    ] as const) {
      const response = await call(`/registry/actors/raw/http${path}`, {
        headers: queryHeaders({ getOrCreateForKey: { name: "inspector", key: [uniqueKey()] } }),
        redirect: "manual",
      });
      expect(response.status).toBe(status);
      expect(response.headers.get("vary")?.split(/,\s*/)).toEqual(expect.arrayContaining(named));
      await response.body?.cancel();
    }
    const cached = await call("/registry/actors/raw/http/cached", { headers: queryHeaders({ getOrCreateForKey: { name: "inspector", key: [uniqueKey()] } }) });
    expect(cached.headers.get("cache-control")).toBe("private, max-age=60");
    await cached.body?.cancel();
  });

  it("serves RivetKit's path form with X-RivetKit-Query", async () => {
    const response = await call("/registry/actors/raw/http/api/hello", {
      headers: queryHeaders({ getOrCreateForKey: { name: "myActor", key: ["default"] } }),
    });
    expect(await response.json()).toEqual({ message: "Hello from actor!" });
  });

  it("hands onFetch the method, path, query string, headers and binary body as sent", async () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    const response = await call("/registry/actors/raw/http/some/deep/path%20x/?a=1&b=two", {
      method: "PUT",
      headers: queryHeaders({ getOrCreateForKey: { name: "inspector", key: uniqueKey() } }, { "X-Custom": "yes" }),
      body: bytes,
    });
    const seen = (await response.json()) as Record<string, unknown> & { headers: Record<string, string> };
    expect(seen.method).toBe("PUT");
    expect(seen.pathname).toBe("/some/deep/path%20x/");
    expect(seen.search).toBe("?a=1&b=two");
    expect(seen.headers["x-custom"]).toBe("yes");
    expect(seen.bodyBytes).toEqual([...bytes]);
  });

  it.each(["GET", "POST", "PUT", "DELETE", "PATCH"])("passes %s through", async (method) => {
    const response = await call("/registry/actors/raw/http/m", {
      method,
      headers: queryHeaders({ getOrCreateForKey: { name: "inspector", key: "methods" } }),
    });
    expect(((await response.json()) as { method: string }).method).toBe(method);
  });

  it("answers a plain OPTIONS (not a preflight) itself with an empty 204, without onAuth or the actor, as RivetKit 2.0 does", async () => {
    const key = uniqueKey();
    const headers = queryHeaders({ getOrCreateForKey: { name: "inspector", key } }, { "X-RivetKit-Conn-Params": JSON.stringify({ token: "deny" }) });
    for (const path of ["/registry/actors/raw/http/m", "/registry/actors/inspector/raw/http/m", "/registry/actors/raw/http"]) {
      const response = await call(path, { method: "OPTIONS", headers });
      expect(response.status).toBe(204);
      expect(await response.text()).toBe("");
    }
    // Not even a query is read.
    expect((await call("/registry/actors/raw/http/m", { method: "OPTIONS" })).status).toBe(204);
    // onAuth (which refuses this token) did not run, and no actor was created.
    const after = await call("/registry/actors/raw/http/read", { headers: queryHeaders({ getForKey: { name: "inspector", key } }) });
    expect(after.status).toBe(404);
    expect((await errorBody(after)).c).toBe("actor_not_found");
  });

  it("answers HEAD to a stream that never ends at once, without its body, and cancels the stream (through both raw forms)", async () => {
    for (const path of ["/registry/actors/raw/http/endless", "/registry/actors/inspector/raw/http/endless"]) {
      const key = uniqueKey("endless");
      const response = await call(path, { method: "HEAD", headers: queryHeaders({ getOrCreateForKey: { name: "inspector", key } }) });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/plain");
      expect(await response.text()).toBe("");
      expect(endlessCancelled.has(key)).toBe(true);
    }
  });

  it("answers HEAD without a body", async () => {
    const response = await call("/registry/actors/raw/http/m", {
      method: "HEAD",
      headers: queryHeaders({ getOrCreateForKey: { name: "inspector", key: "methods" } }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });

  it("maps an empty path, with or without trailing slash, to /", async () => {
    for (const path of ["/registry/actors/raw/http", "/registry/actors/raw/http/", "/registry/actors/inspector/raw/http"]) {
      const response = await call(path, { headers: queryHeaders({ getOrCreateForKey: { name: "inspector", key: "root" } }) });
      expect(((await response.json()) as { pathname: string }).pathname).toBe("/");
    }
  });

  it("streams a Server-Sent Events body as it is written", async () => {
    const response = await call("/registry/actors/raw/http/sse", {
      headers: queryHeaders({ getOrCreateForKey: { name: "inspector", key: "sse" } }),
    });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("data: 0\n\n");
    let rest = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toBe("data: 1\n\ndata: 2\n\n");
  });

  it("collapses the double slash a trailing-slash endpoint produces", async () => {
    const response = await call("//registry/actors/raw/http/api/hello", {
      headers: queryHeaders({ getOrCreateForKey: { name: "myActor", key: "default" } }),
    });
    expect(await response.json()).toEqual({ message: "Hello from actor!" });
  });

  it("answers /registry with a plain-text banner", async () => {
    const response = await call("/registry");
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("counter");
  });
});

describe("state", () => {
  it("persists changes made in onFetch and counts on", async () => {
    const handle = testClient().counter.getOrCreate(uniqueKey());
    for (let i = 1; i <= 3; i++) {
      const response = await handle.fetch("/increment", { method: "POST" });
      expect(await response.json()).toMatchObject({ count: i });
    }
    expect(await (await handle.fetch("/")).json()).toMatchObject({ count: 3 });
  });

  it("a thrown onFetch still keeps state changes made before the throw out of nothing: only what is stored counts", async () => {
    const handle = testClient().inspector.getOrCreate(uniqueKey());
    await handle.fetch("/x");
    const response = await handle.fetch("/bad-state");
    expect(response.status).toBe(500);
    expect(await errorBody(response)).toMatchObject({ c: "state_not_serializable" });
    // The unstorable change is dropped: memory again equals storage.
    expect(await (await handle.fetch("/read")).json()).toEqual({ hits: 1 });
  });
});
