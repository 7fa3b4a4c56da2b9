import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { counter } from "../../examples/demo/actors/counter";
import { setup } from "../../src/index";
import { byKey, call, counterAt, errorBody, INSPECTOR_API as API, INSPECTOR_BEARER as BEARER, ORIGIN, snapshotOf, uniqueKey } from "./helpers";
import { INSPECTOR_TOKEN } from "./registry";

/**
 * The inspector against pages of other origins. Its cookie is SameSite=Strict, which a browser
 * still sends from another port or subdomain of the same site; these requests carry the headers
 * Chromium sends from such a page (`Origin`, `Sec-Fetch-Site`, a `text/plain` body for a
 * `no-cors` fetch).
 */

/** Another app of the same site: the same host on another port. */
const OTHER = "http://127.0.0.1:8853";
const FROM_OTHER = { origin: OTHER, "sec-fetch-site": "same-site", "sec-fetch-mode": "no-cors" };
const FROM_PAGE = { origin: ORIGIN, "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors" };

async function signedInCookie(): Promise<string> {
  const response = await call("/registry/inspector/session", {
    method: "POST",
    headers: { "content-type": "application/json", ...FROM_PAGE },
    body: JSON.stringify({ token: INSPECTOR_TOKEN }),
  });
  expect(response.status).toBe(204);
  return response.headers.get("set-cookie")!.split(";")[0]!;
}

const countOf = async (key: string) => (await snapshotOf("counter", key)).state;

describe("the inspector's cookie from another origin", () => {
  it("runs no action for a page of another origin (text/plain, no-cors, Origin alone, Sec-Fetch-Site alone): 403 cross_origin_refused", async () => {
    const key = uniqueKey();
    await counterAt(key, 1);
    const cookie = await signedInCookie();
    const action = `${API}/actor/action?${byKey("counter", key)}`;
    const body = JSON.stringify({ name: "increment", args: [1000] });
    const attempts: Record<string, string>[] = [
      { ...FROM_OTHER, "content-type": "text/plain" },
      // fetch(..., { mode: "no-cors", body: string }): the browser adds text/plain;charset=UTF-8 itself.
      FROM_OTHER,
      { ...FROM_OTHER, "content-type": "application/json" },
      { origin: OTHER },
      { "sec-fetch-site": "same-site" },
      { "sec-fetch-site": "cross-site" },
      // Typed into the address bar: only the page itself may be opened that way.
      { "sec-fetch-site": "none" },
      { origin: "null", "sec-fetch-site": "cross-site" },
    ];
    for (const headers of attempts) {
      const refused = await call(action, { method: "POST", headers: { cookie, ...headers }, body });
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect(await errorBody(refused)).toMatchObject({ c: "cross_origin_refused", m: expect.stringContaining("Nothing was run") });
    }
    expect(await countOf(key)).toEqual({ count: 1 });
  });

  it("reads nothing and changes nothing from another origin: listings, snapshots, state, disconnects, the live view", async () => {
    const key = uniqueKey();
    await counterAt(key, 2);
    const cookie = await signedInCookie();
    for (const [method, path] of [
      ["GET", `${API}/actors`],
      ["GET", `${API}/list?name=counter`],
      ["GET", `${API}/actor?${byKey("counter", key)}`],
      ["PUT", `${API}/actor/state?${byKey("counter", key)}`],
      ["DELETE", `${API}/actor/schedule/x?${byKey("counter", key)}`],
      ["DELETE", "/registry/inspector/session"],
    ] as const) {
      const body = method === "PUT" ? JSON.stringify({ state: { count: 99 } }) : undefined;
      const refused = await call(path, { method, headers: { cookie, ...FROM_OTHER, "content-type": "application/json" }, body });
      expect(refused.status, `${method} ${path}`).toBe(403);
      const text = await refused.text();
      expect(JSON.parse(text)).toMatchObject({ c: "cross_origin_refused" });
      expect(text).not.toContain(key);
    }
    // Cross-site WebSocket hijacking: a browser sends the cookie on a WebSocket from any page of the site.
    const socket = await call(`${API}/actor/live?${byKey("counter", key)}`, {
      headers: { Upgrade: "websocket", cookie, origin: OTHER, "sec-fetch-site": "same-site", "sec-fetch-mode": "websocket" },
    });
    expect(socket.status).toBe(403);
    expect(socket.webSocket).toBeNull();
    expect(await countOf(key)).toEqual({ count: 2 });
  });

  it("works from the inspector's own page, and for tools that send neither Origin nor Sec-Fetch-Site", async () => {
    const key = uniqueKey();
    await counterAt(key, 1);
    const cookie = await signedInCookie();
    const action = `${API}/actor/action?${byKey("counter", key)}`;
    const allowed: Record<string, string>[] = [
      FROM_PAGE,
      { origin: ORIGIN },
      { "sec-fetch-site": "same-origin" },
      {},
      // The browser's own verdict wins over a URL a proxy in front rewrote (wrangler dev with an upstream host).
      { origin: "http://localhost:8787", "sec-fetch-site": "same-origin" },
    ];
    for (const headers of allowed) {
      const called = await call(action, {
        method: "POST",
        headers: { cookie, "content-type": "application/json; charset=utf-8", ...headers },
        body: JSON.stringify({ name: "increment", args: [1] }),
      });
      expect(called.status, JSON.stringify(headers)).toBe(200);
    }
    const live = await call(`${API}/actor/live?${byKey("counter", key)}`, {
      headers: { Upgrade: "websocket", cookie, origin: ORIGIN, "sec-fetch-site": "same-origin", "sec-fetch-mode": "websocket" },
    });
    expect(live.status).toBe(101);
    live.webSocket!.accept();
    live.webSocket!.close(1000);
    expect(await countOf(key)).toEqual({ count: 6 });
  });

  it("serves the page signed in when opened or reloaded; reached from another origin it answers 401 and the sign-in form", async () => {
    const cookie = await signedInCookie();
    const open = (headers: Record<string, string>) => call("/registry/inspector", { headers: { cookie, ...headers } });
    expect((await open({ "sec-fetch-site": "none", "sec-fetch-mode": "navigate" })).status).toBe(200);
    expect((await open({ "sec-fetch-site": "same-origin", "sec-fetch-mode": "navigate" })).status).toBe(200);
    expect((await open({ "sec-fetch-site": "same-site", "sec-fetch-mode": "no-cors" })).status).toBe(401);
    expect((await open({ "sec-fetch-site": "same-site", "sec-fetch-mode": "navigate" })).status).toBe(401);
  });

  it("a bearer token is not bound to an origin (browsers cannot send it across origins unasked)", async () => {
    const key = uniqueKey();
    await counterAt(key, 1);
    const called = await call(`${API}/actor/action?${byKey("counter", key)}`, {
      method: "POST",
      headers: { ...BEARER, ...FROM_OTHER, "content-type": "application/json" },
      body: JSON.stringify({ name: "increment", args: [1] }),
    });
    expect(called.status).toBe(200);
  });
});

describe("the inspector's bodies", () => {
  it("are JSON only: another content type is 415 invalid_request and nothing runs, bearer or cookie", async () => {
    const key = uniqueKey();
    await counterAt(key, 1);
    const cookie = await signedInCookie();
    for (const credential of [BEARER, { cookie, ...FROM_PAGE }]) {
      for (const type of [undefined, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp"]) {
        for (const [method, path, body] of [
          ["POST", `${API}/actor/action?${byKey("counter", key)}`, { name: "increment", args: [1000] }],
          ["PUT", `${API}/actor/state?${byKey("counter", key)}`, { state: { count: 1000 } }],
        ] as const) {
          const headers: Record<string, string> = { ...credential };
          if (type) headers["content-type"] = type;
          const refused = await call(path, { method, headers, body: type ? JSON.stringify(body) : new TextEncoder().encode(JSON.stringify(body)) });
          expect(refused.status, `${method} ${type} ${Object.keys(credential)}`).toBe(415);
          expect(await errorBody(refused)).toMatchObject({ c: "invalid_request", m: expect.stringContaining("Content-Type: application/json") });
        }
      }
    }
    expect(await countOf(key)).toEqual({ count: 1 });
  });

  it("signing in takes JSON only too: a form post sets no cookie", async () => {
    const refused = await call("/registry/inspector/session", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ token: INSPECTOR_TOKEN }),
    });
    expect(refused.status).toBe(415);
    expect(refused.headers.get("set-cookie")).toBeNull();
  });
});

describe("the inspector and setup({ cors })", () => {
  // An app that lets a page of another origin call its actors with credentials and an Authorization header.
  const app = setup({ use: { counter }, cors: { origin: [OTHER], allowHeaders: ["Authorization"] }, inspector: { token: INSPECTOR_TOKEN } });
  const send = (path: string, init: RequestInit) => app.handler.fetch(new Request(`${ORIGIN}${path}`, init), env as unknown as Record<string, unknown>);
  const corsHeaders = (response: Response) => [...response.headers.keys()].filter((name) => name.startsWith("access-control-"));

  it("grants the listed origin on the app's routes (so the test below means something)", async () => {
    const preflight = await send("/registry/actors/resolve", {
      method: "OPTIONS",
      headers: { origin: OTHER, "access-control-request-method": "POST", "access-control-request-headers": "authorization" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBe(OTHER);
    expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");
  });

  it("grants nothing under /registry/inspector: no preflight grant, no CORS headers on answers", async () => {
    const cookie = await signedInCookie();
    for (const path of ["/registry/inspector", `${API}/actors`, `${API}/actor/action?${byKey("counter", "x")}`, `${API}/actor/connections/x`, `${API}/nope`]) {
      const preflight = await send(path, {
        method: "OPTIONS",
        headers: { origin: OTHER, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
      });
      expect(corsHeaders(preflight), path).toEqual([]);
    }
    const callers: Record<string, string>[] = [
      { ...BEARER, origin: OTHER, "sec-fetch-site": "same-site", "sec-fetch-mode": "cors" },
      { cookie, origin: OTHER, "sec-fetch-site": "same-site", "sec-fetch-mode": "cors" },
    ];
    for (const headers of callers) {
      const names = await send(`${API}/actors`, { headers });
      expect(corsHeaders(names)).toEqual([]);
    }
    const page = await send("/registry/inspector", { headers: { origin: OTHER } });
    expect(corsHeaders(page)).toEqual([]);
  });
});
