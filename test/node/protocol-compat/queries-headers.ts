import { describe, expect, it } from "vitest";
import { counterQuery, errorBody, HEX_ID, protocolPost, resolveId, target, uniqueKey } from "./helpers";

/** The tests of docs/protocol.md §2 query, §3 headers. */
export function describeQueriesAndHeaders(): void {
  describe("§2 queries and §3 headers", () => {
    it("a string key is the same actor as [key]", async () => {
      const key = uniqueKey("norm");
      const asString = await resolveId({ getOrCreateForKey: { name: "counter", key } });
      expect(await resolveId({ getForKey: { name: "counter", key: [key] } })).toBe(asString);
    });

    it("`create` carrying the client's whole option bag (params, signal: {}) is accepted", async () => {
      const key = uniqueKey("bag");
      const id = await resolveId({ create: { name: "counter", key: [key], params: { x: 1 }, signal: {}, region: "weur", input: { start: 1 } } });
      expect(id).toMatch(HEX_ID);
    });

    it("malformed query JSON is 400 invalid_query_json", async () => {
      const response = await fetch(`${target.url}/registry/actors/resolve`, {
        method: "POST",
        headers: { "X-RivetKit-Query": "{nope", "X-RivetKit-Encoding": "json" },
        body: "{}",
      });
      expect(response.status).toBe(400);
      expect((await errorBody(response, "json")).c).toBe("invalid_query_json");
    });

    it("a query of the wrong shape is 400 invalid_request; a missing query too", async () => {
      const wrong = await protocolPost("/registry/actors/resolve", { query: { getSomething: { name: "counter" } } });
      expect(wrong.status).toBe(400);
      expect((await errorBody(wrong, "json")).c).toBe("invalid_request");

      const missing = await protocolPost("/registry/actors/resolve", {});
      expect(missing.status).toBe(400);
      expect((await errorBody(missing, "json")).c).toBe("invalid_request");
    });

    it("an unregistered actor name is 404 actor_not_found", async () => {
      const response = await protocolPost("/registry/actors/resolve", { query: { getOrCreateForKey: { name: "nobody", key: ["x"] } } });
      expect(response.status).toBe(404);
      expect((await errorBody(response, "json")).c).toBe("actor_not_found");
    });

    it("X-RivetKit-Query and X-RivetKit-Actor-Query together must name the same actor, else 400", async () => {
      const a = counterQuery(uniqueKey("one"));
      const b = counterQuery(uniqueKey("other"));
      const idA = await resolveId(a);
      const differing = await protocolPost("/registry/actors/resolve", { query: a, headers: { "X-RivetKit-Actor-Query": JSON.stringify(b) } });
      expect(differing.status).toBe(400);
      expect((await errorBody(differing, "json")).c).toBe("invalid_request");
      const same = await protocolPost("/registry/actors/resolve", { query: a, headers: { "X-RivetKit-Actor-Query": JSON.stringify(a) } });
      expect(same.status).toBe(200);
      expect(await same.json()).toEqual({ i: idA });
    });

    it("X-RivetKit-Actor-Query alone (the query header's other name) is accepted", async () => {
      const query = counterQuery(uniqueKey("other-name"));
      const id = await resolveId(query);
      const response = await fetch(`${target.url}/registry/actors/resolve`, {
        method: "POST",
        headers: { "X-RivetKit-Actor-Query": JSON.stringify(query), "X-RivetKit-Encoding": "json" },
        body: "{}",
      });
      expect(await response.json()).toEqual({ i: id });
    });

    it("conn params that are not JSON are 400 invalid_params", async () => {
      const response = await protocolPost("/registry/actors/actions/getCount", {
        query: counterQuery(uniqueKey("params")),
        body: { a: [] },
        headers: { "X-RivetKit-Conn-Params": "{not json" },
      });
      expect(response.status).toBe(400);
      expect((await errorBody(response, "json")).c).toBe("invalid_params");
    });

    it("conn params `null` (sent by the client whenever not undefined) are fine", async () => {
      const response = await protocolPost("/registry/actors/actions/getCount", {
        query: counterQuery(uniqueKey("null-params")),
        body: { a: [] },
        headers: { "X-RivetKit-Conn-Params": "null" },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ o: 0 });
    });

    it("a User-Agent of RivetKit's form is ignored", async () => {
      const response = await protocolPost("/registry/actors/actions/getCount", {
        query: counterQuery(uniqueKey("ua")),
        body: { a: [] },
        headers: { "User-Agent": "RivetKit/2.0.0 node" },
      });
      expect(response.status).toBe(200);
    });
  });
}
