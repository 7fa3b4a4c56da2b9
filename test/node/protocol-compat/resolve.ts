import { decode, encode } from "cbor-x";
import { describe, expect, it } from "vitest";
import { callAction, counterQuery, errorBody, hex, HEX_ID, protocolPost, resolveId, target, uniqueKey } from "./helpers";

/** The tests of docs/protocol.md §5.1 resolve. */
export function describeResolve(): void {
  describe("§5.1 POST /registry/actors/resolve", () => {
    it("JSON: 200 {i} with the actor id (64 hex), application/json", async () => {
      const query = counterQuery(uniqueKey("resolve-json"));
      const response = await protocolPost("/registry/actors/resolve", { query });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      const body = (await response.json()) as { i: string };
      expect(Object.keys(body)).toEqual(["i"]);
      expect(body.i).toMatch(HEX_ID);
      // Stable: the same query resolves to the same id.
      expect(await resolveId(query)).toBe(body.i);
    });

    it("CBOR: an encoded empty object (b9 00 00) as application/octet-stream → CBOR {i}", async () => {
      const query = counterQuery(uniqueKey("resolve-cbor"));
      const requestBody = encode({});
      expect(hex(requestBody)).toBe("b90000");
      const response = await fetch(`${target.url}/registry/actors/resolve`, {
        method: "POST",
        headers: { "X-RivetKit-Query": JSON.stringify(query), "X-RivetKit-Encoding": "cbor", "Content-Type": "application/octet-stream" },
        body: requestBody,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/octet-stream");
      const body = decode(new Uint8Array(await response.arrayBuffer())) as { i: string };
      expect(Object.keys(body)).toEqual(["i"]);
      expect(body.i).toMatch(HEX_ID);
      expect(await resolveId(query, "json")).toBe(body.i);
    });

    it("getForKey for a key nobody created → 404 actor_not_found (JSON and CBOR)", async () => {
      for (const encoding of ["json", "cbor"] as const) {
        const response = await protocolPost("/registry/actors/resolve", { query: { getForKey: { name: "counter", key: [uniqueKey("missing")] } }, encoding });
        expect(response.status).toBe(404);
        if (encoding === "cbor") expect(response.headers.get("content-type")).toBe("application/octet-stream");
        expect((await errorBody(response, encoding)).c).toBe("actor_not_found");
      }
    });

    it("create, then create again → 409 actor_already_exists; getForKey and getForId then find it", async () => {
      const key = uniqueKey("create");
      const query = { create: { name: "counter", key: [key] } };
      const first = await protocolPost("/registry/actors/resolve", { query });
      expect(first.status).toBe(200);
      const { i: id } = (await first.json()) as { i: string };
      expect(id).toMatch(HEX_ID);

      const second = await protocolPost("/registry/actors/resolve", { query, encoding: "cbor" });
      expect(second.status).toBe(409);
      const body = await errorBody(second, "cbor");
      expect(body.c).toBe("actor_already_exists");

      expect(await resolveId({ getForKey: { name: "counter", key: [key] } })).toBe(id);
      expect(await resolveId({ getForId: { name: "counter", actorId: id } })).toBe(id);
    });

    it("getForId: without name accepted; another actor's name, or a malformed id → actor_not_found", async () => {
      const id = await resolveId(counterQuery(uniqueKey("by-id")));
      expect(await resolveId({ getForId: { actorId: id } })).toBe(id);

      const wrongName = await protocolPost("/registry/actors/resolve", { query: { getForId: { name: "chat", actorId: id } } });
      expect(wrongName.status).toBe(404);
      expect((await errorBody(wrongName, "json")).c).toBe("actor_not_found");

      const malformed = await protocolPost("/registry/actors/resolve", { query: { getForId: { name: "counter", actorId: "not-an-id" } } });
      expect(malformed.status).toBe(404);
      expect((await errorBody(malformed, "json")).c).toBe("actor_not_found");
    });

    it("getForId addresses the actor for actions", async () => {
      const key = uniqueKey("id-action");
      const id = await resolveId(counterQuery(key));
      expect(await callAction({ getForId: { name: "counter", actorId: id } }, "increment", [3])).toBe(3);
      expect(await callAction(counterQuery(key), "getCount", [])).toBe(3);
    });
  });
}
