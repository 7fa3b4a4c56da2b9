import { env } from "cloudflare:workers";
import { listDurableObjectIds } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, errorBody, queryHeaders, uniqueKey } from "./helpers";

const inspect = (query: unknown, extra: Record<string, string> = {}, path = "/registry/actors/raw/http/x") =>
  call(path, { headers: queryHeaders(query, extra) });

describe("onAuth", () => {
  it("runs with the request's intents and its value reaches onFetch as auth", async () => {
    const response = await inspect({ getOrCreateForKey: { name: "inspector", key: uniqueKey() } }, { "X-RivetKit-Conn-Params": JSON.stringify({ token: "alice" }) });
    const seen = (await response.json()) as { auth: { user: string; intents: string[]; path: string } };
    expect(seen.auth).toEqual({ user: "alice", intents: ["action", "create", "get"], path: "/registry/actors/raw/http/x" });
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
    const response = await inspect({ getOrCreateForKey: { name: "inspector", key: uniqueKey() } }, { "X-RivetKit-Conn-Params": JSON.stringify({ token: "deny" }) });
    expect(response.status).toBe(403);
    expect(await errorBody(response)).toEqual({ c: "forbidden", m: "Token refused.", md: { reason: "deny" } });
    expect((await listDurableObjectIds(env.INSPECTOR)).length).toBe(before);
  });

  it("a UserError from onAuth keeps its code", async () => {
    const response = await inspect({ getOrCreateForKey: { name: "inspector", key: uniqueKey() } }, { "X-RivetKit-Conn-Params": JSON.stringify({ token: "unauthorized" }) });
    expect(response.status).toBe(400);
    expect(await errorBody(response)).toMatchObject({ c: "custom_auth", m: "nope" });
  });

  it("any other throw is a masked 500 that leaks nothing", async () => {
    const response = await inspect({ getOrCreateForKey: { name: "inspector", key: uniqueKey() } }, { "X-RivetKit-Conn-Params": JSON.stringify({ token: "boom" }) });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ c: "internal_error" });
    expect(text).not.toContain("secret");
    expect(text).not.toContain("at ");
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
    const spoof = {
      "X-RivetKit-Auth-Data": encodeURIComponent(JSON.stringify({ user: "admin" })),
      "X-RivetKit-Expose-Internal-Error": "true",
      "X-Actorflare-Target": encodeURIComponent(JSON.stringify({ kind: "get" })),
      "X-Actorflare-Route": "resolve",
    };
    const response = await inspect({ getOrCreateForKey: { name: "inspector", key: uniqueKey() } }, spoof);
    const seen = (await response.json()) as { auth: { user: string }; headers: Record<string, string> };
    expect(seen.auth.user).toBe("anonymous");
    const names = Object.keys(seen.headers);
    expect(names.filter((n) => n.startsWith("x-actorflare-") || n === "x-rivetkit-auth-data" || n === "x-rivetkit-expose-internal-error")).toEqual([]);
  });

  it("spoofed auth on an actor without onAuth is still refused", async () => {
    const response = await inspect(
      { getOrCreateForKey: { name: "privateActor", key: uniqueKey() } },
      { "X-RivetKit-Auth-Data": encodeURIComponent(JSON.stringify({ admin: true })) },
    );
    expect(response.status).toBe(403);
  });
});
