import http from "node:http";
import { decode as cborDecode } from "cbor-x";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionCases } from "./hostile-input/actions";
import { connectSseAndMessageCases } from "./hostile-input/connect-sse-message";
import { connectWebSocketCases } from "./hostile-input/connect-websocket";
import { destroyAndListCases } from "./hostile-input/destroy-list";
import { inspectorCases } from "./hostile-input/inspector";
import { rawCases } from "./hostile-input/raw";
import { resolveCases } from "./hostile-input/resolve";
import { rivet23ActorApiCases } from "./hostile-input/rivet23-actors";
import { rivet23GatewayCases } from "./hostile-input/rivet23-gateway";
import { runRivet23 } from "./hostile-input/rivet23-run";
import {
  ACTOR_NAMES,
  type Case,
  type Context,
  forgedInternal,
  type Headers,
  type HttpCase,
  json,
  jsonHeaders,
  KIB,
  KNOWN,
  KNOWN_CHAT,
  KNOWN_COUNT,
  NEVER,
  q,
  type SseCase,
  type WsCase,
} from "./hostile-input/table";
import { errorBodyOf, expectErrorBody, expectNoLeak, openSocket, readSse, send, target } from "./hostile-input/transport";
import { startWranglerDev, tempPersistDir, type WranglerDev } from "./wrangler-dev";

// Hostile input against the demo worker under ONE real `wrangler dev` (docs/protocol.md §1–§9): a
// table of malformed requests to every public route. Each must get a 4xx with a `{ c, m }` body
// (WebSockets: the upgrade is accepted and closed with 1011 and the error code as the reason;
// SSE: a 200 stream whose one event is the error, docs/protocol.md §7.3), never a 5xx,
// never a stack trace or a file path; afterwards the Worker still answers, no actor was created
// (the sentinel key `hostile-never` stays 404 for every actor name) and the known counter still
// holds 7. Requests are sent with node:http, byte for byte (no client-side URL normalisation).
// The rows are in test/node/hostile-input/, one file per route group; this file starts the
// server, checks the invariants after every row and runs them.

let server: WranglerDev | undefined;
let persist: { path: string; remove(): Promise<void> } | undefined;

const ctx: Context = { knownId: "", conn: { ai: "", ci: "", ct: "" } };
let sseAbort: AbortController | undefined;

// ---------------------------------------------------------------------------------------------
// Invariants checked after every case
// ---------------------------------------------------------------------------------------------

async function resolveStatus(query: unknown): Promise<number> {
  const response = await send("POST", "/registry/actors/resolve", { ...jsonHeaders, "X-RivetKit-Query": json(query) }, "{}");
  return response.status;
}

async function knownCount(): Promise<number> {
  const response = await send(
    "POST",
    "/registry/actors/actions/getCount",
    { ...jsonHeaders, "X-RivetKit-Query": json({ getForKey: { name: "counter", key: [KNOWN] } }) },
    json({ a: [] }),
  );
  expect(response.status).toBe(200);
  return (JSON.parse(response.body.toString()) as { o: number }).o;
}

/** The Worker answers, no sentinel actor exists, the known counter is untouched. */
async function expectNothingChanged(extraMustNotExist: Array<[string, string]> = []): Promise<void> {
  const banner = await send("GET", "/registry");
  expect(banner.status).toBe(200);
  expect(banner.body.toString()).toContain("actorflare registry");
  const sentinels: Array<[string, string]> = [...ACTOR_NAMES.map((name): [string, string] => [name, NEVER]), ...extraMustNotExist];
  const statuses = await Promise.all(sentinels.map(([name, key]) => resolveStatus({ getForKey: { name, key: [key] } })));
  expect(Object.fromEntries(sentinels.map(([name, key], i) => [`${name}/${key}`, statuses[i]]))).toEqual(
    Object.fromEntries(sentinels.map(([name, key]) => [`${name}/${key}`, 404])),
  );
  expect(await knownCount()).toBe(KNOWN_COUNT);
}

/** Every row, in route order; then the 2.3 wire's. */
const cases: Case[] = [
  ...resolveCases,
  ...actionCases,
  ...destroyAndListCases,
  ...connectWebSocketCases,
  ...connectSseAndMessageCases,
  ...rawCases,
  ...inspectorCases,
];
const rivet23Cases = [...rivet23ActorApiCases, ...rivet23GatewayCases];

// ---------------------------------------------------------------------------------------------
// Running a case
// ---------------------------------------------------------------------------------------------

const resolveHeaders = (headers: Headers | undefined) => (typeof headers === "function" ? headers(ctx) : (headers ?? {}));

async function runHttp(c: HttpCase): Promise<void> {
  const body = typeof c.body === "function" ? c.body(ctx) : c.body;
  const response = await send(c.method, c.path, resolveHeaders(c.headers), body);
  expectNoLeak(response.body.toString("utf8"));
  expect({ status: response.status, body: response.body.toString("utf8").slice(0, 300) }).toEqual({ status: c.status, body: expect.any(String) });
  expectErrorBody(errorBodyOf(response), c.code);
}

async function runWs(c: WsCase): Promise<void> {
  const outcome = await openSocket(c.path, c.protocols, resolveHeaders(c.headers), c.frames ?? [], c.afterInit ?? false);
  if ("status" in c.expect) {
    expect(outcome.kind).toBe("http");
    if (outcome.kind !== "http") return;
    expectNoLeak(outcome.response.body.toString("utf8"));
    expect(outcome.response.status).toBe(c.expect.status);
    expectErrorBody(errorBodyOf(outcome.response), c.expect.code);
    return;
  }
  const expected = c.expect;
  expect(outcome.kind).toBe("close");
  if (outcome.kind !== "close") return;
  expect([1011, 1008]).toContain(outcome.code);
  expect(outcome.reason).toBe(expected.close);
  expect(outcome.reason).toMatch(/^[a-z_]+$/);
  // Frames before the close: the init of a connection that opened, or the error itself.
  const decoded = outcome.messages.map((m) => (typeof m === "string" ? JSON.parse(m) : cborDecode(m)) as { b: Record<string, unknown> });
  for (const message of outcome.messages) expectNoLeak(typeof message === "string" ? message : JSON.stringify(cborDecode(message)));
  const errors = decoded.filter((m) => "e" in m.b).map((m) => m.b.e as { c: string; m: string });
  for (const error of errors) expectErrorBody(error, expected.close);
  if (expected.errorMessage) {
    expect(errors).toHaveLength(1);
    expect(typeof outcome.messages[0] === "string" ? "json" : "cbor").toBe(expected.errorMessage);
  }
  if (c.afterInit) expect(Object.keys(decoded[0]?.b ?? {})).toEqual(["i"]);
}

async function runSse(c: SseCase): Promise<void> {
  const { status, contentType, text } = await readSse(c.path ?? "/registry/actors/connect/sse", resolveHeaders(c.headers));
  expectNoLeak(text);
  // docs/protocol.md §7.3: the client cannot read an HTTP error body on SSE, so setup errors are a 200
  // stream carrying one error event, which then ends.
  expect(status).toBe(200);
  expect(contentType).toContain("text/event-stream");
  const events = text.split("\n\n").filter((e) => e.trim() !== "" && !e.startsWith(":"));
  expect(events).toHaveLength(1);
  const lines = events[0].split("\n");
  if (c.format === "event") {
    expect(lines).toEqual(["event: error", `data: ${c.code}`]);
    return;
  }
  expect(lines).toHaveLength(1);
  const data = lines[0].replace(/^data: /, "");
  const message = (c.format === "json" ? JSON.parse(data) : cborDecode(Buffer.from(data, "base64"))) as { b: { e: { c: string; m: string } } };
  expect(Object.keys(message.b)).toEqual(["e"]);
  expectErrorBody(message.b.e, c.code);
}

// ---------------------------------------------------------------------------------------------
// Setup
// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  persist = await tempPersistDir();
  server = await startWranglerDev({ persistTo: persist.path });
  target.port = Number(new URL(server.url).port);

  const created = await send(
    "POST",
    "/registry/actors/actions/increment",
    { ...jsonHeaders, "X-RivetKit-Query": json({ getOrCreateForKey: { name: "counter", key: [KNOWN] } }) },
    json({ a: [KNOWN_COUNT] }),
  );
  expect(created.status).toBe(200);
  expect(JSON.parse(created.body.toString())).toEqual({ o: KNOWN_COUNT });
  const resolved = await send("POST", "/registry/actors/resolve", { ...jsonHeaders, "X-RivetKit-Query": q.known }, "{}");
  ctx.knownId = (JSON.parse(resolved.body.toString()) as { i: string }).i;
  expect(ctx.knownId).toMatch(/^[0-9a-f]{64}$/);
  const chat = await send(
    "POST",
    "/registry/actors/resolve",
    { ...jsonHeaders, "X-RivetKit-Query": json({ getOrCreateForKey: { name: "chat", key: [KNOWN_CHAT] } }) },
    "{}",
  );
  expect(chat.status).toBe(200);

  // An SSE connection on the known counter, for the message route's cases; it stays open.
  sseAbort = new AbortController();
  const response = await fetch(`http://127.0.0.1:${target.port}/registry/actors/connect/sse`, {
    headers: { "X-RivetKit-Encoding": "json", "X-RivetKit-Query": q.known, Accept: "text/event-stream" },
    signal: sseAbort.signal,
  });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  let buffer = "";
  const deadline = Date.now() + 15_000;
  while (!buffer.includes("\n\n") && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += new TextDecoder().decode(value);
  }
  const init = JSON.parse(buffer.split("\n\n")[0].replace(/^data: /, "")) as { b: { i: Context["conn"] } };
  ctx.conn = init.b.i;
  expect(ctx.conn.ai).toBe(ctx.knownId);
  // Keep draining the stream in the background so the server's writes never back up.
  void (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {
      // aborted in afterAll
    }
  })();
});

afterAll(async () => {
  sseAbort?.abort();
  await server?.stop();
  await persist?.remove();
});

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe("hostile input: every public route", () => {
  it("the table covers at least 40 malformed requests over every public route", () => {
    const perRoute = new Map<string, number>();
    for (const c of cases) perRoute.set(c.route, (perRoute.get(c.route) ?? 0) + 1);
    console.log(`[hostile-input] ${cases.length} malformed requests:\n${[...perRoute].map(([route, n]) => `  ${String(n).padStart(3)}  ${route}`).join("\n")}`);
    expect(cases.length).toBeGreaterThanOrEqual(40);
    for (const route of [
      "resolve",
      "actions",
      "connect/websocket",
      "connect/sse",
      "message",
      "destroy",
      "list",
      "raw/http",
      "{name}/raw/http",
      "raw/websocket",
      "{name}/raw/websocket",
    ]) {
      expect(perRoute.get(route) ?? 0).toBeGreaterThan(0);
    }
  });

  it("the table covers every route of the 2.3 wire", () => {
    const perRoute = new Map<string, number>();
    for (const c of rivet23Cases) perRoute.set(c.route, (perRoute.get(c.route) ?? 0) + 1);
    console.log(
      `[hostile-input] ${rivet23Cases.length} malformed requests on the 2.3 wire:\n${[...perRoute].map(([route, n]) => `  ${String(n).padStart(3)}  ${route}`).join("\n")}`,
    );
    for (const route of [
      "metadata",
      "GET actors",
      "PUT actors",
      "POST actors",
      "DELETE actors",
      "gateway action",
      "gateway request",
      "gateway connect",
      "gateway websocket",
    ]) {
      expect(perRoute.get(`2.3 ${route}`) ?? 0).toBeGreaterThan(0);
    }
  });

  for (const c of cases) {
    it(`${c.route}: ${c.name}`, async () => {
      if (c.kind === "http") await runHttp(c);
      else if (c.kind === "ws") await runWs(c);
      else await runSse(c);
      await expectNothingChanged(c.mustNotExist);
    });
  }

  const known = { never: NEVER, known: KNOWN, knownChat: KNOWN_CHAT, knownId: () => ctx.knownId };
  for (const c of rivet23Cases) {
    it(`${c.route}: ${c.name}`, async () => {
      await runRivet23(c, known);
      await expectNothingChanged(c.mustNotExist);
    });
  }
});

describe("internal headers", () => {
  const internal = Object.keys(forgedInternal).map((name) => name.toLowerCase());

  it.each([
    ["name form", "/registry/actors/myActor/raw/http/api/echo", "X-RivetKit-Actor-Query"],
    ["RivetKit form", "/registry/actors/raw/http/api/echo", "X-RivetKit-Query"],
  ])("never reach onFetch (%s): /api/echo sends back only what the client may set", async (_label, path, queryHeader) => {
    const response = await send(
      "POST",
      path,
      {
        ...forgedInternal,
        [queryHeader]: json({ getOrCreateForKey: { name: "myActor", key: ["hostile-echo"] } }),
        "X-RivetKit-Encoding": "json",
        "X-Custom": "kept",
      },
      "ping",
    );
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe("ping");
    // The echo returns the request headers the handler saw as its response headers.
    const seen = response.headers;
    expect(seen["x-custom"]).toBe("kept");
    expect(Object.keys(seen).filter((name) => internal.includes(name) || name.startsWith("x-actorflare-"))).toEqual([]);
  });
});

describe("an oversized body without a length, on a kept-alive connection", () => {
  // RivetKit's client sends every action body chunked. A refusal that left the rest of the upload
  // unread made wrangler dev answer the next request on that connection 503.
  it.each([70, 300])("%s KiB: 413 message_too_long, and the next request on the same connection is answered", async (kib) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const post = (body: string, chunked: boolean) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const headers: Record<string, string | number> = { ...jsonHeaders, "X-RivetKit-Query": q.known };
        if (!chunked) headers["content-length"] = Buffer.byteLength(body);
        const request = http.request(
          { host: "127.0.0.1", port: target.port, path: "/registry/actors/actions/getCount", method: "POST", agent, headers },
          (response) => {
            let text = "";
            response.on("data", (chunk: Buffer) => (text += chunk));
            response.on("end", () => resolve({ status: response.statusCode!, body: text }));
          },
        );
        request.on("error", reject);
        if (!chunked) return request.end(body);
        for (let at = 0; at < body.length; at += 8 * KIB) request.write(body.slice(at, at + 8 * KIB));
        request.end();
      });
    try {
      const refused = await post(json({ a: ["x".repeat(kib * KIB)] }), true);
      expect(refused.status).toBe(413);
      expectErrorBody(JSON.parse(refused.body), "message_too_long");
      for (let i = 0; i < 2; i++) expect(await post(json({ a: [] }), false)).toEqual({ status: 200, body: json({ o: KNOWN_COUNT }) });
    } finally {
      agent.destroy();
    }
  });
});

describe("a GET or HEAD with a body", () => {
  // HTTP allows one; a Request in the Worker may not carry it, so onFetch gets the request without it.
  it.each(["GET", "HEAD"])("%s reaches onFetch without its body, rather than failing in the Worker", async (method) => {
    const headers = { "X-RivetKit-Query": json({ getOrCreateForKey: { name: "myActor", key: ["hostile-get-body"] } }) };
    const response = await send(method, "/registry/actors/raw/http/api/hello", headers, "a body a GET may not carry");
    expect(response.status).toBe(200);
    if (method === "GET") expect(JSON.parse(response.body.toString())).toEqual({ message: "Hello from actor!" });
  });
});

describe("refused by the runtime before the Worker runs (not actorflare's code)", () => {
  // workerd answers these itself, in plain text: the Worker never sees the request, so no
  // `{ c, m }` body is possible. What we check is that nothing breaks and nothing is created.
  it("a 300 KiB query header is 431 from workerd; the Worker keeps answering", async () => {
    const query = json({ getOrCreateForKey: { name: "counter", key: [NEVER], input: "i".repeat(300 * KIB) } });
    const response = await send("POST", "/registry/actors/resolve", { ...jsonHeaders, "X-RivetKit-Query": query }, "{}");
    expect(response.status).toBe(431);
    expectNoLeak(response.body.toString());
    await expectNothingChanged();
  });

  it("a method workerd does not know (`BREW`) is 501 from workerd; the Worker keeps answering", async () => {
    const response = await send("BREW", "/registry/actors/resolve", { ...jsonHeaders, "X-RivetKit-Query": q.never() }, "{}");
    expect(response.status).toBe(501);
    expectNoLeak(response.body.toString());
    await expectNothingChanged();
  });
});
