import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";

// RivetKit logs every error answer at `warn`; the assertions say what matters.
process.env.RIVET_LOG_LEVEL ??= "error";

import { ActorConnDisposed, ActorError, createClient, type Encoding } from "rivetkit/client";
import { main as readmeSample } from "../../examples/client/rivetkit-client";
import { createClient as createActorflareClient } from "../../src/client/index";
import type { registry as testRegistry } from "../workers/registry";
import { TEST_WORKER_DIR, useWranglerDev } from "./wrangler-dev";
import { sleep, waitFor } from "./wait";

// RivetKit's client as npm serves it today (rivetkit 2.3.19) against the test worker
// (test/workers) under a real `wrangler dev`, in each encoding it offers: the 2.3 wire of
// docs/protocol.md §12 (metadata, the actor API, the gateway), end to end.

let endpoint = "";
let origin = "";
useWranglerDev(
  (server) => {
    origin = server.url;
    endpoint = `${server.url}/registry`;
  },
  { cwd: TEST_WORKER_DIR },
);

const uniqueKey = (prefix: string) => `${prefix}-${randomUUID()}`;

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<ActorError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(ActorError);
  return outcome.error as ActorError;
}

/** The first value a callback registration delivers. */
function first<T>(register: (deliver: (value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve) => register(resolve));
}

const clients: Array<{ dispose(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});

/** RivetKit types a client by its own registry type, which actorflare's is not: untyped, every actor and action is `any`. */
function client(encoding: Encoding, namespace?: string) {
  const created = createClient({ endpoint, encoding, namespace });
  clients.push(created);
  return created;
}

describe.each(["bare", "cbor", "json"] as const)("rivetkit 2.3.19's client, %s", (encoding) => {
  it("getOrCreate, get and resolve: a string key is a one-part array key", async () => {
    const c = client(encoding);
    const key = uniqueKey("counter");
    expect(await c.counter.getOrCreate(key).increment(2)).toBe(2);
    expect(await c.counter.getOrCreate([key]).increment(3)).toBe(5);
    expect(await c.counter.get([key]).getCount()).toBe(5);
    const id = await c.counter.get(key).resolve();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(await c.counter.getOrCreate([key]).resolve()).toBe(id);
    // Parts are kept apart: ["a", "b"] is another actor than ["a,b"]'s one-part key.
    const parts = [uniqueKey("a"), "b"];
    expect(await c.counter.getOrCreate(parts).increment(1)).toBe(1);
    expect(await c.counter.getOrCreate(parts).getCount()).toBe(1);
  });

  it("create with input, then getForId; a key in use is actor.duplicate_key", async () => {
    const c = client(encoding);
    const key = [uniqueKey("life"), "x"];
    const handle = await c.lifecycle.create(key, { input: { start: 5, list: [1, "two"] } });
    const response = await handle.fetch("/");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ created: 1, started: 1, input: { start: 5, list: [1, "two"] } });
    const id = await handle.resolve();
    expect(await (await c.lifecycle.getForId(id).fetch("/")).json()).toMatchObject({ created: 1 });
    const duplicate = await rejection(c.lifecycle.create(key));
    expect([duplicate.group, duplicate.code]).toEqual(["actor", "duplicate_key"]);
  });

  it("values of every kind an action takes and gives", async () => {
    const echo = client(encoding).echo.getOrCreate(uniqueKey("echo"));
    const common = [12n, new Uint8Array([1, 2, 3]), ["$tagged-looking", 1], { nested: { list: [null, "s", 1.5] } }];
    expect(await echo.echo(...common)).toEqual(common);
    expect(await echo.nothing()).toBeUndefined();
    if (encoding !== "json") {
      // JSON carries neither (RivetKit's client turns them into {} before sending).
      const rich = [new Set([1, 2]), new Map([["k", 1]]), new Date(1_700_000_000_000)];
      expect(await echo.echo(...rich)).toEqual(rich);
    }
  });

  it("values an action makes: bigints and half floats as RivetKit's client reads them; a cycle is actorflare.value_not_serializable", async () => {
    const handle = client(encoding).echo.getOrCreate(uniqueKey("make"));
    const conn = handle.connect();
    for (const call of [handle, conn]) {
      expect(await call.make("bigint")).toBe(5n);
      // JSON carries a typed array as an object of its elements, as RivetKit's own server writes it;
      // cbor-x has no Float16Array, so CBOR carries its numbers in a Float32Array.
      expect(await call.make("bigints")).toEqual(encoding === "json" ? { 0: 1n, 1: -2n } : new BigInt64Array([1n, -2n]));
      expect(await call.make("halves")).toEqual(encoding === "json" ? { 0: 1.5, 1: 2 } : new Float32Array([1.5, 2]));
      const cycle = await rejection(call.make("cycle"));
      expect([cycle.group, cycle.code, cycle.message]).toEqual(["actorflare", "value_not_serializable", expect.stringContaining("has a cycle")]);
      // A forgotten await inside an answer: refused, except in JSON, which writes it as JSON.stringify does, over HTTP as on a connection.
      if (encoding === "json") expect(await call.make("promise")).toEqual({ count: {} });
      else {
        const promise = await rejection(call.make("promise"));
        expect([promise.group, promise.code, promise.message]).toEqual([
          "actorflare",
          "value_not_serializable",
          expect.stringContaining("a Promise (await it first)"),
        ]);
      }
      // The connection goes on.
      expect(await call.echo(1)).toEqual([1]);
    }
  });

  it("errors: UserError with code and metadata, unknown action, actor not found, auth refused", async () => {
    const c = client(encoding);
    const chat = c.chatRoom.getOrCreate(uniqueKey("errors"));
    const user = await rejection(chat.fail());
    expect([user.group, user.code, user.message, user.metadata]).toEqual(["user", "nope", "Nope.", { why: "asked" }]);
    const unknown = await rejection(chat.action({ name: "noSuchAction", args: [] }));
    expect([unknown.group, unknown.code]).toEqual(["actor", "action_not_found"]);
    const missing = await rejection(c.chatRoom.getForId("0".repeat(64)).whoami());
    expect([missing.group, missing.code]).toEqual(["actor", "not_found"]);
    // A `get` of a key nobody created: RivetKit's client retries it for a while, then gives up.
    const never = await rejection(c.chatRoom.get(uniqueKey("never")).whoami());
    expect([never.group, never.code]).toEqual(["actor", "not_found"]);
    const denied = await rejection(c.chatRoom.getOrCreate(uniqueKey("denied"), { params: { token: "deny" } }).whoami());
    expect([denied.group, denied.code, denied.metadata]).toEqual(["auth", "forbidden", { reason: "deny" }]);
    // A handle's `send` is RivetKit's queue method, which actorflare does not have: the error says
    // so and how to call an action named `send`, rather than naming a missing route.
    const queue = chat as unknown as { send(name: string, body: unknown): Promise<unknown> };
    const queued = await rejection(queue.send("hello", { text: "hi" }));
    expect([queued.group, queued.code]).toEqual(["actorflare", "route_not_found"]);
    expect(queued.message).toMatch(/queue 'hello'.*no queues.*action\(\{ name: "send", args \}\)/);
  });

  it("connect: actions, params reaching onAuth and createConnState, events with on and once, dispose", async () => {
    const c = client(encoding);
    const key = uniqueKey("chat");
    const alice = c.chatRoom.getOrCreate(key, { params: { name: "alice" } }).connect();
    const bob = c.chatRoom.getOrCreate(key).connect({ name: "bob" });
    expect(await alice.whoami()).toMatchObject({ state: { name: "alice", sent: 0 }, params: { name: "alice" }, auth: { user: "alice" } });

    // Events sent to this connection arrive whatever it subscribed to; arguments are spread.
    const told = first<unknown[]>((deliver) => alice.on("told", (...args: unknown[]) => deliver(args)));
    await alice.tellMe("told", 1, "two", 3n);
    expect(await told).toEqual([1, "two", 3n]);

    // Broadcasts reach subscribers. A call on the same connection after subscribing proves the
    // subscription arrived (one socket keeps the order).
    const heard: unknown[] = [];
    const onceHeard: unknown[] = [];
    alice.on("message", (message: unknown) => heard.push(message));
    alice.once("message", (message: unknown) => onceHeard.push(message));
    await alice.whoami();
    // `send` is RivetKit's queue method on a connection; the action of that name is called by name.
    await bob.action({ name: "send", args: ["hello"] });
    await bob.action({ name: "send", args: ["again"] });
    await waitFor(() => heard.length === 2, "two broadcasts");
    expect(heard).toEqual([
      { from: "bob", text: "hello" },
      { from: "bob", text: "again" },
    ]);
    expect(onceHeard).toEqual([{ from: "bob", text: "hello" }]);

    const fail = await rejection(bob.fail());
    expect([fail.group, fail.code, fail.metadata]).toEqual(["user", "nope", { why: "asked" }]);
    // An error answers one call; the connection stays.
    expect(await bob.whoami()).toMatchObject({ state: { name: "bob" } });

    // `open` counts the actor's connections (an HTTP action's short-lived one is not among them).
    const open = async () => ((await c.chatRoom.getOrCreate(key).stats()) as { open: number }).open;
    expect(await open()).toBe(2);
    await bob.dispose();
    await expect(bob.whoami()).rejects.toBeInstanceOf(ActorConnDisposed);
    await waitFor(async () => (await open()) === 1, "the actor to see bob leave");
    await alice.dispose();
    await waitFor(async () => (await open()) === 0, "the actor to see alice leave");
  });

  it("a refused connection surfaces its error: onAuth and onBeforeConnect", async () => {
    const c = client(encoding);
    const denied = c.chatRoom.getOrCreate(uniqueKey("deny"), { params: { token: "deny" } }).connect();
    const errors: ActorError[] = [];
    denied.onError((error: ActorError) => errors.push(error));
    const refused = await rejection(denied.whoami());
    expect([refused.group, refused.code, refused.message]).toEqual(["auth", "forbidden", "Token refused."]);
    expect(errors.map((error) => `${error.group}.${error.code}`)).toContain("auth.forbidden");
    await denied.dispose();

    const banned = c.chatRoom.getOrCreate(uniqueKey("ban")).connect({ name: "banned" });
    const ban = await rejection(banned.whoami());
    expect([ban.group, ban.code, ban.message]).toEqual(["user", "banned", "You are banned."]);
    await banned.dispose();
  });

  it("declared events: a refused subscription is auth.forbidden on onError, a refused payload actor.validation_error", async () => {
    const c = client(encoding);
    const key = uniqueKey("herald");
    const guest = c.herald.getOrCreate(key, { params: { role: "guest" } }).connect();
    const errors: ActorError[] = [];
    guest.onError((error: ActorError) => errors.push(error));
    const notes: unknown[] = [];
    guest.on("secret", () => {});
    guest.on("note", (note: unknown) => notes.push(note));
    await waitFor(() => errors.length > 0, "the refused subscription");
    expect([errors[0]!.group, errors[0]!.code, errors[0]!.metadata]).toEqual(["auth", "forbidden", { event: "secret" }]);
    await waitFor(async () => JSON.stringify(await guest.subscriptions()) === JSON.stringify(["note"]), "the other subscription");

    const refused = await rejection(guest.broadcast("score", 1.5));
    expect([refused.group, refused.code]).toEqual(["actor", "validation_error"]);
    expect(refused.message).toContain("Event 'score' was not sent");
    await guest.broadcast("note", { text: "still here" });
    await waitFor(() => notes.length === 1, "the note");
    expect(notes).toEqual([{ text: "still here" }]);
    await guest.dispose();
  });

  it("an event RivetKit's wire cannot carry (a cycle) is not sent to its connection, and does not fail the call it has in flight", async () => {
    const key = uniqueKey("herald-cycle");
    const listener = client(encoding).herald.getOrCreate(key).connect();
    const errors: ActorError[] = [];
    listener.onError((error: ActorError) => errors.push(error));
    listener.on("loop", () => {});
    await waitFor(async () => JSON.stringify(await listener.subscriptions()) === JSON.stringify(["loop"]), "the subscription");
    const inFlight = listener.pause(500);
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    const sender = createActorflareClient<typeof testRegistry>({ endpoint: origin, encoding: "cbor" });
    expect(await sender.herald.getOrCreate(key).broadcast("loop", cyclic)).toBe("loop");
    await sender.dispose();
    expect(await inFlight).toBe(500);
    expect(errors).toEqual([]);
    await listener.dispose();
  });

  it("raw fetch reaches onFetch with the path, the query less rvt- parameters, the body and onAuth's data", async () => {
    const inspector = client(encoding).inspector.getOrCreate(uniqueKey("raw"), { params: { token: "t1" } });
    const response = await inspector.fetch("/api/echo?x=1&y=two", { method: "POST", body: "payload", headers: { "x-custom": "kept" } });
    expect(response.status).toBe(200);
    const seen = (await response.json()) as Record<string, unknown> & { headers: Record<string, string>; auth: Record<string, unknown> };
    expect(seen).toMatchObject({ method: "POST", pathname: "/api/echo", search: "?x=1&y=two", bodyBytes: [...Buffer.from("payload")] });
    expect(seen.headers["x-custom"]).toBe("kept");
    expect(seen.auth).toMatchObject({ user: "t1", intents: ["action", "create", "get"] });
    // An error of onFetch is the answer, in the 2.3 error shape.
    const thrown = await inspector.fetch("/throw-user");
    expect(thrown.status).toBe(400);
    expect(await thrown.json()).toEqual({ group: "user", code: "asked_for_it", message: "You asked for it.", metadata: { n: 1 } });
  });

  it("raw webSocket reaches onWebSocket; a refusal closes with 1011 and group.code", async () => {
    const c = client(encoding);
    const ws = await c.socket.getOrCreate(uniqueKey("sock"), { params: { token: "t2" } }).webSocket("/chan?room=1");
    const messages: string[] = [];
    ws.addEventListener("message", (event: { data: unknown }) => messages.push(String(event.data)));
    await waitFor(() => messages.length === 1, "the welcome message");
    expect(JSON.parse(messages[0]!)).toMatchObject({ type: "welcome", path: "/chan", search: "?room=1", auth: { user: "t2" } });
    ws.send("ping-1");
    await waitFor(() => messages.length === 2, "the echo");
    expect(messages[1]).toBe("ping-1");
    const closed = first<{ code: number }>((deliver) => ws.addEventListener("close", deliver));
    ws.close(1000, "done");
    expect((await closed).code).toBe(1000);

    const refused = await c.socket.getOrCreate(uniqueKey("sock"), { params: { token: "deny" } }).webSocket();
    const refusal = await first<{ code: number; reason: string }>((deliver) => refused.addEventListener("close", deliver));
    expect([refusal.code, refusal.reason]).toEqual([1011, "auth.forbidden"]);
  });
});

describe("rivetkit 2.3.19's client: the actor API (metadata, lookups, listing, destroy)", () => {
  it("/metadata names the actors and no client endpoint, so the client keeps its own", async () => {
    const response = await fetch(`${endpoint}/metadata?namespace=default`);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as { runtime: string; actorNames: Record<string, unknown>; clientEndpoint?: string };
    expect(metadata.runtime).toBe("actorflare");
    expect(metadata.actorNames.chatRoom).toEqual({ metadata: {} });
    expect(metadata.clientEndpoint).toBeUndefined();
  });

  it("given the bare origin, the client is sent to /registry by the root's /metadata, and works there", async () => {
    const response = await fetch(`${origin}/metadata`);
    expect(await response.json()).toMatchObject({ runtime: "actorflare", clientEndpoint: `${origin}/registry` });
    const c = createClient({ endpoint: origin, encoding: "json" });
    clients.push(c);
    const key = uniqueKey("bare-origin");
    expect(await c.counter.getOrCreate(key).increment(4)).toBe(4);
    const conn = c.counter.getOrCreate(key).connect();
    expect(await conn.increment(1)).toBe(5);
    await conn.dispose();
  });

  it("GET /actors by id and by key answer the actor's name and key; unknown ones are left out", async () => {
    const key = [uniqueKey("listed"), "a/b", ""];
    const id = await client("json").counter.getOrCreate(key).resolve();
    const byId = await (await fetch(`${endpoint}/actors?actor_ids=${id}&namespace=default`)).json();
    expect(byId).toEqual({ actors: [{ actor_id: id, name: "counter", key: `${key[0]}/a\\/b/\\0`, namespace_id: "default", create_ts: expect.any(Number) }] });
    const byKey = await (await fetch(`${endpoint}/actors?name=counter&key=${encodeURIComponent(`${key[0]}/a\\/b/\\0`)}`)).json();
    expect(byKey).toEqual(byId);
    expect(await (await fetch(`${endpoint}/actors?actor_ids=${"0".repeat(64)}`)).json()).toEqual({ actors: [] });
    expect(await (await fetch(`${endpoint}/actors?name=counter&key=${uniqueKey("nobody")}`)).json()).toEqual({ actors: [] });
    // A name the registry does not have is 404, with a key or ids as without them (most likely a typo).
    for (const search of ["name=countr&key=a", `name=countr&actor_ids=${id}`, "name=countr"]) {
      const unknown = await fetch(`${endpoint}/actors?${search}`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ group: "actor", code: "not_found", message: expect.stringContaining("Did you mean 'counter'?") });
    }
  });

  it("GET /actors?name= lists the actors of a name page by page, as RivetKit's engine client asks", async () => {
    const prefix = uniqueKey("listing");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await client("json").counter.getOrCreate(`${prefix}-${i}`).resolve());
    type Page = { actors: { actor_id: string; name: string; key: string; create_ts: number }[]; pagination: { cursor: string | null } };
    const listed: Page["actors"] = [];
    let cursor: string | null = null;
    do {
      const response = await fetch(`${endpoint}/actors?name=counter&limit=2&namespace=default${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as Page;
      expect(page.actors.length).toBeLessThanOrEqual(2);
      listed.push(...page.actors);
      cursor = page.pagination.cursor;
    } while (cursor);
    const ours = listed.filter((actor) => actor.key.startsWith(prefix));
    expect(ours.map((actor) => actor.actor_id)).toEqual(ids);
    expect(ours[0]).toEqual({ actor_id: ids[0], name: "counter", key: `${prefix}-0`, namespace_id: "default", create_ts: expect.any(Number) });
  });

  it("DELETE /actors/{id} destroys the actor; its key then makes a fresh one, and a second DELETE is actor.not_found", async () => {
    const c = client("bare");
    const key = uniqueKey("destroy");
    await c.counter.getOrCreate(key).increment(4);
    const id = await c.counter.getOrCreate(key).resolve();
    const response = await fetch(`${endpoint}/actors/${id}?namespace=default`, { method: "DELETE" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    const gone = await rejection(c.counter.get(key).getCount());
    expect([gone.group, gone.code]).toEqual(["actor", "not_found"]);
    expect(await (await fetch(`${endpoint}/actors?actor_ids=${id}`)).json()).toEqual({ actors: [] });
    const again = await fetch(`${endpoint}/actors/${id}?namespace=default`, { method: "DELETE" });
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ group: "actor", code: "not_found" });
    expect(await c.counter.getOrCreate(key).getCount()).toBe(0);
  });

  it("DELETE /actors/{id} and listings go through onAuth (intents destroy, list): refused, the actor stays", async () => {
    const c = client("json");
    const handle = c.doomed.getOrCreate([uniqueKey("doomed")]);
    await handle.increment(3);
    const refused = await fetch(`${endpoint}/actors/${await handle.resolve()}`, { method: "DELETE" });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ group: "auth", code: "forbidden" });
    expect((await handle.read()).count).toBe(3);
    const listing = await fetch(`${endpoint}/actors?name=doomed`);
    expect(listing.status).toBe(403);
  });

  it("c.destroy() in an action called by RivetKit's client: the action answers, then the actor is gone", async () => {
    const c = client("cbor");
    const key = uniqueKey("doomed");
    const handle = c.doomed.getOrCreate([key]);
    await handle.increment(2);
    expect(await handle.selfDestruct()).toBe("bye");
    await waitFor(
      async () =>
        (await c.doomed
          .get([key])
          .read()
          .then(
            () => "alive",
            (error: ActorError) => error.code,
          )) === "not_found",
      "the actor to be gone",
    );
    expect(await c.doomed.getOrCreate([key]).read()).toEqual({ count: 0, label: "fresh" });
  });

  it("a namespace other than `default` is actorflare.namespace_not_found", async () => {
    const error = await rejection(client("bare", "elsewhere").counter.getOrCreate(uniqueKey("ns")).increment(1));
    expect([error.group, error.code]).toEqual(["actorflare", "namespace_not_found"]);
  });

  it("a 2.3 connection survives the actor leaving memory (its wire is kept with its socket)", async () => {
    const c = client("bare");
    const conn = c.chatRoom.getOrCreate(uniqueKey("sleep")).connect({ name: "sleeper" });
    const firstWake = await conn.wakeId();
    // The runtime evicts an object after ~10 s without events (architecture.md §4).
    await sleep(15_000);
    expect(await conn.wakeId()).not.toBe(firstWake);
    expect(await conn.whoami()).toMatchObject({ state: { name: "sleeper" }, params: { name: "sleeper" } });
    await conn.dispose();
  }, 60_000);

  it("the README's sample runs: an action, a connection and its event", async () => {
    expect(await readmeSample(origin, uniqueKey("readme"))).toBe(2);
  });

  it("the 2.0 routes still answer beside the 2.3 ones", async () => {
    const response = await fetch(`${origin}/registry/actors/actions/increment`, {
      method: "POST",
      headers: { "X-RivetKit-Encoding": "json", "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name: "counter", key: [uniqueKey("v20")] } }) },
      body: JSON.stringify({ a: [3] }),
    });
    expect(await response.json()).toEqual({ o: 3 });
  });
});
