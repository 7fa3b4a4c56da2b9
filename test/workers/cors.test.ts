import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { setup, type CorsOptions } from "../../src/index";
import { ORIGIN, uniqueKey } from "./helpers";
import { registry } from "./registry";

// Each policy is a registry of its own over the same actors (the bindings are the test worker's),
// called through its handler like the front Worker is.
function handlerWith(cors: CorsOptions | false) {
  const policy = setup({ use: registry.actors, cors });
  return (path: string, init: RequestInit) => policy.handler.fetch(new Request(ORIGIN + path, init), env as unknown as Record<string, unknown>);
}

const preflight = (origin: string, requestHeaders = "x-rivetkit-query,x-rivetkit-encoding") => ({
  method: "OPTIONS",
  headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": requestHeaders },
});

const action = (origin: string | undefined) => ({
  method: "POST",
  headers: {
    ...(origin ? { Origin: origin } : {}),
    "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name: "counter", key: [uniqueKey()] } }),
    "X-RivetKit-Encoding": "json",
  },
  body: JSON.stringify({ a: [] }),
});

describe("CORS", () => {
  it("by default any origin may read answers, but never with credentials", async () => {
    const call = handlerWith({});
    const answer = await call("/registry/actors/actions/getCount", action("https://elsewhere.example"));
    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(answer.headers.get("access-control-allow-credentials")).toBeNull();
    const pre = await call("/registry/actors/actions/getCount", preflight("null"));
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
    expect(pre.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("a preflight grants the protocol's headers (and those configured), never ones it was asked for blindly", async () => {
    const pre = await handlerWith({ allowHeaders: ["Authorization"] })(
      "/registry/actors/actions/getCount",
      preflight("https://app.example", "cookie,authorization,x-rivetkit-query"),
    );
    const allowed = (pre.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(", ");
    expect(allowed).toEqual(expect.arrayContaining(["x-rivetkit-query", "x-rivetkit-conn-params", "content-type", "authorization"]));
    expect(allowed).not.toContain("cookie");
  });

  it("a preflight grants every header RivetKit 2.3's client may send (its skip-ready-wait option included)", async () => {
    const pre = await handlerWith({})("/registry/gateway/counter/action/getCount", preflight("https://app.example", "x-rivet-skip-ready-wait"));
    const allowed = (pre.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(", ");
    const rivetKit = ["x-rivet-query", "x-rivet-encoding", "x-rivet-conn-params", "x-rivet-actor", "x-rivet-actor-generation", "x-rivet-actor-key"];
    rivetKit.push("x-rivet-target", "x-rivet-namespace", "x-rivet-token", "x-rivet-skip-ready-wait");
    expect(allowed).toEqual(expect.arrayContaining(rivetKit));
  });

  it("listed origins get their origin echoed with credentials; others and `null` get nothing", async () => {
    const call = handlerWith({ origin: ["https://app.example"] });
    const listed = await call("/registry/actors/actions/getCount", action("https://app.example"));
    expect(listed.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(listed.headers.get("access-control-allow-credentials")).toBe("true");
    expect(listed.headers.get("vary")).toContain("Origin");
    const listedPre = await call("/registry/actors/actions/getCount", preflight("https://app.example"));
    expect(listedPre.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(listedPre.headers.get("access-control-allow-credentials")).toBe("true");

    for (const origin of ["https://evil.example", "null"]) {
      const refused = await call("/registry/actors/actions/getCount", preflight(origin));
      expect(refused.status).toBe(204);
      expect(refused.headers.get("access-control-allow-origin")).toBeNull();
      const answer = await call("/registry/actors/actions/getCount", action(origin));
      expect(answer.status).toBe(403);
      expect(answer.headers.get("access-control-allow-origin")).toBeNull();
      expect(answer.headers.get("access-control-allow-credentials")).toBeNull();
      // The answer depends on the origin, granted or not: a cache must not hand it to another.
      expect(answer.headers.get("vary")).toContain("Origin");
      expect(refused.headers.get("vary")).toContain("Origin");
    }
    const noOrigin = await call("/registry/actors/actions/getCount", action(undefined));
    expect(noOrigin.headers.get("vary")).toContain("Origin");
    // A plain OPTIONS on raw HTTP (no preflight) says it once, with an origin or without.
    const query = { "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name: "inspector", key: [] } }) };
    for (const origin of [{}, { Origin: "https://evil.example" }] as Record<string, string>[]) {
      const plain = await call("/registry/actors/raw/http/x", { method: "OPTIONS", headers: { ...query, ...origin } });
      expect(plain.headers.get("vary")).toBe("Origin");
    }
  });

  it("a function decides per origin; credentials can be turned off for listed origins", async () => {
    const call = handlerWith({ origin: (origin) => origin.endsWith(".example"), credentials: false });
    const listed = await call("/registry/actors/actions/getCount", action("https://a.example"));
    expect(listed.headers.get("access-control-allow-origin")).toBe("https://a.example");
    expect(listed.headers.get("access-control-allow-credentials")).toBeNull();
    const other = await call("/registry/actors/actions/getCount", action("https://a.test"));
    expect(other.status).toBe(403);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  // JavaScript can hand in what TypeScript refuses: a promise would count as yes, with credentials.
  it("an origin function that answers a promise or anything but a boolean, or throws, refuses the origin and says why in the log", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      for (const origin of [
        async () => false,
        () => "yes",
        () => 1,
        () => {
          throw new Error("allowlist unavailable");
        },
      ]) {
        const call = handlerWith({ origin: origin as unknown as (origin: string) => boolean });
        const refused = await call("/registry/actors/actions/getCount", action("https://evil.example"));
        expect(refused.status).toBe(403);
        expect(await refused.json()).toMatchObject({ c: "cross_origin_refused" });
        expect(refused.headers.get("access-control-allow-origin")).toBeNull();
        const asked = await call("/registry/actors/actions/getCount", preflight("https://evil.example"));
        expect(asked.status).toBe(204);
        expect(asked.headers.get("access-control-allow-origin")).toBeNull();
      }
      const logged = errors.mock.calls.map((args) => args.join(" "));
      expect(logged.some((line) => line.includes("answered a promise") && line.includes("true or false at once"))).toBe(true);
      expect(logged.some((line) => line.includes("answered string"))).toBe(true);
      expect(logged.some((line) => line.includes("origin function threw") && line.includes("allowlist unavailable"))).toBe(true);
    } finally {
      errors.mockRestore();
    }
  });

  it("a plain OPTIONS on a raw HTTP route is answered like a preflight; with cors: false it reaches onFetch", async () => {
    const headers = (origin?: string) => ({
      ...(origin ? { Origin: origin } : {}),
      "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name: "inspector", key: [uniqueKey()] } }),
    });
    const listed = await handlerWith({ origin: ["https://app.example"] })("/registry/actors/raw/http/x", {
      method: "OPTIONS",
      headers: headers("https://app.example"),
    });
    expect(listed.status).toBe(204);
    expect(listed.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(listed.headers.get("access-control-allow-credentials")).toBe("true");
    expect(listed.headers.get("access-control-allow-methods")).toContain("OPTIONS");
    expect(listed.headers.get("access-control-max-age")).toBe("600");
    const unlisted = await handlerWith({ origin: ["https://app.example"] })("/registry/actors/raw/http/x", {
      method: "OPTIONS",
      headers: headers("https://evil.example"),
    });
    expect(unlisted.status).toBe(204);
    expect([...unlisted.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);

    const off = await handlerWith(false)("/registry/actors/raw/http/x", { method: "OPTIONS", headers: headers() });
    expect(off.status).toBe(200);
    expect(((await off.json()) as { method: string }).method).toBe("OPTIONS");
  });

  it("cors: false adds nothing; same-origin requests (no Origin header) never need it", async () => {
    const off = await handlerWith(false)("/registry/actors/actions/getCount", action("https://app.example"));
    expect(off.status).toBe(200);
    expect(off.headers.get("access-control-allow-origin")).toBeNull();
    const sameOrigin = await handlerWith({ origin: ["https://app.example"] })("/registry/actors/actions/getCount", action(undefined));
    expect(sameOrigin.status).toBe(200);
    expect(sameOrigin.headers.get("access-control-allow-origin")).toBeNull();
  });

  // CORS decides what a page may read. A browser still sends, from any page and with the user's
  // cookies, what needs no preflight: WebSocket upgrades, and simple requests such as a
  // text/plain POST to a raw route. The origin gate stops those before onAuth.
  describe("the origin gate", () => {
    const rawQuery = (key: string) => ({ "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name: "inspector", key: [key] } }) });
    const hits = async (key: string) => {
      const read = await handlerWith(false)("/registry/actors/raw/http/read", { headers: rawQuery(key) });
      return ((await read.json()) as { hits: number }).hits;
    };

    it("with an origin list, a page of another origin is refused before onAuth: 403 cross_origin_refused, nothing runs", async () => {
      const call = handlerWith({ origin: ["https://app.example"] });
      const key = uniqueKey();
      const upgrade = await call("/registry/actors/raw/websocket/", {
        headers: { ...rawQuery(key), Origin: "https://evil.example", Upgrade: "websocket", "Sec-WebSocket-Protocol": "rivet" },
      });
      expect(upgrade.status).toBe(403);
      expect(await upgrade.json()).toMatchObject({ c: "cross_origin_refused", m: expect.stringContaining("https://evil.example") });
      const simplePost = await call("/registry/actors/raw/http/count", {
        method: "POST",
        headers: { ...rawQuery(key), Origin: "https://evil.example", "Content-Type": "text/plain" },
        body: "x",
      });
      expect(simplePost.status).toBe(403);
      expect(simplePost.headers.get("vary")).toContain("Origin");
      // Neither reached the actor: it was not even created (creating it here starts at 0 hits).
      expect(await hits(key)).toBe(0);
      // The Worker's own origin is not a page of another origin, listed or not; no Origin is a tool.
      for (const origin of [{ Origin: ORIGIN }, {}] as Record<string, string>[]) {
        const own = await call("/registry/actors/raw/http/count", { method: "POST", headers: { ...rawQuery(key), ...origin }, body: "x" });
        expect(own.status).toBe(200);
      }
      expect(await hits(key)).toBe(2);
    });

    it("an origin granted without credentials (the default `*`, or credentials: false) does not get the user's cookies through", async () => {
      for (const cors of [{}, { origin: ["https://app.example"], credentials: false }] as CorsOptions[]) {
        const echoed = await handlerWith(cors)("/registry/actors/raw/http/echo", {
          method: "POST",
          headers: { ...rawQuery(uniqueKey()), Origin: "https://app.example", Cookie: "session=secret", "Content-Type": "text/plain" },
          body: "x",
        });
        expect(echoed.status).toBe(200);
        const { headers } = (await echoed.json()) as { headers: Record<string, string> };
        expect(headers.cookie).toBeUndefined();
        expect(headers.origin).toBe("https://app.example");
      }
      // A WebSocket upgrade without its cookie still opens.
      const upgrade = await handlerWith({})("/registry/actors/raw/websocket/", {
        headers: { ...rawQuery(uniqueKey()), Origin: "https://app.example", Cookie: "session=secret", Upgrade: "websocket" },
      });
      expect(upgrade.status).toBe(101);
      upgrade.webSocket!.accept();
      upgrade.webSocket!.close(1000);
      // A listed origin with credentials, and the Worker's own pages, keep them.
      for (const [cors, origin] of [
        [{ origin: ["https://app.example"] }, "https://app.example"],
        [{}, ORIGIN],
      ] as [CorsOptions, string][]) {
        const echoed = await handlerWith(cors)("/registry/actors/raw/http/echo", {
          method: "POST",
          headers: { ...rawQuery(uniqueKey()), Origin: origin, Cookie: "session=secret", "Content-Type": "text/plain" },
          body: "x",
        });
        expect(((await echoed.json()) as { headers: Record<string, string> }).headers.cookie).toBe("session=secret");
      }
    });

    // A navigation (or an image's GET) carries no Origin, and RivetKit's gateway names the actor in
    // the URL, so another site's page could send the user there with the user's cookies.
    it("a request without Origin that the browser marks as from another site loses its cookie, with the default or a list", async () => {
      const gatewayUrl = (key: string) => `/registry/gateway/inspector/request/echo?rvt-namespace=default&rvt-method=getOrCreate&rvt-key=${key}`;
      const cookieSeen = async (cors: CorsOptions, site: string | undefined, origin?: string) => {
        const headers: Record<string, string> = { Cookie: "session=secret" };
        if (site !== undefined) headers["Sec-Fetch-Site"] = site;
        if (origin !== undefined) headers.Origin = origin;
        const echoed = await handlerWith(cors)(gatewayUrl(uniqueKey()), { headers });
        expect(echoed.status).toBe(200);
        return ((await echoed.json()) as { headers: Record<string, string> }).headers.cookie;
      };
      for (const cors of [{}, { origin: ["https://app.example"] }] as CorsOptions[]) {
        expect(await cookieSeen(cors, "cross-site")).toBeUndefined();
        expect(await cookieSeen(cors, "same-site")).toBeUndefined();
        // The Worker's own pages, a link the user typed or opened, and tools keep it.
        expect(await cookieSeen(cors, "same-origin")).toBe("session=secret");
        expect(await cookieSeen(cors, "none")).toBe("session=secret");
        expect(await cookieSeen(cors, undefined)).toBe("session=secret");
        // Fails closed on what a browser does not send: another case, a merged header, an unknown value.
        for (const odd of ["CROSS-SITE", " cross-site ", "cross-site, none", "", "sideways", "Same-Origin", "NONE"])
          expect(await cookieSeen(cors, odd)).toBeUndefined();
        // A request naming the Worker's own origin that the browser says is from another site.
        expect(await cookieSeen(cors, "cross-site", ORIGIN)).toBeUndefined();
        expect(await cookieSeen(cors, "same-origin", ORIGIN)).toBe("session=secret");
      }
    });
  });
});
