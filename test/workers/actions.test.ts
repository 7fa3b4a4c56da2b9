import { decode, encode } from "cbor-x";
import { describe, expect, it, vi } from "vitest";
import { call, errorBody, testClient, uniqueKey } from "./helpers";

const postAction = (name: string, query: unknown, body: BodyInit, headers: Record<string, string> = {}) =>
  call(`/registry/actors/actions/${encodeURIComponent(name)}`, {
    method: "POST",
    headers: { "X-RivetKit-Query": JSON.stringify(query), "X-RivetKit-Encoding": "json", "Content-Type": "application/json", ...headers },
    body,
  });

const chat = (key: string) => ({ getOrCreateForKey: { name: "chatRoom", key: [key] } });

describe("actions over HTTP (wire)", () => {
  it("runs the action and answers {o}; the state persists", async () => {
    const query = { getOrCreateForKey: { name: "counter", key: [uniqueKey()] } };
    const first = await postAction("increment", query, JSON.stringify({ a: [5] }));
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("application/json");
    expect(await first.json()).toEqual({ o: 5 });
    expect(await (await postAction("increment", query, JSON.stringify({ a: [2] }))).json()).toEqual({ o: 7 });
    expect(await (await postAction("getCount", query, JSON.stringify({ a: [] }))).json()).toEqual({ o: 7 });
  });

  it("speaks CBOR when asked", async () => {
    const query = { getOrCreateForKey: { name: "counter", key: [uniqueKey()] } };
    const response = await postAction("increment", query, encode({ a: [3] }), { "X-RivetKit-Encoding": "cbor", "Content-Type": "application/octet-stream" });
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(decode(new Uint8Array(await response.arrayBuffer()))).toEqual({ o: 3 });
  });

  it("leaves out an undefined output", async () => {
    const response = await postAction("nothing", chat(uniqueKey()), JSON.stringify({ a: [] }));
    expect(await response.text()).toBe("{}");
  });

  it.each(["nope", "toString", "__proto__", "constructor", "hasOwnProperty"])("'%s' is action_not_found", async (name) => {
    const response = await postAction(name, chat(uniqueKey()), JSON.stringify({ a: [] }));
    expect(response.status).toBe(400);
    expect(await errorBody(response)).toMatchObject({ c: "action_not_found", m: `Action '${name}' not found.` });
  });

  it("a misspelt action name is answered with the nearest action's name; a long one gets no hint", async () => {
    const query = { getOrCreateForKey: { name: "counter", key: [uniqueKey()] } };
    const misspelt = await postAction("incremnet", query, JSON.stringify({ a: [] }));
    expect(await errorBody(misspelt)).toEqual({ c: "action_not_found", m: "Action 'incremnet' not found. Did you mean 'increment'?" });
    const long = `increment${"x".repeat(60)}`;
    expect(await errorBody(await postAction(long, query, JSON.stringify({ a: [] })))).toEqual({ c: "action_not_found", m: `Action '${long}' not found.` });
  });

  it.each([
    ["a body that is not JSON", "{nope"],
    ["args that are not an array", JSON.stringify({ a: 5 })],
    ["no args", JSON.stringify({})],
    ["an empty body", ""],
  ])("%s is invalid_action_request", async (_label, body) => {
    const response = await postAction("send", chat(uniqueKey()), body);
    expect(response.status).toBe(400);
    expect(await errorBody(response)).toMatchObject({ c: "invalid_action_request" });
  });

  it("truncated CBOR is invalid_action_request, answered in CBOR", async () => {
    const bytes = encode({ a: [1, 2, 3] }).subarray(0, 4);
    const response = await postAction("send", chat(uniqueKey()), bytes, { "X-RivetKit-Encoding": "cbor" });
    expect(response.status).toBe(400);
    expect(decode(new Uint8Array(await response.arrayBuffer()))).toMatchObject({ c: "invalid_action_request" });
  });

  it("a UserError keeps its code, message and metadata; other throws are masked", async () => {
    const user = await postAction("fail", chat(uniqueKey()), JSON.stringify({ a: [] }));
    expect(await errorBody(user)).toEqual({ c: "nope", m: "Nope.", md: { why: "asked" } });
    const crash = await postAction("crash", chat(uniqueKey()), JSON.stringify({ a: [] }));
    expect(crash.status).toBe(500);
    const text = await crash.text();
    expect(JSON.parse(text)).toMatchObject({ c: "internal_error" });
    expect(text).not.toContain("secret");
  });

  it("an action over its timeout is action_timed_out, and the log says which actor and action", async () => {
    const warned = vi.spyOn(console, "warn");
    const response = await postAction("wait", chat(uniqueKey()), JSON.stringify({ a: [2_000] }));
    expect(await errorBody(response)).toMatchObject({ c: "action_timed_out" });
    const lines = warned.mock.calls.map((args) => args.join(" "));
    warned.mockRestore();
    expect(lines).toContainEqual(expect.stringMatching(/^\[actor chatRoom [0-9a-f]{64}\] action 'wait' ran past options\.actionTimeout \(500 ms\)/));
  });

  it("runs on a short-lived connection: params, auth, conn state and the hooks", async () => {
    const key = uniqueKey();
    const headers = { "X-RivetKit-Conn-Params": JSON.stringify({ name: "ann" }) };
    const who = (await (await postAction("whoami", chat(key), JSON.stringify({ a: [] }), headers)).json()) as { o: Record<string, unknown> };
    expect(who.o).toMatchObject({ state: { name: "ann", sent: 0 }, params: { name: "ann" }, auth: { user: "ann" } });
    const stats = (await (await postAction("stats", chat(key), JSON.stringify({ a: [] }))).json()) as { o: Record<string, number> };
    // The first call connected and disconnected; the second is connected while it runs.
    expect(stats.o).toEqual({ connects: 2, disconnects: 1, open: 0 });
  });

  it("onBeforeConnect and onAuth can refuse", async () => {
    const banned = await postAction("send", chat(uniqueKey()), JSON.stringify({ a: ["hi"] }), { "X-RivetKit-Conn-Params": JSON.stringify({ name: "banned" }) });
    expect(await errorBody(banned)).toMatchObject({ c: "banned" });
    const denied = await postAction("send", chat(uniqueKey()), JSON.stringify({ a: ["hi"] }), { "X-RivetKit-Conn-Params": JSON.stringify({ token: "deny" }) });
    expect(denied.status).toBe(403);
  });

  it("requires an encoding", async () => {
    const response = await postAction("send", chat(uniqueKey()), JSON.stringify({ a: [] }), { "X-RivetKit-Encoding": "" });
    expect(await errorBody(response)).toMatchObject({ c: "invalid_encoding" });
  });
});

describe("actions from the client", () => {
  it.each(["json", "cbor"] as const)("calls typed actions on a handle (%s)", async (encoding) => {
    const client = testClient(encoding);
    const handle = client.counter.getOrCreate(uniqueKey());
    expect(await handle.increment(5)).toBe(5);
    expect(await handle.increment()).toBe(6);
    expect(await handle.getCount()).toBe(6);
  });

  it("rejects with ActorError codes", async () => {
    const handle = testClient().chatRoom.getOrCreate(uniqueKey());
    await expect(handle.fail()).rejects.toMatchObject({ code: "nope", message: "Nope.", metadata: { why: "asked" } });
    await expect(handle.action("missing")).rejects.toMatchObject({ code: "action_not_found" });
  });

  it("the server-side client calls actions without onAuth", async () => {
    const key = uniqueKey();
    expect(await (await call(`/server-action/${key}/4`, { method: "POST" })).json()).toEqual({ count: 4 });
    expect(await testClient().counter.get(key).getCount()).toBe(4);
  });
});
