import { env } from "cloudflare:workers";
import { listDurableObjectIds } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ActorflareError } from "../../src/protocol/errors";
import { readBodyWithin } from "../../src/worker/body";
import { call, errorBody, queryHeaders, testClient, TRANSPORTS_AND_ENCODINGS, uniqueKey } from "./helpers";

const rawPath = "/registry/actors/raw/http/x";

describe("bad input gets a clear error and changes nothing", () => {
  it.each([
    ["a query that is not JSON", { "X-RivetKit-Query": "{nope" }, 400, "invalid_query_json"],
    ["no query at all", {}, 400, "invalid_request"],
    ["a query of the wrong shape", { "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { key: ["a"] } }) }, 400, "invalid_request"],
    [
      "two variants at once",
      { "X-RivetKit-Query": JSON.stringify({ getForKey: { name: "counter", key: [] }, create: { name: "counter", key: [] } }) },
      400,
      "invalid_request",
    ],
    ["a key of the wrong type", { "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name: "counter", key: 5 } }) }, 400, "invalid_request"],
    [
      "a key part over 128 characters",
      { "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name: "counter", key: ["x".repeat(129)] } }) },
      400,
      "invalid_request",
    ],
    ["a query that is an array", { "X-RivetKit-Query": "[]" }, 400, "invalid_request"],
    ["an unknown actor name", { "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name: "nobody", key: [] } }) }, 404, "actor_not_found"],
    [
      "an inherited property as actor name",
      { "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name: "toString", key: [] } }) },
      404,
      "actor_not_found",
    ],
    [
      "conn params that are not JSON",
      { ...queryHeaders({ getOrCreateForKey: { name: "counter", key: [] } }), "X-RivetKit-Conn-Params": "{bad" },
      400,
      "invalid_params",
    ],
    ["an unknown encoding", { ...queryHeaders({ getOrCreateForKey: { name: "counter", key: [] } }), "X-RivetKit-Encoding": "xml" }, 400, "invalid_encoding"],
  ])("%s", async (_label, headers, status, code) => {
    const before = (await listDurableObjectIds(env.COUNTER)).length;
    const response = await call(rawPath, { headers });
    expect(response.status).toBe(status);
    const body = await errorBody(response);
    expect(body.c).toBe(code);
    expect(body.m.length).toBeGreaterThan(10);
    expect((await listDurableObjectIds(env.COUNTER)).length).toBe(before);
  });

  // docs/protocol.md §9 promises this depth on every route, whatever the runtime's stack.
  it.each(TRANSPORTS_AND_ENCODINGS)("arguments and answers nested 1,000 levels deep are carried, over HTTP and over %s (%s)", async (transport, encoding) => {
    let deep: unknown = "bottom";
    for (let level = 0; level < 1_000; level++) deep = [deep];
    const client = testClient(encoding, transport);
    const handle = client.echo.getOrCreate(uniqueKey());
    expect(await handle.echo(deep)).toEqual([deep]);
    const conn = handle.connect();
    expect(await conn.echo(deep)).toEqual([deep]);
    await client.dispose();
  });

  it("arguments nested too deeply for the runtime to pass on are 400 invalid_request, not a proxy error, and change nothing", async () => {
    const key = uniqueKey();
    const query = { getOrCreateForKey: { name: "counter", key: [key] } };
    const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    const response = await call("/registry/actors/actions/increment", {
      method: "POST",
      headers: { ...queryHeaders(query), "X-RivetKit-Encoding": "json", "content-type": "application/json" },
      body: `{"a":[${deep}]}`,
    });
    expect(response.status).toBe(400);
    const body = await errorBody(response);
    expect(body.c).toBe("invalid_request");
    expect(body.m).toContain("nested too deeply");
    expect(await testClient().counter.getOrCreate(key).getCount()).toBe(0);
  });

  // Under `wrangler dev` a client that goes away mid-upload makes the body's read reject with
  // "Network connection lost."; this pool's own fetch ends such a body short instead, so the
  // reading is tested directly, on a request whose body errors as the runtime's does.
  it.each([
    ["without a length", {}],
    ["with a length", { "content-length": "100" }],
  ])("a body that breaks off mid-upload (%s) is 400 invalid_request: the client's doing, not the server's fault", async (_label, headers) => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"a":[1'));
        controller.error(new Error("Network connection lost."));
      },
    });
    const request = new Request("http://actor/", { method: "POST", headers, body, duplex: "half" } as RequestInit);
    const refusal = await readBodyWithin(request, 1_000).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ActorflareError);
    expect(refusal).toMatchObject({
      code: "invalid_request",
      status: 400,
      message: expect.stringContaining("broke off before its end (Network connection lost.)"),
    });
  });

  /** Posts a counter's `increment` with a hand-made CBOR body; answers the status and the refusal, decoded. */
  async function incrementWithCbor(key: string, body: Uint8Array): Promise<{ status: number; refusal: { c: string; m: string } }> {
    const response = await call("/registry/actors/actions/increment", {
      method: "POST",
      headers: {
        ...queryHeaders({ getOrCreateForKey: { name: "counter", key: [key] } }),
        "X-RivetKit-Encoding": "cbor",
        "content-type": "application/octet-stream",
      },
      body,
    });
    const { decode } = await import("cbor-x");
    return { status: response.status, refusal: decode(new Uint8Array(await response.arrayBuffer())) as { c: string; m: string } };
  }

  it("a CBOR body nested past the decoder's stack is the same 400 invalid_request, not 'not valid cbor'", async () => {
    const key = uniqueKey();
    // { "a": [[[...]]] }: a map of one entry whose value is 60,000 nested one-element arrays (under the 64 KiB limit).
    const depth = 60_000;
    const { status, refusal } = await incrementWithCbor(key, new Uint8Array([0xa1, 0x61, 0x61, ...new Array<number>(depth).fill(0x81), 0x80]));
    expect(status).toBe(400);
    expect(refusal.c).toBe("invalid_request");
    expect(refusal.m).toContain("nested too deeply");
    expect(await testClient().counter.getOrCreate(key).getCount()).toBe(0);
  });

  it("a CBOR body of a few bytes whose shared references unfold into a billion values is 400 invalid_action_request, and changes nothing", async () => {
    const key = uniqueKey();
    // { "a": [x] }, x 30 nested arrays each holding its child twice: shared (tag 28), then by reference (tag 29).
    const bytes: number[] = [0xa1, 0x61, 0x61, 0x81];
    for (let level = 0; level < 30; level++) bytes.push(0xd8, 28, 0x82);
    bytes.push(0xd8, 28, 0x80);
    for (let level = 29; level >= 0; level--) bytes.push(0xd8, 29, ...(level + 1 < 24 ? [level + 1] : [0x18, level + 1]));
    const { status, refusal } = await incrementWithCbor(key, Uint8Array.from(bytes));
    expect(status).toBe(400);
    expect(refusal.c).toBe("invalid_action_request");
    expect(refusal.m).toContain("references (tag 29) repeat shared values (tag 28)");
    expect(await testClient().counter.getOrCreate(key).getCount()).toBe(0);
  });

  it("HEAD on a connect route is 404 route_not_found and reaches no actor (a connection lives as long as its answer's body)", async () => {
    const key = uniqueKey();
    for (const path of ["/registry/actors/connect/sse", "/registry/actors/connect/websocket"]) {
      const response = await call(path, {
        method: "HEAD",
        headers: { ...queryHeaders({ getOrCreateForKey: { name: "chatRoom", key: [key] } }), "X-RivetKit-Encoding": "json" },
      });
      expect(response.status).toBe(404);
      expect(await response.text()).toBe("");
    }
    const lookup = await call("/registry/actors/resolve", {
      method: "POST",
      headers: { ...queryHeaders({ getForKey: { name: "chatRoom", key: [key] } }), "X-RivetKit-Encoding": "json" },
    });
    expect(lookup.status).toBe(404);
    expect(await errorBody(lookup)).toMatchObject({ c: "actor_not_found" });
  });

  it("resolve requires an encoding", async () => {
    const response = await call("/registry/actors/resolve", {
      method: "POST",
      headers: { "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name: "counter", key: [] } }) },
    });
    expect(response.status).toBe(400);
    expect(await errorBody(response)).toMatchObject({ c: "invalid_encoding" });
  });

  it("the name form's path name must match the query's name", async () => {
    const response = await call("/registry/actors/counter/raw/http/", { headers: queryHeaders({ getOrCreateForKey: { name: "myActor", key: [] } }) });
    expect(response.status).toBe(400);
    expect(await errorBody(response)).toMatchObject({ c: "invalid_request" });
  });

  it("an unknown route is a structured 404", async () => {
    for (const path of ["/registry/actors/nope", "/registry/actors/counter/raw/ftp/x", "/registry/nope"]) {
      const response = await call(path);
      expect(response.status).toBe(404);
      expect((await errorBody(response)).c).toMatch(/not_found/);
    }
  });

  it("errors use CBOR when the request asked for it", async () => {
    const { decode } = await import("cbor-x");
    const response = await call("/registry/actors/resolve", {
      method: "POST",
      headers: { "X-RivetKit-Query": "{nope", "X-RivetKit-Encoding": "cbor" },
    });
    expect(response.status).toBe(400);
    expect(decode(new Uint8Array(await response.arrayBuffer()))).toMatchObject({ c: "invalid_query_json" });
  });

  it("an actor without onFetch is 404 fetch_handler_not_defined", async () => {
    const response = await call(rawPath, { headers: queryHeaders({ getOrCreateForKey: { name: "actionsOnly", key: [] } }) });
    expect(response.status).toBe(404);
    expect(await errorBody(response)).toMatchObject({ c: "fetch_handler_not_defined" });
  });

  it("onFetch returning no Response is 500 invalid_fetch_response", async () => {
    const response = await call("/registry/actors/raw/http/no-response", { headers: queryHeaders({ getOrCreateForKey: { name: "inspector", key: [] } }) });
    expect(response.status).toBe(500);
    expect(await errorBody(response)).toMatchObject({ c: "invalid_fetch_response" });
  });

  it.each(["used-body", "locked-body"])(
    "onFetch returning a Response whose body was read or locked (%s) is 500 invalid_fetch_response saying so",
    async (path) => {
      const response = await call(`/registry/actors/raw/http/${path}`, { headers: queryHeaders({ getOrCreateForKey: { name: "inspector", key: [] } }) });
      expect(response.status).toBe(500);
      expect(await errorBody(response)).toMatchObject({ c: "invalid_fetch_response", m: expect.stringContaining("already read") });
    },
  );

  it("a UserError from onFetch reaches the client with its code, message and metadata", async () => {
    const response = await call("/registry/actors/raw/http/throw-user", { headers: queryHeaders({ getOrCreateForKey: { name: "inspector", key: [] } }) });
    expect(response.status).toBe(400);
    expect(await errorBody(response)).toEqual({ c: "asked_for_it", m: "You asked for it.", md: { n: 1 } });
  });

  it("so does RivetKit's own UserError (code ported from RivetKit)", async () => {
    const response = await call("/registry/actors/raw/http/throw-rivetkit", { headers: queryHeaders({ getOrCreateForKey: { name: "inspector", key: [] } }) });
    expect(response.status).toBe(400);
    expect(await errorBody(response)).toEqual({ c: "ported_refusal", m: "Ported refusal." });
  });

  it("any other exception is 500 internal_error without its message", async () => {
    const response = await call("/registry/actors/raw/http/throw", { headers: queryHeaders({ getOrCreateForKey: { name: "inspector", key: [] } }) });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ c: "internal_error", m: "Internal error. Read the server logs for more details.", md: {} });
    expect(text).not.toContain("secret");
  });

  it("a WebSocket upgrade sent to a raw HTTP path is invalid_request", async () => {
    const response = await call(rawPath, { headers: { ...queryHeaders({ getOrCreateForKey: { name: "counter", key: [] } }), Upgrade: "websocket" } });
    expect(response.status).toBe(400);
    expect(await errorBody(response)).toMatchObject({ c: "invalid_request" });
  });

  it("a failed request leaves the actor's state as it was", async () => {
    const key = uniqueKey();
    const headers = queryHeaders({ getOrCreateForKey: { name: "counter", key: [key] } });
    await call("/registry/actors/raw/http/increment", { method: "POST", headers });
    await call("/registry/actors/raw/http/increment", { method: "POST", headers: { ...headers, "X-RivetKit-Conn-Params": "{bad" } });
    await call("/registry/actors/raw/http/nope", { method: "POST", headers });
    const response = await call("/registry/actors/raw/http/", { headers });
    expect(await response.json()).toMatchObject({ count: 1 });
  });
});
