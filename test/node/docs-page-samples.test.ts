import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ActorError, createClient } from "../../src/client/index";
import type { registry } from "../../examples/demo/registry";
import { useWranglerDev } from "./wrangler-dev";

// Every HTTP sample of RivetKit's "Fetch and WebSocket Handler" docs page, against the demo worker
// under a real `wrangler dev`: only the import line and the port differ from the page.

let url = "";
useWranglerDev((server) => (url = server.url));

/** Keys unique per test, so tests do not see each other's counters. */
const uniqueKey = (prefix: string) => `${prefix}-${randomUUID()}`;

type ErrorBody = { c: string; m: string; md?: unknown };

describe("Option A/B: the client's .fetch()", () => {
  it("GET /api/hello answers the actor's JSON", async () => {
    const client = createClient(url);

    const actor = client.myActor.getOrCreate(["key"]);
    const response = await actor.fetch("/api/hello", {
      method: "GET",
    });
    const data = await response.json();

    expect(response.status).toBe(200);
    expect(data).toEqual({ message: "Hello from actor!" });
  });

  it("POST /api/echo returns the same body and content type", async () => {
    const client = createClient(url);
    const actor = client.myActor.getOrCreate(["key"]);
    const body = JSON.stringify({ message: "Hello from frontend!", timestamp: Date.now() });

    const postResponse = await actor.fetch("/api/echo", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
      },
      body,
    });

    expect(postResponse.ok).toBe(true);
    expect(postResponse.headers.get("content-type")).toBe("application/json");
    expect(await postResponse.text()).toBe(body);
  });

  it("works typed from the registry", async () => {
    const client = createClient<typeof registry>(url);
    // @ts-expect-error only the registry's actor names exist on a typed client
    void client.notAnActor;

    const response = await client.httpActor.getOrCreate("typed").fetch("/api/hello");
    expect(await response.json()).toEqual({ message: "Hello from actor!" });
  });

  it("accepts a W3C Request as the first argument", async () => {
    const actor = createClient(url).myActor.getOrCreate(["key"]);

    const hello = await actor.fetch(new Request("http://ignored.example/api/hello"));
    expect(await hello.json()).toEqual({ message: "Hello from actor!" });

    const body = JSON.stringify({ via: "Request" });
    const echo = await actor.fetch(new Request("http://ignored.example/api/echo", { method: "POST", headers: { "Content-Type": "application/json" }, body }));
    expect(echo.status).toBe(200);
    expect(echo.headers.get("content-type")).toBe("application/json");
    expect(await echo.text()).toBe(body);
  });

  it("accepts a path without a leading slash", async () => {
    const response = await createClient(url).myActor.getOrCreate(["key"]).fetch("api/hello");
    expect(await response.json()).toEqual({ message: "Hello from actor!" });
  });

  it("keeps the query string (string path and Request)", async () => {
    const key = uniqueKey("query");
    const counter = createClient<typeof registry>(url).counter.getOrCreate(key);

    expect(await (await counter.fetch("/increment?by=5", { method: "POST" })).json()).toEqual({ count: 5, key: [key] });
    const viaRequest = await counter.fetch(new Request("http://ignored.example/increment?by=3", { method: "POST" }));
    expect(await viaRequest.json()).toEqual({ count: 8, key: [key] });
  });

  it("passes the actor's own 404 through", async () => {
    const response = await createClient(url).myActor.getOrCreate(["key"]).fetch("/nowhere");
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("Not Found");
  });
});

describe("Option C: direct router access with fetch()", () => {
  const headers = {
    "X-RivetKit-Actor-Query": JSON.stringify({
      getOrCreateForKey: { name: "myActor", key: "default" },
    }),
    "X-RivetKit-Encoding": "json",
    "X-RivetKit-Conn-Params": JSON.stringify({ apiKey: "your-api-key" }),
  };

  it("GET …/myActor/raw/http/api/hello", async () => {
    const response = await fetch(`${url}/registry/actors/myActor/raw/http/api/hello`, {
      method: "GET",
      headers,
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: "Hello from actor!" });
  });

  it("POST …/myActor/raw/http/api/echo", async () => {
    const body = JSON.stringify({ message: "Hello from direct access!", timestamp: Date.now() });
    const postResponse = await fetch(`${url}/registry/actors/myActor/raw/http/api/echo`, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      body,
    });

    expect(postResponse.ok).toBe(true);
    expect(postResponse.headers.get("content-type")).toBe("application/json");
    expect(await postResponse.text()).toBe(body);
  });

  it("reaches the same actor as the client's string key", async () => {
    // The docs page's `key: "default"` is normalised to ["default"], the client's form of "default".
    const key = uniqueKey("same");
    const query = JSON.stringify({ getOrCreateForKey: { name: "counter", key } });
    const direct = await fetch(`${url}/registry/actors/counter/raw/http/increment`, {
      method: "POST",
      headers: { "X-RivetKit-Actor-Query": query },
    });
    expect(await direct.json()).toEqual({ count: 1, key: [key] });

    const viaClient = await createClient<typeof registry>(url).counter.getOrCreate(key).fetch("/");
    expect(await viaClient.json()).toEqual({ count: 1, key: [key] });
  });
});

describe("the demo's /forward/:name/* route", () => {
  it("reaches the counter actor named in the path", async () => {
    const name = uniqueKey("fwd");

    const initial = await fetch(`${url}/forward/${name}/`);
    expect(initial.status).toBe(200);
    expect(await initial.json()).toEqual({ count: 0, key: [name] });

    for (const expected of [1, 2]) {
      const response = await fetch(`${url}/forward/${name}/increment`, { method: "POST" });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ count: expected, key: [name] });
    }

    expect(await (await fetch(`${url}/forward/${name}/count`)).json()).toEqual({ count: 2, key: [name] });
  });
});

describe("create, resolve, getForId, get", () => {
  it("create then resolve, then reach it by id", async () => {
    const client = createClient<typeof registry>(url);
    const key = uniqueKey("create");

    const handle = await client.counter.create(key);
    const id = await handle.resolve();
    expect(id).toMatch(/^[0-9a-f]+$/);

    const byId = await client.counter.getForId(id).fetch("/");
    expect(byId.status).toBe(200);
    expect(await byId.json()).toEqual({ count: 0, key: [key] });

    // The key now resolves to the same actor.
    expect(await client.counter.get(key).resolve()).toBe(id);
  });

  it("get on a key never created answers 404 actor_not_found", async () => {
    const response = await createClient<typeof registry>(url).counter.get("never-created").fetch("/");

    expect(response.status).toBe(404);
    const body = (await response.json()) as ErrorBody;
    expect(body.c).toBe("actor_not_found");
    expect(typeof body.m).toBe("string");
  });

  it("create twice on one key rejects with actor_already_exists", async () => {
    const client = createClient<typeof registry>(url);
    const key = uniqueKey("twice");
    await client.counter.create(key);

    const second = client.counter.create(key);
    await expect(second).rejects.toBeInstanceOf(ActorError);
    await expect(second).rejects.toMatchObject({ code: "actor_already_exists" });
  });
});

describe("bad requests", () => {
  const rawHello = () => `${url}/registry/actors/raw/http/api/hello`;

  it("a query that is not JSON: 400 invalid_query_json", async () => {
    const response = await fetch(rawHello(), { headers: { "X-RivetKit-Query": "{not json" } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).c).toBe("invalid_query_json");
  });

  it("no query: 400 invalid_request", async () => {
    const response = await fetch(rawHello());
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).c).toBe("invalid_request");
  });

  it("an actor name not in the registry: 404 actor_not_found", async () => {
    const query = JSON.stringify({ getOrCreateForKey: { name: "noSuchActor", key: ["k"] } });
    const response = await fetch(rawHello(), { headers: { "X-RivetKit-Query": query } });
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).c).toBe("actor_not_found");

    // The same through the client: raw fetch hands the error response back, resolve throws.
    const handle = createClient(url).noSuchActor.getOrCreate("k");
    expect((await handle.fetch("/")).status).toBe(404);
    await expect(handle.resolve()).rejects.toMatchObject({ code: "actor_not_found" });
  });
});
