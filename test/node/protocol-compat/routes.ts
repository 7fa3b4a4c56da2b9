import { describe, expect, it } from "vitest";
import { counterQuery, errorBody, HEX_ID, protocolPost, target, uniqueKey } from "./helpers";

/** The tests of docs/protocol.md §1 routes, §10 CORS. */
export function describeRoutes(): void {
  describe("§1 routes", () => {
    it("GET /registry answers a plain-text banner", async () => {
      const response = await fetch(`${target.url}/registry`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(await response.text()).toContain("counter");
    });

    it("an endpoint with a trailing slash (`//registry/…`) still reaches the route", async () => {
      const response = await fetch(`${target.url}//registry/actors/resolve`, {
        method: "POST",
        headers: { "X-RivetKit-Query": JSON.stringify(counterQuery(uniqueKey("slash"))), "X-RivetKit-Encoding": "json" },
        body: "{}",
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { i: string }).i).toMatch(HEX_ID);
    });

    it("an unknown route is 404 with a structured {c, m} body (JSON without encoding, CBOR with it)", async () => {
      const plain = await fetch(`${target.url}/registry/actors/nowhere/at/all`);
      expect(plain.status).toBe(404);
      const body = await errorBody(plain, "json");
      expect(body.c).toBeTruthy();

      const cbor = await fetch(`${target.url}/registry/actors/nowhere/at/all`, { headers: { "X-RivetKit-Encoding": "cbor" } });
      expect(cbor.status).toBe(404);
      expect((await errorBody(cbor, "cbor")).c).toBe(body.c);
    });

    it("the connect WebSocket route without Upgrade is 426", async () => {
      const response = await fetch(`${target.url}/registry/actors/connect/websocket`, {
        headers: { "X-RivetKit-Query": JSON.stringify(counterQuery(uniqueKey("426"))), "X-RivetKit-Encoding": "json" },
      });
      expect(response.status).toBe(426);
      await errorBody(response, "json");
    });

    // The demo worker keeps the default CORS policy: any origin may read answers, never with the
    // user's cookies. Listed origins (echoed, with credentials) are tested in test/workers/cors.test.ts.
    it("CORS preflight for an action is answered 204 for any origin, without credentials", async () => {
      const response = await fetch(`${target.url}/registry/actors/actions/increment`, {
        method: "OPTIONS",
        headers: {
          Origin: "http://example.test",
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "x-rivetkit-query,x-rivetkit-encoding",
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("access-control-allow-credentials")).toBeNull();
      expect(response.headers.get("access-control-allow-methods") ?? "").toMatch(/POST/);
      expect((response.headers.get("access-control-allow-headers") ?? "").toLowerCase()).toContain("x-rivetkit-query");
      expect((response.headers.get("access-control-allow-headers") ?? "").toLowerCase()).toContain("x-rivetkit-encoding");
    });

    it("a cross-origin request gets the same allow-origin, without credentials", async () => {
      const response = await protocolPost("/registry/actors/actions/getCount", {
        query: counterQuery(uniqueKey("cors")),
        body: { a: [] },
        headers: { Origin: "http://example.test" },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("access-control-allow-credentials")).toBeNull();
      expect(await response.json()).toEqual({ o: 0 });
    });
  });
}
