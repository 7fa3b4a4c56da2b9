import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { counter } from "../../examples/demo/actors/counter";
import { ACTIVITY_CAPACITY, ActivityLog } from "../../src/actor/activity";
import type { InspectorSnapshot } from "../../src/protocol/inspector";
import { ActorflareError, setup } from "../../src/index";
import { byKey, call, counterAt, errorBody, inspector, INSPECTOR_API as API, INSPECTOR_BEARER as BEARER, queryHeaders, snapshotOf, uniqueKey } from "./helpers";
import { INSPECTOR_TOKEN } from "./registry";
import { openConnection, SocketReader, upgrade } from "./ws-helpers";

describe("the inspector's lock", () => {
  it("is off unless setup is given a token: every inspector path is 404 route_not_found, as any unknown route", async () => {
    const off = setup({ use: { counter } });
    for (const [method, path] of [
      ["GET", "/registry/inspector"],
      ["POST", "/registry/inspector/session"],
      ["GET", `${API}/actor?${byKey("counter", "a")}`],
      ["PUT", `${API}/actor/state?${byKey("counter", "a")}`],
    ]) {
      const response = await off.handler.fetch(new Request(`http://x${path}`, { method, headers: BEARER }), env as unknown as Record<string, unknown>);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await errorBody(response)).toMatchObject({ c: "route_not_found" });
    }
  });

  it("refuses a missing, empty or short token at setup with invalid_inspector_token", () => {
    for (const token of [undefined, "", "   ", "short-token"]) {
      let thrown: unknown;
      try {
        setup({ use: { counter }, inspector: { token } as { token: string } });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ActorflareError);
      expect((thrown as ActorflareError).code).toBe("invalid_inspector_token");
    }
  });

  it("answers 401 unauthorized without the token, or with a wrong one, and says nothing about actors", async () => {
    const key = uniqueKey();
    await counterAt(key, 3);
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Bearer wrong-token-wrong-token" },
      { authorization: `Bearer ${INSPECTOR_TOKEN}x` },
      { authorization: INSPECTOR_TOKEN },
      { cookie: `actorflare_inspector=${INSPECTOR_TOKEN}` },
    ];
    for (const headers of attempts) {
      for (const [method, path] of [
        ["GET", `${API}/actors`],
        ["GET", `${API}/list?name=counter`],
        ["GET", `${API}/actor?${byKey("counter", key)}`],
        ["POST", `${API}/actor/action?${byKey("counter", key)}`],
        ["PUT", `${API}/actor/state?${byKey("counter", key)}`],
        ["DELETE", `${API}/actor/connections/x?${byKey("counter", key)}`],
        ["DELETE", `${API}/actor/schedule/x?${byKey("counter", key)}`],
      ]) {
        const response = await call(path, { method, headers, body: method === "GET" || method === "DELETE" ? undefined : '{"state":{"count":99}}' });
        expect(response.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
        const text = await response.text();
        expect(JSON.parse(text)).toMatchObject({ c: "unauthorized" });
        expect(text).not.toContain("counter");
        expect(text).not.toContain(key);
      }
    }
    expect((await snapshotOf("counter", key)).state).toEqual({ count: 3 });
  });

  it("serves the page: 401 with only its sign-in form without the token, 200 with it, under a CSP that allows its own script only", async () => {
    const refused = await call("/registry/inspector");
    expect(refused.status).toBe(401);
    expect(refused.headers.get("content-security-policy")).toMatch(/default-src 'none'; script-src 'sha256-/);
    const page = await refused.text();
    expect(page).toContain('id="sign-in"');
    const allowed = await call("/registry/inspector", { headers: BEARER });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toBe(page);
  });

  it("signs a page in with a cookie (HttpOnly, SameSite=Strict, scoped to the inspector) that opens the API; a wrong token sets none", async () => {
    const session = (body: string) => call("/registry/inspector/session", { method: "POST", headers: { "content-type": "application/json" }, body });
    const wrong = await session(JSON.stringify({ token: "not-the-token-at-all" }));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();

    const signedIn = await session(JSON.stringify({ token: INSPECTOR_TOKEN }));
    expect(signedIn.status).toBe(204);
    const cookie = signedIn.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^actorflare_inspector=\d+\.[0-9a-f]{32}\.[0-9a-f]{64}; Path=\/registry\/inspector; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(cookie).not.toContain(INSPECTOR_TOKEN);
    const names = await call(`${API}/actors`, { headers: { cookie: `other=1; ${cookie.split(";")[0]!}` } });
    expect(names.status).toBe(200);
    expect(((await names.json()) as { value: string[] }).value).toContain("counter");
  });

  it("never runs onAuth: it reads an actor that public clients may not reach at all", async () => {
    const key = uniqueKey();
    // privateActor has no onAuth: the public routes refuse it, the server-side client made it.
    expect((await call(`/server/privateActor/${key}/x`)).status).toBe(200);
    const refused = await call("/registry/actors/resolve", { method: "POST", headers: queryHeaders({ getForKey: { name: "privateActor", key: [key] } }) });
    expect(refused.status).toBe(403);
    expect((await snapshotOf("privateActor", key)).state).toEqual({ n: 1 });
  });
});

describe("the inspector's API", () => {
  it("shows an actor's state, connections, recent actions and events and storage size; it never creates one", async () => {
    const key = uniqueKey();
    const missing = await inspector("GET", `${API}/actor?${byKey("counter", key)}`);
    expect(missing.status).toBe(404);
    expect(await errorBody(missing)).toMatchObject({ c: "actor_not_found" });

    const conn = await openConnection("counter", key, { who: "ann" });
    conn.subscribe("newCount");
    await conn.until(1, "increment", 1);
    const snapshot = await snapshotOf("counter", key);
    expect(snapshot.actor).toMatchObject({ name: "counter", key: [key] });
    expect(snapshot.state).toEqual({ count: 1 });
    expect(snapshot.actions).toEqual(["increment", "getCount", "incrementLater"]);
    expect(snapshot.connections).toEqual([
      { id: conn.init.b.i!.ci, params: { who: "ann" }, subscriptions: ["newCount"], transport: "websocket", since: expect.any(Number) },
    ]);
    // Newest first, as they finished: the action's event went out before the action ended.
    expect(snapshot.activity[0]).toMatchObject({ kind: "action", name: "increment", outcome: "ok", durationMs: expect.any(Number) });
    expect(snapshot.activity[1]).toMatchObject({ kind: "event", name: "newCount", outcome: "ok" });
    expect(snapshot.storageBytes).toBeGreaterThan(0);

    const byId = await inspector(
      "GET",
      `${API}/actor?query=${encodeURIComponent(JSON.stringify({ getForId: { name: "counter", actorId: snapshot.actor.id } }))}`,
    );
    expect(((await byId.json()) as { value: InspectorSnapshot }).value.state).toEqual({ count: 1 });
    conn.socket.close();
  });

  it("calls an action with JSON arguments and answers its output; a throwing action answers its code and changes nothing", async () => {
    const key = uniqueKey();
    await counterAt(key, 2);
    const called = await inspector("POST", `${API}/actor/action?${byKey("counter", key)}`, { body: { name: "increment", args: [5] } });
    expect(await called.json()).toEqual({ value: 7 });

    const threw = await inspector("POST", `${API}/actor/action?${byKey("counter", key)}`, { body: { name: "increment", args: ["lots"] } });
    expect(threw.status).toBe(400);
    expect(await errorBody(threw)).toMatchObject({ c: "invalid_argument" });
    const unknown = await inspector("POST", `${API}/actor/action?${byKey("counter", key)}`, { body: { name: "nope", args: [] } });
    expect(await errorBody(unknown)).toMatchObject({ c: "action_not_found" });

    const snapshot = await snapshotOf("counter", key);
    expect(snapshot.state).toEqual({ count: 7 });
    expect(snapshot.activity.filter((entry) => entry.kind === "action").map(({ name, outcome, code }) => ({ name, outcome, code }))).toEqual([
      { name: "increment", outcome: "error", code: "invalid_argument" },
      { name: "increment", outcome: "ok", code: undefined },
      { name: "increment", outcome: "ok", code: undefined },
    ]);
  });

  it("replaces the whole state, stored; bad bodies are refused with invalid_request and change nothing", async () => {
    const key = uniqueKey();
    await counterAt(key, 1);
    const path = `${API}/actor/state?${byKey("counter", key)}`;
    for (const body of ["{", "[1]", '"state"', "{}", '{"count": 5}']) {
      const refused = await inspector("PUT", path, { body });
      expect(refused.status, body).toBe(400);
      expect(await errorBody(refused)).toMatchObject({ c: "invalid_request", m: expect.stringContaining("Nothing was changed") });
    }
    for (const body of ['{"name": 1, "args": []}', '{"name": "increment", "args": "[1]"}', '{"name": "increment"']) {
      const refused = await inspector("POST", `${API}/actor/action?${byKey("counter", key)}`, { body });
      expect(await errorBody(refused)).toMatchObject({ c: "invalid_request" });
    }
    expect((await snapshotOf("counter", key)).state).toEqual({ count: 1 });

    const logged = vi.spyOn(console, "info");
    const replaced = await inspector("PUT", path, { body: { state: { count: 41 } } });
    expect(await replaced.json()).toEqual({ value: null });
    expect(logged.mock.calls.map((args) => args.join(" "))).toContainEqual(expect.stringMatching(/^\[actor counter \w+\] from inspector: state replaced$/));
    logged.mockRestore();
    const after = await call("/registry/actors/actions/getCount", {
      method: "POST",
      headers: { ...queryHeaders({ getForKey: { name: "counter", key: [key] } }), "content-type": "application/json" },
      body: JSON.stringify({ a: [] }),
    });
    expect(await after.json()).toEqual({ o: 41 });
  });

  it("refuses to replace an object state with anything but a plain object (400 invalid_request); the actor keeps working", async () => {
    const key = uniqueKey();
    await counterAt(key, 3);
    const path = `${API}/actor/state?${byKey("counter", key)}`;
    for (const [state, kind] of [
      ["str", "a string"],
      [null, "null"],
      [5, "a number"],
      [[1, 2], "an array"],
      [{ $map: [["count", 1]] }, "a Map"],
    ] as const) {
      const refused = await inspector("PUT", path, { body: { state } });
      expect(refused.status, JSON.stringify(state)).toBe(400);
      expect(await errorBody(refused)).toMatchObject({ c: "invalid_request", m: expect.stringContaining(`the new state is ${kind}`) });
    }
    expect((await snapshotOf("counter", key)).state).toEqual({ count: 3 });
    await counterAt(key, 1);
    // A malformed mark is no mark: it is kept as the plain object it is (docs/protocol.md §13).
    expect((await inspector("PUT", path, { body: { state: { count: 4, tag: { $bigint: "1.5" } } } })).status).toBe(200);
    // The snapshot shows that plain object inside an `$object` mark, so a copy saved back stays a plain object.
    expect((await snapshotOf("counter", key)).state).toEqual({ count: 4, tag: { $object: { $bigint: "1.5" } } });
  });

  it("a state edited from a snapshot keeps its types: a Map of Dates stays one, with the edited Date", async () => {
    const key = uniqueKey();
    const layoutAction = async (name: string) => {
      const response = await call(`/registry/actors/actions/${name}`, {
        method: "POST",
        headers: { ...queryHeaders({ getOrCreateForKey: { name: "layout", key: [key] } }), "content-type": "application/json" },
        body: JSON.stringify({ a: [] }),
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { o: unknown }).o;
    };
    await layoutAction("fill");
    await layoutAction("trim");
    // As the page's "Copy current state" gives it, edited.
    const state = (await snapshotOf("layout", key)).state as { count: number; nested: { tags: { $map: [string, string][] } } };
    expect(state.nested.tags).toEqual({ $map: [["made", new Date(1_700_000_000_000).toISOString()]] });
    state.count = 8;
    state.nested.tags.$map[0]![1] = "2024-01-02T03:04:05.000Z";
    const replaced = await inspector("PUT", `${API}/actor/state?${byKey("layout", key)}`, { body: { state } });
    expect(replaced.status).toBe(200);
    // `read` calls toISOString on each value of the Map: it answers only if they are Dates again.
    expect(await layoutAction("read")).toMatchObject({ count: 8, list: [1, 2, 3], tags: [["made", "2024-01-02T03:04:05.000Z"]], bigLength: 14 });
  });

  it("lists the actors of a name from the actor index, a page at a time", async () => {
    const keys = [uniqueKey(), uniqueKey()];
    for (const key of keys) await counterAt(key, 1);
    const found: string[][] = [];
    let cursor: string | undefined;
    do {
      const response = await inspector("GET", `${API}/list?name=counter&limit=5${cursor ? `&cursor=${cursor}` : ""}`);
      const { value } = (await response.json()) as { value: { actors: { key: string[]; name: string }[]; cursor?: string } };
      found.push(...value.actors.map((actor) => actor.key));
      cursor = value.cursor;
    } while (cursor);
    expect(found).toEqual(expect.arrayContaining(keys.map((key) => [key])));
    expect(await errorBody(await inspector("GET", `${API}/list`))).toMatchObject({ c: "invalid_request" });
    expect(await errorBody(await inspector("GET", `${API}/list?name=nope`))).toMatchObject({ c: "actor_not_found" });
    expect((await call(`${API}/list?name=counter`)).status).toBe(401);
  });

  it("refuses a query that would create an actor, and a malformed one", async () => {
    const creates = encodeURIComponent(JSON.stringify({ getOrCreateForKey: { name: "counter", key: [uniqueKey()] } }));
    expect(await errorBody(await inspector("GET", `${API}/actor?query=${creates}`))).toMatchObject({ c: "invalid_request" });
    expect(await errorBody(await inspector("GET", `${API}/actor?query=%7B`))).toMatchObject({ c: "invalid_query_json" });
    expect(await errorBody(await inspector("GET", `${API}/actor`))).toMatchObject({ c: "invalid_request" });
  });

  it("disconnects a connection: the client's socket closes; an unknown id is conn_not_found", async () => {
    const key = uniqueKey();
    const conn = await openConnection("counter", key);
    await conn.until(1, "increment", 1);
    const id = conn.init.b.i!.ci;
    const unknown = await inspector("DELETE", `${API}/actor/connections/nope?${byKey("counter", key)}`);
    expect(await errorBody(unknown)).toMatchObject({ c: "conn_not_found" });
    const done = await inspector("DELETE", `${API}/actor/connections/${id}?${byKey("counter", key)}`);
    expect(done.status).toBe(200);
    const closed = await conn.closed;
    expect(closed).toMatchObject({ code: 1000, reason: "disconnected by the inspector" });
    // Answer the close frame, as browsers do (the test pool's sockets do not), so the actor sees the connection end.
    conn.socket.close(1000);
    await expect.poll(async () => (await snapshotOf("counter", key)).connections, { timeout: 10_000 }).toEqual([]);
  });

  it("lists scheduled jobs and cancels one; an unknown id is job_not_found", async () => {
    const key = uniqueKey();
    await counterAt(key, 1);
    const scheduled = await inspector("POST", `${API}/actor/action?${byKey("counter", key)}`, { body: { name: "incrementLater", args: [3_600_000, 2] } });
    const { value: jobId } = (await scheduled.json()) as { value: string };
    const [job] = (await snapshotOf("counter", key)).schedule;
    expect(job).toMatchObject({ id: jobId, action: "increment", args: [2], tries: 0, at: expect.any(Number) });
    const unknown = await inspector("DELETE", `${API}/actor/schedule/nope?${byKey("counter", key)}`);
    expect(unknown.status).toBe(404);
    expect(await errorBody(unknown)).toMatchObject({ c: "job_not_found" });
    const cancelled = await inspector("DELETE", `${API}/actor/schedule/${jobId}?${byKey("counter", key)}`);
    expect(cancelled.status).toBe(200);
    expect((await snapshotOf("counter", key)).schedule).toEqual([]);
  });

  it("shows a repeating job with its cron expression", async () => {
    const key = uniqueKey();
    const every = await call("/registry/actors/actions/every", {
      method: "POST",
      headers: { ...queryHeaders({ getOrCreateForKey: { name: "scheduled", key: [key] } }), "content-type": "application/json" },
      body: JSON.stringify({ a: ["0 0 1 1 *", "yearly"] }),
    });
    const { o: jobId } = (await every.json()) as { o: string };
    expect((await snapshotOf("scheduled", key)).schedule).toEqual([
      { id: jobId, action: "tick", args: ["yearly"], at: expect.any(Number), cron: "0 0 1 1 *", tries: 0 },
    ]);
  });
});

describe("the inspector's live view", () => {
  const liveUrl = (name: string, key: string) => `${API}/actor/live?${byKey(name, key)}`;

  it("needs the token like every inspector route", async () => {
    const response = await call(liveUrl("counter", uniqueKey()), { headers: { Upgrade: "websocket" } });
    expect(response.status).toBe(401);
    expect(response.webSocket).toBeNull();
  });

  it("sends a snapshot when it opens and after each change; it is not one of the actor's connections", async () => {
    const key = uniqueKey();
    await counterAt(key, 1);
    const { socket } = await upgrade(liveUrl("counter", key), BEARER);
    const reader = new SocketReader(socket);
    const next = async () => JSON.parse((await reader.nextText()) as string) as InspectorSnapshot;
    const first = await next();
    expect(first.state).toEqual({ count: 1 });
    expect(first.connections).toEqual([]);
    // Ignored, not answered with a close: the page sends nothing the object needs.
    socket.send("hello");
    await counterAt(key, 4);
    let latest = await next();
    while (JSON.stringify(latest.state) !== JSON.stringify({ count: 5 })) latest = await next();
    expect(latest.activity[0]).toMatchObject({ kind: "action", name: "increment", outcome: "ok" });
    await inspector("PUT", `${API}/actor/state?${byKey("counter", key)}`, { body: { state: { count: 0 } } });
    while (JSON.stringify(latest.state) !== JSON.stringify({ count: 0 })) latest = await next();
    expect(latest.connections).toEqual([]);
    socket.close(1000);
  });

  // As in hibernation.test.ts: the runtime evicts an object idle for ~10 s that nothing pins.
  it("does not keep an idle actor awake: it leaves memory with the socket open, which follows it when it wakes", async () => {
    const key = uniqueKey();
    const wakeId = async () => {
      const response = await call("/registry/actors/actions/wakeId", {
        method: "POST",
        headers: { ...queryHeaders({ getOrCreateForKey: { name: "chatRoom", key: [key] } }), "content-type": "application/json" },
        body: JSON.stringify({ a: [] }),
      });
      return ((await response.json()) as { o: string }).o;
    };
    const firstWake = await wakeId();
    const { socket } = await upgrade(liveUrl("chatRoom", key), BEARER);
    const reader = new SocketReader(socket);
    expect(JSON.parse(await reader.nextText())).toMatchObject({ activity: [{ name: "wakeId" }] });

    await new Promise((resolve) => setTimeout(resolve, 15_000));

    expect(await wakeId()).not.toBe(firstWake);
    // A new wake: the ring starts again, and the page still hears about it.
    let latest = JSON.parse(await reader.nextText()) as InspectorSnapshot;
    while (latest.activity.length === 0) latest = JSON.parse(await reader.nextText()) as InspectorSnapshot;
    expect(latest.activity.map((entry) => entry.name)).toEqual(["wakeId"]);
    socket.close(1000);
  }, 40_000);

  it("is closed with 1001 actor_destroyed when the actor is destroyed", async () => {
    const key = uniqueKey();
    await counterAt(key, 1);
    const { socket } = await upgrade(liveUrl("counter", key), BEARER);
    const reader = new SocketReader(socket);
    await reader.nextText();
    const destroyed = await call("/registry/actors/destroy", {
      method: "POST",
      headers: queryHeaders({ getForKey: { name: "counter", key: [key] } }),
    });
    expect(destroyed.status).toBe(200);
    expect(await reader.closedWithin(10_000)).toMatchObject({ code: 1001, reason: "actor_destroyed" });
  });

  it("is closed with 1011 and the code as the reason when the actor does not exist", async () => {
    const { socket } = await upgrade(liveUrl("counter", uniqueKey()), BEARER);
    const closed = await new SocketReader(socket).closedWithin(10_000);
    expect(closed).toMatchObject({ code: 1011, reason: "actor_not_found" });
  });
});

describe("the activity ring", () => {
  it("keeps the newest 100 entries, newest first", () => {
    let told = 0;
    const log = new ActivityLog(() => told++);
    for (let i = 0; i < ACTIVITY_CAPACITY + 30; i++) log.record({ kind: "event", name: `e${i}`, at: i, durationMs: 0, outcome: "ok" });
    expect(told).toBe(ACTIVITY_CAPACITY + 30);
    const names = log.recent().map((entry) => entry.name);
    expect(names).toHaveLength(ACTIVITY_CAPACITY);
    expect(names[0]).toBe(`e${ACTIVITY_CAPACITY + 29}`);
    expect(names.at(-1)).toBe("e30");
  });
});
