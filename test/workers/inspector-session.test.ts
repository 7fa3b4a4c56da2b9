import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { counter } from "../../examples/demo/actors/counter";
import { InspectorGate } from "../../src/inspector/auth";
import { setup } from "../../src/index";
import { call, errorBody, INSPECTOR_API as API, ORIGIN } from "./helpers";
import { INSPECTOR_TOKEN } from "./registry";

/** The inspector's sign-in cookie: a session the server checks itself (docs/protocol.md §13). */

const HOUR = 60 * 60 * 1000;

type Send = (request: Request) => Promise<Response>;
const toWorker: Send = (request) => exports.default.fetch(request);

function signIn(body: string, send = toWorker) {
  return send(new Request(`${ORIGIN}/registry/inspector/session`, { method: "POST", headers: { "content-type": "application/json" }, body }));
}

/** `name=value` of a sign-in's Set-Cookie. */
async function signedInCookie(send = toWorker): Promise<string> {
  const response = await signIn(JSON.stringify({ token: INSPECTOR_TOKEN }), send);
  expect(response.status).toBe(204);
  return response.headers.get("set-cookie")!.split(";")[0]!;
}

/** A cookie as the gate of `token` would have set it at time `at` (the same code as the Worker's, with its clock moved). */
async function mintedAt(at: number, token = INSPECTOR_TOKEN): Promise<string> {
  const header = await new InspectorGate({ token }, () => at).sessionCookie(new Request(`${ORIGIN}/registry/inspector/session`));
  return header.split(";")[0]!;
}

const namesWith = (cookie: string) => call(`${API}/actors`, { headers: { cookie } });

describe("the inspector's session cookie", () => {
  it("differs at each sign-in, does not hold the token, and each opens the API", async () => {
    const first = await signedInCookie();
    const second = await signedInCookie();
    expect(first).not.toBe(second);
    for (const cookie of [first, second]) {
      expect(cookie).not.toContain(INSPECTOR_TOKEN);
      expect((await namesWith(cookie)).status).toBe(200);
    }
  });

  it("still works when a page of the same site planted another cookie of its name (a browser sends both)", async () => {
    const good = await signedInCookie();
    const planted = "actorflare_inspector=junk";
    for (const cookie of [`${planted}; ${good}`, `${good}; ${planted}`, `other=1; ${planted}; ${good}`]) expect((await namesWith(cookie)).status).toBe(200);
    expect((await namesWith(`${planted}; actorflare_inspector=also-junk`)).status).toBe(401);
  });

  it("is refused by the server once 12 hours have passed since sign-in, whatever the browser keeps", async () => {
    const now = Date.now();
    expect((await namesWith(await mintedAt(now - 11 * HOUR))).status).toBe(200);
    const expired = await namesWith(await mintedAt(now - 12 * HOUR - 1000));
    expect(expired.status).toBe(401);
    expect(await errorBody(expired)).toMatchObject({ c: "unauthorized" });
  });

  it("is refused when any part of it is changed: a later expiry, another nonce, another MAC, cut short or padded", async () => {
    const cookie = await signedInCookie();
    const [name, value] = cookie.split("=") as [string, string];
    const [expires, nonce, mac] = value.split(".") as [string, string, string];
    const flip = (text: string) => `${text.slice(0, -1)}${text.endsWith("0") ? "1" : "0"}`;
    const forged = [
      `${Number(expires) + HOUR}.${nonce}.${mac}`,
      `${expires}.${flip(nonce)}.${mac}`,
      `${expires}.${nonce}.${flip(mac)}`,
      `${expires}.${nonce}.${mac.slice(0, -2)}`,
      `${expires}.${nonce}.${mac}0`,
      `${expires}.${nonce}.${mac}.x`,
      `${expires}.${mac}`,
      mac,
      "",
      INSPECTOR_TOKEN,
    ];
    for (const variant of forged) {
      const refused = await namesWith(`${name}=${variant}`);
      expect(refused.status, variant).toBe(401);
      expect(await errorBody(refused)).toMatchObject({ c: "unauthorized" });
    }
    expect((await namesWith(cookie)).status).toBe(200);
  });

  it("is refused when signed with another token, and every cookie stops working when the token is rotated", async () => {
    expect((await namesWith(await mintedAt(Date.now(), "another-inspector-token-0123456789"))).status).toBe(401);

    const cookie = await signedInCookie();
    const rotated = setup({ use: { counter }, inspector: { token: "the-rotated-inspector-token-0123" } });
    const send: Send = (request) => rotated.handler.fetch(request, env as unknown as Record<string, unknown>);
    const refused = await send(new Request(`${ORIGIN}${API}/actors`, { headers: { cookie } }));
    expect(refused.status).toBe(401);
    // The rotated Worker's own sign-in still works: what refused the old cookie is the token.
    const response = await signIn(JSON.stringify({ token: "the-rotated-inspector-token-0123" }), send);
    expect(response.status).toBe(204);
    const fresh = response.headers.get("set-cookie")!.split(";")[0]!;
    expect((await send(new Request(`${ORIGIN}${API}/actors`, { headers: { cookie: fresh } }))).status).toBe(200);
  });

  it("sign-out answers a cleared cookie for that browser", async () => {
    const cookie = await signedInCookie();
    const out = await call("/registry/inspector/session", { method: "DELETE", headers: { cookie } });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/^actorflare_inspector=; Path=\/registry\/inspector; HttpOnly; SameSite=Strict; Max-Age=0$/);
  });
});

describe("signing in", () => {
  it("answers a body that is not { token } as JSON with 400 invalid_request naming the body it needs, and sets no cookie", async () => {
    for (const body of ["{", "", "token=abc", "null", "[]", "{}", '{"token":5}', `"${INSPECTOR_TOKEN}"`]) {
      const refused = await signIn(body);
      expect(refused.status, body).toBe(400);
      expect(await errorBody(refused)).toMatchObject({ c: "invalid_request", m: expect.stringContaining('{"token":') });
      expect(refused.headers.get("set-cookie")).toBeNull();
    }
  });

  it("answers a well-formed body with a wrong token with 401 unauthorized", async () => {
    for (const token of ["not-the-token-at-all", "", `${INSPECTOR_TOKEN}x`]) {
      const refused = await signIn(JSON.stringify({ token }));
      expect(refused.status, token).toBe(401);
      expect(await errorBody(refused)).toMatchObject({ c: "unauthorized" });
      expect(refused.headers.get("set-cookie")).toBeNull();
    }
  });
});
