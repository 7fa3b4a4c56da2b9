import { env } from "cloudflare:workers";
import { listDurableObjectIds } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { keyToName } from "../../src/worker/locate";
import { call, errorBody, queryHeaders, testClient, uniqueKey } from "./helpers";
import { SocketReader, subprotocols, upgrade } from "./ws-helpers";

const inspect = (query: unknown, extra: Record<string, string> = {}, path = "/registry/actors/raw/http/x") =>
  call(path, { headers: queryHeaders(query, extra) });

describe("onAuth", () => {
  it("runs with the request's intents and its value reaches onFetch as auth", async () => {
    const response = await inspect(
      { getOrCreateForKey: { name: "inspector", key: uniqueKey() } },
      { "X-RivetKit-Conn-Params": JSON.stringify({ token: "alice" }) },
    );
    const seen = (await response.json()) as { auth: { user: string; intents: string[]; path: string } };
    expect(seen.auth).toMatchObject({ user: "alice", intents: ["action", "create", "get"], path: "/registry/actors/raw/http/x" });
  });

  it("is told which actor is asked for: name and key (normalised), or name and id", async () => {
    const key = uniqueKey();
    const byKey = await (await inspect({ getOrCreateForKey: { name: "inspector", key } })).json<{ auth: unknown; actorId: string }>();
    expect(byKey.auth).toMatchObject({ actor: { name: "inspector", key: [key] }, query: { getOrCreateForKey: { name: "inspector", key: [key] } } });
    const byId = await (await inspect({ getForId: { actorId: byKey.actorId } })).json<{ auth: unknown }>();
    expect(byId.auth).toMatchObject({ actor: { name: "inspector", id: byKey.actorId }, query: { getForId: { actorId: byKey.actorId } } });
    // The runtime takes an id in upper case too: onAuth sees it as `resolve` answers it, so a check of a stored id holds.
    const upper = await (await inspect({ getForId: { actorId: byKey.actorId.toUpperCase() } })).json<{ auth: unknown; actorId: string }>();
    expect(upper.actorId).toBe(byKey.actorId);
    expect(upper.auth).toMatchObject({ actor: { name: "inspector", id: byKey.actorId }, query: { getForId: { actorId: byKey.actorId } } });
  });

  it("a request whose query sources disagree is refused before onAuth (400 invalid_request)", async () => {
    const asked = { getOrCreateForKey: { name: "inspector", key: [uniqueKey()] } };
    const other = { getOrCreateForKey: { name: "inspector", key: [uniqueKey()] } };
    const response = await inspect(asked, { "X-RivetKit-Actor-Query": JSON.stringify(other) });
    expect(response.status).toBe(400);
    expect(await errorBody(response)).toMatchObject({ c: "invalid_request", m: expect.stringContaining("differ") });
    // The same query in both places is fine, however it is spelled.
    const same = await inspect(asked, {
      "X-RivetKit-Actor-Query": JSON.stringify({ getOrCreateForKey: { key: asked.getOrCreateForKey.key[0], name: "inspector" } }),
    });
    expect(same.status).toBe(200);
  });

  it("a WebSocket whose query. subprotocol and query header disagree is closed with 1011 invalid_request", async () => {
    const protocols = subprotocols({ getOrCreateForKey: { name: "socket", key: [uniqueKey()] } });
    const { socket } = await upgrade("/registry/actors/raw/websocket/", {
      "Sec-WebSocket-Protocol": protocols,
      "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name: "socket", key: [uniqueKey()] } }),
    });
    expect(await new SocketReader(socket).closed).toMatchObject({ code: 1011, reason: "invalid_request" });
  });

  it("a per-key rule in onBeforeConnect holds for requests by id, which onAuth sees without a key: it gets onAuth's value as auth", async () => {
    // chatRoom admits to a room keyed ["private", user] only that user (onBeforeConnect).
    const key = ["private", "alice", uniqueKey()];
    const alice = testClient().chatRoom.getOrCreate(key, { params: { name: "alice" } });
    expect(await alice.stats()).toMatchObject({ connects: 1 });
    const id = await alice.resolve();
    const bobById = testClient().chatRoom.getForId(id, { params: { name: "bob" } });
    await expect(bobById.history()).rejects.toMatchObject({ code: "forbidden" });
    const bobConn = bobById.connect();
    await expect(bobConn.history()).rejects.toMatchObject({ code: "forbidden" });
    await bobConn.dispose();
    await expect(
      testClient()
        .chatRoom.getOrCreate(key, { params: { name: "bob" } })
        .history(),
    ).rejects.toMatchObject({ code: "forbidden" });
    expect(
      await testClient()
        .chatRoom.getForId(id, { params: { name: "alice" } })
        .history(),
    ).toEqual([]);
    // Refused before a connection existed: only alice's two calls connected.
    expect(await alice.stats()).toMatchObject({ connects: 3 });
  });

  it("gets only the query's intents plus action for getForKey", async () => {
    const key = uniqueKey();
    await inspect({ getOrCreateForKey: { name: "inspector", key } });
    const response = await inspect({ getForKey: { name: "inspector", key } });
    expect(((await response.json()) as { auth: { intents: string[] } }).auth.intents).toEqual(["action", "get"]);
  });

  it("passes missing conn params as null", async () => {
    const response = await inspect({ getOrCreateForKey: { name: "inspector", key: uniqueKey() } });
    expect(((await response.json()) as { auth: { user: string } }).auth.user).toBe("anonymous");
  });

  it("a refusal answers 403 with the error's metadata and creates no actor", async () => {
    const before = (await listDurableObjectIds(env.INSPECTOR)).length;
    const response = await inspect(
      { getOrCreateForKey: { name: "inspector", key: uniqueKey() } },
      { "X-RivetKit-Conn-Params": JSON.stringify({ token: "deny" }) },
    );
    expect(response.status).toBe(403);
    expect(await errorBody(response)).toEqual({ c: "forbidden", m: "Token refused.", md: { reason: "deny" } });
    expect((await listDurableObjectIds(env.INSPECTOR)).length).toBe(before);
  });

  it("a UserError from onAuth keeps its code", async () => {
    const response = await inspect(
      { getOrCreateForKey: { name: "inspector", key: uniqueKey() } },
      { "X-RivetKit-Conn-Params": JSON.stringify({ token: "unauthorized" }) },
    );
    expect(response.status).toBe(400);
    expect(await errorBody(response)).toMatchObject({ c: "custom_auth", m: "nope" });
  });

  it.each([
    ["an HTTP action", "/registry/actors/actions/anything", "POST"],
    ["raw HTTP", "/registry/actors/raw/http/x", "GET"],
  ])("%s: RivetKit's own UserError from onAuth keeps its code and metadata (code ported from RivetKit)", async (_route, path, method) => {
    const headers = queryHeaders(
      { getOrCreateForKey: { name: "inspector", key: uniqueKey() } },
      { "X-RivetKit-Conn-Params": JSON.stringify({ token: "rivetkit" }) },
    );
    const response = await call(path, { method, headers });
    expect(response.status).toBe(400);
    expect(await errorBody(response)).toEqual({ c: "rivetkit_refusal", m: "Not with that token.", md: { ported: true } });
  });

  describe("any other throw leaks nothing, and is answered per route as RivetKit 2.0 answers it", () => {
    const query = () => ({ getOrCreateForKey: { name: "inspector", key: uniqueKey() } });
    const boom = { token: "boom" };
    const leaksNothing = (text: string) => {
      expect(text).not.toContain("secret");
      // Neither the error's text ("Error: ...") nor a stack frame.
      expect(text).not.toContain("Error:");
      expect(text).not.toMatch(/at \S+ \(|\.[jt]s:\d+/);
    };

    it.each([
      ["raw HTTP", "/registry/actors/raw/http/x", "GET"],
      ["raw HTTP, name form", "/registry/actors/inspector/raw/http/x", "GET"],
      ["an HTTP action", "/registry/actors/actions/anything", "POST"],
    ])("%s: 400 proxy_error, which says to throw a public error instead", async (_route, path, method) => {
      const response = await call(path, { method, headers: queryHeaders(query(), { "X-RivetKit-Conn-Params": JSON.stringify(boom) }) });
      expect(response.status).toBe(400);
      const text = await response.text();
      const body = JSON.parse(text) as { c: string; m: string; md?: unknown };
      expect(body.c).toBe("proxy_error");
      expect(body.m).toContain("onAuth");
      expect(body.m).toContain("UserError");
      expect(body.md).toBeUndefined();
      leaksNothing(text);
    });

    it("resolve: a masked 500 internal_error", async () => {
      const response = await call("/registry/actors/resolve", {
        method: "POST",
        headers: queryHeaders(query(), { "X-RivetKit-Conn-Params": JSON.stringify(boom) }),
      });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ c: "internal_error", m: "Internal error. Read the server logs for more details.", md: {} });
      leaksNothing(text);
    });

    it("a WebSocket connection: an internal_error message, then close 1011 internal_error", async () => {
      const { socket } = await upgrade("/registry/actors/connect/websocket", { "Sec-WebSocket-Protocol": subprotocols(query(), [], boom) });
      const reader = new SocketReader(socket);
      const text = await reader.nextText();
      expect(JSON.parse(text)).toMatchObject({ b: { e: { c: "internal_error" } } });
      leaksNothing(text);
      expect(await reader.closed).toMatchObject({ code: 1011, reason: "internal_error" });
    });

    it("an SSE connection: one internal_error event", async () => {
      const response = await call("/registry/actors/connect/sse", { headers: queryHeaders(query(), { "X-RivetKit-Conn-Params": JSON.stringify(boom) }) });
      const text = await response.text();
      expect(JSON.parse(text.replace(/^data: /, ""))).toMatchObject({ b: { e: { c: "internal_error" } } });
      leaksNothing(text);
    });

    it("a raw WebSocket: close 1011 internal_error", async () => {
      const { socket } = await upgrade("/registry/actors/raw/websocket/", { "Sec-WebSocket-Protocol": subprotocols(query(), [], boom) });
      expect(await new SocketReader(socket).closed).toMatchObject({ code: 1011, reason: "internal_error" });
    });
  });

  it("an actor without onAuth is closed to public clients with 403 forbidden, naming the fix", async () => {
    const response = await inspect({ getOrCreateForKey: { name: "privateActor", key: uniqueKey() } });
    expect(response.status).toBe(403);
    const body = await errorBody(response);
    expect(body.c).toBe("forbidden");
    expect(body.m).toContain("onAuth");
  });

  it("the server-side client skips onAuth", async () => {
    const response = await call(`/server/privateActor/${uniqueKey()}/anything`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ n: 1 });
  });

  it("client-sent internal headers never reach the actor: auth cannot be spoofed", async () => {
    const forgedContext = { route: "raw-http", target: { kind: "get" }, encoding: "json", auth: { user: "admin" } };
    const spoof = {
      "X-RivetKit-Auth-Data": encodeURIComponent(JSON.stringify({ user: "admin" })),
      "X-RivetKit-Expose-Internal-Error": "true",
      "X-Actorflare-Context": encodeURIComponent(JSON.stringify(forgedContext)),
    };
    const response = await inspect({ getOrCreateForKey: { name: "inspector", key: uniqueKey() } }, spoof);
    const seen = (await response.json()) as { auth: { user: string }; headers: Record<string, string> };
    expect(seen.auth.user).toBe("anonymous");
    const names = Object.keys(seen.headers);
    expect(names.filter((n) => n === "x-actorflare-context" || n === "x-rivetkit-auth-data" || n === "x-rivetkit-expose-internal-error")).toEqual([]);
  });

  it("a forged X-RivetKit-Expose-Internal-Error does not unmask an exception in actor code", async () => {
    const response = await call("/registry/actors/actions/crash", {
      method: "POST",
      headers: {
        "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name: "chatRoom", key: [uniqueKey()] } }),
        "X-RivetKit-Encoding": "json",
        "X-RivetKit-Expose-Internal-Error": "true",
      },
      body: JSON.stringify({ a: [] }),
    });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ c: "internal_error", m: "Internal error. Read the server logs for more details.", md: {} });
    expect(text).not.toContain("secret crash detail");
  });

  it("the masked exception is logged under the actor's name and its id, as c.log writes", async () => {
    const key = uniqueKey();
    const logged = vi.spyOn(console, "error");
    const response = await call("/registry/actors/actions/crash", {
      method: "POST",
      headers: { ...queryHeaders({ getOrCreateForKey: { name: "chatRoom", key: [key] } }), "content-type": "application/json" },
      body: JSON.stringify({ a: [] }),
    });
    expect(response.status).toBe(500);
    const id = env.CHAT_ROOM.idFromName(keyToName([key])).toString();
    const lines = logged.mock.calls.filter((args) => args.some((arg) => arg instanceof Error && arg.message === "secret crash detail"));
    logged.mockRestore();
    expect(lines.map((args) => args[0])).toEqual([`[actor chatRoom ${id}]`]);
  });

  it("an onStart that throws is logged once per request that met it, with what it threw", async () => {
    const logged = vi.spyOn(console, "error");
    const response = await call("/registry/actors/actions/starts", {
      method: "POST",
      headers: { ...queryHeaders({ getOrCreateForKey: { name: "fragile", key: [uniqueKey()] } }), "content-type": "application/json" },
      body: JSON.stringify({ a: [] }),
    });
    expect(response.status).toBe(500);
    expect((await errorBody(response)).c).toBe("actor_start_failed");
    const mentions = (arg: unknown): boolean => arg instanceof Error && (arg.message === "secret start failure" || mentions(arg.cause));
    const lines = logged.mock.calls.filter((args) => args.some(mentions));
    logged.mockRestore();
    expect(lines).toHaveLength(1);
  });

  it("spoofed auth on an actor without onAuth is still refused", async () => {
    const response = await inspect(
      { getOrCreateForKey: { name: "privateActor", key: uniqueKey() } },
      { "X-RivetKit-Auth-Data": encodeURIComponent(JSON.stringify({ admin: true })) },
    );
    expect(response.status).toBe(403);
  });
});
