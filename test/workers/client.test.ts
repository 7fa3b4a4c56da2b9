import { exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { ActorError, createClient } from "../../src/client/index";
import { call, ORIGIN, testClient, uniqueKey } from "./helpers";
import { registry } from "./registry";

type Seen = { method: string; pathname: string; search: string; headers: Record<string, string>; bodyBytes: number[]; key: string[] };

/**
 * A client over SSE whose message POSTs pass through `onMessage` first (numbered from 1), which
 * answers one itself or returns undefined to send it on; `onStream` may wrap a stream's answer.
 */
function sseClient(options: {
  actionTimeout?: number;
  onMessage?: (n: number, request: Request) => Promise<Response> | undefined;
  onStream?: (response: Response) => Response;
}) {
  let posts = 0;
  return createClient<typeof registry>({
    endpoint: ORIGIN,
    transport: "sse",
    actionTimeout: options.actionTimeout,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const path = new URL(request.url).pathname;
      const answered = path.endsWith("/message") ? options.onMessage?.(++posts, request) : undefined;
      if (answered) return answered;
      const response = await exports.default.fetch(request);
      return path.endsWith("/connect/sse") && options.onStream ? options.onStream(response) : response;
    },
  });
}

/** A POST that never answers: it fails only when the client cuts it. */
const untilCut = (request: Request) => new Promise<Response>((_, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason)));

describe("client handles", () => {
  it("names that other code looks up on any object are not action calls: JSON.stringify, await and matchers leave the actor alone", async () => {
    const handle = testClient().counter.getOrCreate(uniqueKey());
    const conn = handle.connect();
    for (const target of [handle, conn] as unknown as Record<string, unknown>[]) {
      for (const name of ["then", "toJSON", "asymmetricMatch", "$$typeof"]) expect(target[name], name).toBeUndefined();
    }
    expect(JSON.stringify({ handle })).toBe('{"handle":{}}');
    // An action of such a name is still reached by name: this one does not exist, and says so.
    await expect(handle.action("toJSON", [])).rejects.toMatchObject({ code: "action_not_found" });
    await conn.dispose();
  });

  it("normalises the path: leading slash optional, no double slashes, query string kept", async () => {
    const handle = testClient().inspector.getOrCreate(uniqueKey());
    // A whole URL, as a string or a URL, gives its path and query (the host is the actor's).
    for (const path of [
      "api/x?y=1",
      "/api/x?y=1",
      "//api/x?y=1",
      "http://elsewhere/api/x?y=1",
      "HTTPS://elsewhere/api/x?y=1",
      new URL("http://elsewhere/api/x?y=1"),
    ]) {
      const seen = (await (await handle.fetch(path)).json()) as Seen;
      expect(seen.pathname).toBe("/api/x");
      expect(seen.search).toBe("?y=1");
    }
  });

  it("accepts a W3C Request, or a path plus a Request as init (the docs page's forward sample)", async () => {
    const handle = testClient().inspector.getOrCreate(uniqueKey());
    const request = new Request("http://elsewhere/api/echo?z=2", { method: "POST", headers: { "X-A": "1" }, body: "hello" });
    const seen = (await (await handle.fetch(request)).json()) as Seen;
    expect(seen).toMatchObject({ method: "POST", pathname: "/api/echo", search: "?z=2" });
    expect(seen.headers["x-a"]).toBe("1");
    expect(new TextDecoder().decode(new Uint8Array(seen.bodyBytes))).toBe("hello");

    const init = new Request("http://elsewhere/ignored", { method: "PATCH", body: "patched" });
    const viaInit = (await (await handle.fetch("/p", init)).json()) as Seen;
    expect(viaInit).toMatchObject({ method: "PATCH", pathname: "/p" });
    expect(new TextDecoder().decode(new Uint8Array(viaInit.bodyBytes))).toBe("patched");
  });

  it("a Request with an init is the Request with init's fields over its own, as fetch reads them", async () => {
    const handle = testClient().inspector.getOrCreate(uniqueKey());
    const request = new Request("http://elsewhere/echo", { method: "POST", body: "payload" });
    const seen = (await (await handle.fetch(request, { headers: { "X-A": "1" } })).json()) as Seen;
    expect(seen).toMatchObject({ method: "POST", pathname: "/echo" });
    expect(seen.headers["x-a"]).toBe("1");
    expect(new TextDecoder().decode(new Uint8Array(seen.bodyBytes))).toBe("payload");
  });

  it("a body given as a string or bytes arrives with its Content-Length (storage APIs need a known length)", async () => {
    const handle = testClient().inspector.getOrCreate(uniqueKey());
    for (const body of ["hello", new TextEncoder().encode("hello")]) {
      const seen = (await (await handle.fetch("/put", { method: "PUT", body })).json()) as Seen;
      expect(seen.headers["content-length"]).toBe("5");
    }
  });

  it("dot segments in a path stay inside the actor's raw routes: they never reach the registry's others", async () => {
    const key = uniqueKey();
    const handle = testClient().inspector.getOrCreate(key);
    for (const [path, expected] of [
      ["../../actions/x", "/actions/x"],
      ["%2e%2e/%2e%2e/destroy", "/destroy"],
      ["a/./b/../c", "/a/c"],
    ]) {
      const response = await handle.fetch(path as string, { method: "POST", body: "{}" });
      expect(response.status).toBe(200);
      expect(((await response.json()) as Seen).pathname).toBe(expected);
    }
    // The actor is still there: nothing was destroyed.
    expect(((await (await testClient().inspector.get(key).fetch("/read")).json()) as { hits: number }).hits).toBe(3);
  });

  it("a raw fetch asking for credentials works from a Worker, through the Worker and straight to the object", async () => {
    const key = uniqueKey();
    for (const handle of [testClient().inspector.getOrCreate(key), registry.createServer().client.inspector.getOrCreate(key)]) {
      const init = { credentials: "include" } as RequestInit;
      expect((await handle.fetch("/read", init)).status).toBe(200);
    }
  });

  it("a raw fetch passes the caller's cache mode on to the fetch that sends it (a browser's HTTP cache obeys it)", async () => {
    const modes: (string | undefined)[] = [];
    const client = createClient<typeof registry>({
      endpoint: ORIGIN,
      fetch: (input, init) => {
        modes.push((init as { cache?: string } | undefined)?.cache);
        return exports.default.fetch(new Request(input, init));
      },
    });
    const handle = client.inspector.getOrCreate(uniqueKey());
    expect((await handle.fetch("/read", { cache: "no-store" } as RequestInit)).status).toBe(200);
    expect((await handle.fetch(new Request("http://actor/read", { cache: "no-store" } as RequestInit))).status).toBe(200);
    expect((await handle.fetch("/read")).status).toBe(200);
    expect(modes).toEqual(["no-store", "no-store", undefined]);
  });

  it("a fetch with a WebSocket Upgrade header is refused with invalid_request pointing at websocket(), from the Worker too", async () => {
    const key = uniqueKey();
    for (const handle of [testClient().inspector.getOrCreate(key), registry.createServer().client.inspector.getOrCreate(key)]) {
      for (const request of [
        handle.fetch("/socket", { headers: { Upgrade: "websocket" } }),
        handle.fetch(new Request("http://elsewhere/socket", { headers: { upgrade: "WebSocket" } })),
      ]) {
        await expect(request).rejects.toMatchObject({ code: "invalid_request", message: expect.stringContaining("websocket(") });
      }
    }
    // Nothing reached onFetch: the actor was not even created.
    await expect(testClient().inspector.get(key).resolve()).rejects.toMatchObject({ code: "actor_not_found" });
  });

  it("over SSE, a call that times out while it waits its turn to be posted is not posted later: sent: false holds, it never runs", async () => {
    // A slow network: each message POST takes 150 ms, one at a time, and calls time out after 500 ms.
    let posting = 0;
    const client = sseClient({
      actionTimeout: 500,
      onMessage: async (_n, request) => {
        posting++;
        try {
          await scheduler.wait(150);
          return await exports.default.fetch(request);
        } finally {
          posting--;
        }
      },
    });
    const key = uniqueKey();
    const conn = client.chatRoom.getOrCreate(key).connect();
    await conn.stats();
    const texts = Array.from({ length: 12 }, (_, i) => `m${i}`);
    const outcomes = await Promise.allSettled(texts.map((text) => conn.action({ name: "send", args: [text] })));
    await vi.waitFor(() => expect(posting).toBe(0));
    const ran = new Set((await client.chatRoom.get(key).history()).map((message) => message.text));
    const unsent = outcomes.flatMap((outcome, i) =>
      outcome.status === "rejected" && ((outcome.reason as ActorError).metadata as { sent?: boolean } | undefined)?.sent === false ? [i] : [],
    );
    // 12 × 150 ms outlast the timeout: the later calls never left the queue.
    expect(unsent.length).toBeGreaterThan(0);
    for (const i of unsent) {
      expect((outcomes[i] as PromiseRejectedResult).reason).toMatchObject({ code: "action_timed_out", message: expect.stringContaining("waited behind") });
      expect(ran.has(texts[i]!)).toBe(false);
    }
    outcomes.forEach((outcome, i) => outcome.status === "fulfilled" && expect(ran.has(texts[i]!)).toBe(true));
    await conn.dispose();
  });

  it("over SSE, a message POST that a proxy answers or that breaks off fails its action alone: the connection stays open", async () => {
    const client = sseClient({
      // The second never reaches the Worker (a proxy's 503); the third breaks off.
      onMessage: (n) =>
        n === 2
          ? Promise.resolve(new Response("Your worker restarted mid-request.", { status: 503, headers: { "retry-after": "0" } }))
          : n === 3
            ? Promise.reject(new TypeError("fetch failed", { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) }))
            : undefined,
    });
    const conn = client.chatRoom.getOrCreate(uniqueKey()).connect();
    const statuses: string[] = [];
    conn.onStatusChange((status) => statuses.push(status));
    const { id } = await conn.whoami();
    await expect(conn.whoami()).rejects.toMatchObject({
      code: "connection_lost",
      message: expect.stringMatching(/answered 503 by something other than the Worker.*stays open/),
    });
    await expect(conn.whoami()).rejects.toMatchObject({
      code: "connection_lost",
      message: expect.stringMatching(/lost its connection before any answer \(other side closed\).*may or may not have run/),
    });
    expect((await conn.whoami()).id).toBe(id);
    expect(statuses).toEqual(["open"]);
    await conn.dispose();
  });

  it("over SSE, a message POST that never answers is cut at the call's timeout: the calls after it go out", async () => {
    // The second message POST stalls until it is cut.
    const client = sseClient({ actionTimeout: 1_000, onMessage: (n, request) => (n === 2 ? untilCut(request) : undefined) });
    const conn = client.chatRoom.getOrCreate(uniqueKey()).connect();
    const { id } = await conn.whoami();
    await expect(conn.whoami()).rejects.toMatchObject({ code: "action_timed_out", metadata: { sent: true } });
    // Made after the stalled one timed out: it does not wait behind it.
    expect((await conn.whoami()).id).toBe(id);
    await conn.dispose();
  });

  it("over SSE, a stream that ends while a message POST stalls reconnects: the stalled POST is cut after a grace", async () => {
    let stalledPost: Request | undefined;
    let endStream: (() => void) | undefined;
    const client = sseClient({
      onMessage: (n, request) => (n === 2 ? untilCut((stalledPost = request)) : undefined),
      onStream: (response) => {
        if (endStream || !response.body) return response;
        // The first stream: its end is the test's to call.
        const source = response.body.getReader();
        let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
        const readable = new ReadableStream<Uint8Array>({
          start: (c) => void (controller = c),
          pull: async (c) => {
            const chunk = await source.read().catch(() => ({ done: true as const, value: undefined }));
            if (chunk.done) c.close();
            else c.enqueue(chunk.value);
          },
          cancel: (reason) => source.cancel(reason),
        });
        endStream = () => {
          controller?.error(new Error("the network dropped the stream"));
          void source.cancel().catch(() => {});
        };
        return new Response(readable, response);
      },
    });
    const conn = client.chatRoom.getOrCreate(uniqueKey()).connect();
    const statuses: string[] = [];
    conn.onStatusChange((status) => statuses.push(status));
    const { id } = await conn.whoami();
    const stalled = conn.whoami();
    await vi.waitFor(() => expect(stalledPost).toBeDefined());
    endStream?.();
    await expect(stalled).rejects.toMatchObject({ code: "connection_lost" });
    await vi.waitFor(() => expect(statuses).toEqual(["open", "reconnecting", "open"]), { timeout: 20_000 });
    expect((await conn.whoami()).id).not.toBe(id);
    await conn.dispose();
  });

  it("createClient(endpoint, options) reads its options as createClient({ endpoint, ...options }) does", async () => {
    const urls: string[] = [];
    const client = createClient<typeof registry>("http://actors.test", {
      transport: "sse",
      fetch: (input, init) => {
        urls.push(new Request(input, init).url);
        return exports.default.fetch(new Request(input, init));
      },
    });
    const conn = client.counter.getOrCreate(uniqueKey()).connect();
    expect(await conn.increment(2)).toBe(2);
    await conn.dispose();
    expect(urls.some((url) => url.startsWith("http://actors.test/registry/actors/connect/sse"))).toBe(true);
  });

  it("createClient({ headers }) sends them with every request: actions, both transports' connections and messages, raw fetch, resolve; a request's own win", async () => {
    const seen: { url: string; gateway: string | null; encoding: string | null }[] = [];
    const client = createClient<typeof registry>("http://actors.test", {
      headers: { "x-gateway": "let-me-in", "x-rivetkit-encoding": "overridden" },
      fetch: (input, init) => {
        const request = new Request(input, init);
        seen.push({ url: request.url, gateway: request.headers.get("x-gateway"), encoding: request.headers.get("x-rivetkit-encoding") });
        return exports.default.fetch(request);
      },
    });
    const handle = client.counter.getOrCreate(uniqueKey());
    expect(await handle.increment(1)).toBe(1);
    await handle.resolve();
    for (const transport of ["websocket", "sse"] as const) {
      const conn = createClient<typeof registry>("http://actors.test", {
        transport,
        headers: { "x-gateway": "let-me-in" },
        fetch: (input, init) => {
          const request = new Request(input, init);
          seen.push({ url: request.url, gateway: request.headers.get("x-gateway"), encoding: null });
          return exports.default.fetch(request);
        },
      })
        .counter.getOrCreate(uniqueKey())
        .connect();
      expect(await conn.increment(2)).toBe(2);
      await conn.dispose();
    }
    await (await client.myActor.getOrCreate(uniqueKey()).fetch("/api/hello")).text();
    const paths = seen.map(({ url }) => new URL(url).pathname);
    for (const path of [
      "/registry/actors/actions/increment",
      "/registry/actors/resolve",
      "/registry/actors/connect/websocket",
      "/registry/actors/connect/sse",
      "/registry/actors/message",
      "/registry/actors/raw/http/api/hello",
    ]) {
      expect(paths, path).toContain(path);
    }
    expect(seen.filter(({ gateway }) => gateway !== "let-me-in")).toEqual([]);
    // The client's own protocol header won over the option's.
    expect(seen.find(({ url }) => url.endsWith("/actions/increment"))?.encoding).toBe("json");
  });

  it("a service binding's fetch passed without its object fails each call with connection_failed, saying how to pass it", async () => {
    const client = createClient<typeof registry>({ endpoint: "http://actors.test", fetch: exports.default.fetch, actionTimeout: 5_000 });
    const error = await client.counter
      .getOrCreate(uniqueKey())
      .increment(1)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ActorError);
    expect(error).toMatchObject({ code: "connection_failed" });
    expect((error as ActorError).message).toMatch(/without its object.*\(input, init\) => env\.SERVICE\.fetch\(input, init\)/);
  });

  it("createClient refuses headers that are not an object of strings", () => {
    for (const headers of [["x-a", "1"], { "x-a": 1 }, null, "x-a: 1", { "bad name": "1" }]) {
      expect(() => createClient({ endpoint: "http://127.0.0.1:8787", headers: headers as unknown as Record<string, string> }), JSON.stringify(headers)).toThrow(
        TypeError,
      );
    }
  });

  it("createClient refuses an encoding or transport it does not speak, at once and saying which it does", () => {
    const endpoint = "http://127.0.0.1:8787";
    expect(() => createClient({ endpoint, encoding: "msgpack" as "json" })).toThrow(/"json".*"cbor"/);
    expect(() => createClient({ endpoint, transport: "ws" as "websocket" })).toThrow(/"websocket".*"sse"/);
    for (const bad of [{}, { endpoint: "not a url" }, { endpoint: "ftp://x" }]) {
      expect(() => createClient(bad as { endpoint: string })).toThrow(/endpoint must be the Worker's http\(s\) URL/);
    }
    // A token in the endpoint's query (a PartySocket habit) would end up before the client's paths.
    for (const bad of ["http://127.0.0.1:8787/?token=alice", "http://127.0.0.1:8787#x", "/?token=alice"]) {
      expect(() => createClient(bad)).toThrow(/without a query string or fragment.*conn params/);
    }
    expect(() => createClient("http://user:secret@127.0.0.1:8787")).toThrow(/must not hold a user name or password \(got "http:\/\/…@127/);
  });

  it("a key past Latin-1 reaches the same actor over HTTP and over a connection", async () => {
    const key = [`é😀鍵-${uniqueKey()}`];
    const handle = testClient().counter.getOrCreate(key);
    expect(await handle.increment(2)).toBe(2);
    const conn = handle.connect();
    expect(await conn.increment(1)).toBe(3);
    await conn.dispose();
  });

  it("sends conn params given as an option to onAuth", async () => {
    const handle = testClient().inspector.getOrCreate(uniqueKey(), { params: { token: "bob" } });
    const seen = (await (await handle.fetch("/")).json()) as { auth: { user: string } };
    expect(seen.auth.user).toBe("bob");
  });

  it("resolve() returns the id and switches the handle to it", async () => {
    const key = uniqueKey();
    const handle = testClient().counter.getOrCreate(key);
    const id = await handle.resolve();
    expect(handle.query).toEqual({ getForId: { name: "counter", actorId: id } });
    expect(await (await handle.fetch("/")).json()).toMatchObject({ key: [key] });
  });

  it("get() of a missing actor answers 404 actor_not_found; resolve() throws ActorError", async () => {
    const handle = testClient().counter.get(uniqueKey());
    const response = await handle.fetch("/");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ c: "actor_not_found" });
    await expect(handle.resolve()).rejects.toMatchObject({ code: "actor_not_found" });
    await expect(handle.resolve()).rejects.toBeInstanceOf(ActorError);
  });

  it("the server-side client reaches actors by key from a Worker route", async () => {
    const key = uniqueKey();
    const first = await call(`/server/counter/${key}/increment`, { method: "POST" });
    expect(await first.json()).toEqual({ count: 1, key: [key] });
    const read = await testClient().counter.get(key).fetch("/");
    expect(await read.json()).toEqual({ count: 1, key: [key] });
  });
});
