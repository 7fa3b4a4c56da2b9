import { decode, encode } from "cbor-x";
import { describe, expect, it } from "vitest";
import { bodyOf, callAction, chatQuery, counterQuery, type ErrorBody, errorBody, hex, protocolPost, target, uniqueKey } from "./helpers";

/** The tests of docs/protocol.md §5.2 actions over HTTP. */
export function describeActions(): void {
  describe("§5.2 POST /registry/actors/actions/{action}", () => {
    it('§5.2\'s example, byte for byte: {"a":[5]} → 200 {"o":6} after a prior increment of 1', async () => {
      const query = JSON.stringify({ getOrCreateForKey: { name: "counter", key: [uniqueKey("main")] } });
      const send = (body: string) =>
        fetch(`${target.url}/registry/actors/actions/increment`, {
          method: "POST",
          headers: {
            "X-RivetKit-Encoding": "json",
            "X-RivetKit-Query": query,
            "X-RivetKit-Conn-Params": JSON.stringify({ token: "abc" }),
            "Content-Type": "application/json",
          },
          body,
        });
      const prior = await send('{"a":[1]}');
      expect(await prior.text()).toBe('{"o":1}');

      const response = await send('{"a":[5]}');
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await response.text()).toBe('{"o":6}');
    });

    it("CBOR exactly as RivetKit's client encodes it (b9 00 01 61 61 81 05) → application/octet-stream {o}", async () => {
      const query = counterQuery(uniqueKey("cbor-action"));
      const body = encode({ a: [5] });
      expect(hex(body)).toBe("b9000161618105");
      const response = await fetch(`${target.url}/registry/actors/actions/increment`, {
        method: "POST",
        headers: { "X-RivetKit-Encoding": "cbor", "X-RivetKit-Query": JSON.stringify(query), "Content-Type": "application/octet-stream" },
        body,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/octet-stream");
      expect(decode(new Uint8Array(await response.arrayBuffer()))).toEqual({ o: 5 });
    });

    it("CBOR `undefined` (simple value 23) as an argument reaches the action as undefined (default parameter applies)", async () => {
      const query = counterQuery(uniqueKey("cbor-undefined"));
      const body = encode({ a: [undefined] });
      expect(hex(body)).toBe("b900016161" + "81f7");
      const response = await fetch(`${target.url}/registry/actors/actions/increment`, {
        method: "POST",
        headers: { "X-RivetKit-Encoding": "cbor", "X-RivetKit-Query": JSON.stringify(query), "Content-Type": "application/octet-stream" },
        body,
      });
      expect(response.status).toBe(200);
      expect(decode(new Uint8Array(await response.arrayBuffer()))).toEqual({ o: 1 });
    });

    it("CBOR output of a structured value (chat message) decodes to the same object as JSON", async () => {
      const query = chatQuery(uniqueKey("cbor-object"));
      const headers = { "X-RivetKit-Conn-Params": JSON.stringify({ name: "carol" }) };
      const response = await protocolPost("/registry/actors/actions/send", { query, encoding: "cbor", body: { a: ["hello"] }, headers });
      expect(response.status).toBe(200);
      const { o } = (await bodyOf(response, "cbor")) as { o: { from: string; text: string; at: number } };
      expect(o).toMatchObject({ from: "carol", text: "hello" });
      expect(typeof o.at).toBe("number");
      expect(await callAction(query, "history", [])).toEqual([o]);
    });

    it("the action name is percent-decoded", async () => {
      const query = counterQuery(uniqueKey("pct"));
      // `%69ncrement` is `increment` with its first letter escaped.
      const response = await protocolPost("/registry/actors/actions/%69ncrement", { query, body: { a: [2] } });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ o: 2 });

      // A name with a space and a slash, as encodeURIComponent sends it, is decoded before lookup.
      const odd = await protocolPost(`/registry/actors/actions/${encodeURIComponent("no such/action")}`, { query, body: { a: [] } });
      expect(odd.status).toBe(400);
      expect(await errorBody(odd, "json")).toEqual({ c: "action_not_found", m: "Action 'no such/action' not found." });
    });

    it("`a` that is not an array → 400 invalid_action_request (JSON and CBOR); an undecodable body too", async () => {
      const query = counterQuery(uniqueKey("bad-args"));
      for (const encoding of ["json", "cbor"] as const) {
        for (const body of [{ a: 5 }, { a: { 0: 1 } }, {}]) {
          const response = await protocolPost("/registry/actors/actions/increment", { query, encoding, body });
          expect(response.status).toBe(400);
          expect((await errorBody(response, encoding)).c).toBe("invalid_action_request");
        }
      }
      const garbage = await fetch(`${target.url}/registry/actors/actions/increment`, {
        method: "POST",
        headers: { "X-RivetKit-Encoding": "json", "X-RivetKit-Query": JSON.stringify(query), "Content-Type": "application/json" },
        body: "{not json",
      });
      expect(garbage.status).toBe(400);
      expect((await errorBody(garbage, "json")).c).toBe("invalid_action_request");
      // Nothing ran.
      expect(await callAction(query, "getCount", [])).toBe(0);
    });

    it("unknown action → 400 action_not_found, `Action 'nope' not found.` (JSON and CBOR bodies)", async () => {
      const query = counterQuery(uniqueKey("nope"));
      const json = await protocolPost("/registry/actors/actions/nope", { query, body: { a: [] } });
      expect(json.status).toBe(400);
      expect(json.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await errorBody(json, "json")).toEqual({ c: "action_not_found", m: "Action 'nope' not found." });

      const cbor = await protocolPost("/registry/actors/actions/nope", { query, encoding: "cbor", body: { a: [] } });
      expect(cbor.status).toBe(400);
      expect(cbor.headers.get("content-type")).toBe("application/octet-stream");
      expect(await errorBody(cbor, "cbor")).toEqual({ c: "action_not_found", m: "Action 'nope' not found." });
    });

    it("Object.prototype members are not actions", async () => {
      const query = counterQuery(uniqueKey("proto"));
      for (const name of ["toString", "constructor", "__proto__", "hasOwnProperty"]) {
        const response = await protocolPost(`/registry/actors/actions/${encodeURIComponent(name)}`, { query, body: { a: [] } });
        expect(response.status).toBe(400);
        expect((await errorBody(response, "json")).c).toBe("action_not_found");
      }
    });

    it("a UserError from the actor → 400 with its code and message", async () => {
      for (const encoding of ["json", "cbor"] as const) {
        const response = await protocolPost("/registry/actors/actions/send", { query: chatQuery(uniqueKey("user-error")), encoding, body: { a: [""] } });
        expect(response.status).toBe(400);
        const body = await errorBody(response, encoding);
        expect(body.c).toBe("empty_message");
        expect(body.m).toBe("A message needs some text.");
      }
    });

    it("encoding header missing or unknown → 400 invalid_encoding, with a JSON error body", async () => {
      const query = JSON.stringify(counterQuery(uniqueKey("encoding")));
      for (const encoding of [undefined, "xml", "JSON"]) {
        const headers: Record<string, string> = { "X-RivetKit-Query": query, "Content-Type": "application/json" };
        if (encoding) headers["X-RivetKit-Encoding"] = encoding;
        const response = await fetch(`${target.url}/registry/actors/actions/getCount`, { method: "POST", headers, body: '{"a":[]}' });
        expect(response.status).toBe(400);
        expect((await errorBody(response, "json")).c).toBe("invalid_encoding");
      }
    });

    it("error bodies are CBOR when the request encoding is cbor, JSON when it is absent", async () => {
      const cbor = await protocolPost("/registry/actors/resolve", { query: { getForKey: { name: "counter", key: [uniqueKey("err")] } }, encoding: "cbor" });
      expect(cbor.headers.get("content-type")).toBe("application/octet-stream");
      const bytes = new Uint8Array(await cbor.arrayBuffer());
      expect(() => JSON.parse(new TextDecoder().decode(bytes))).toThrow();
      expect((decode(bytes) as ErrorBody).c).toBe("actor_not_found");

      const absent = await fetch(`${target.url}/registry/actors/resolve`, { method: "POST", headers: { "X-RivetKit-Query": "{nope" }, body: "{}" });
      expect(absent.status).toBe(400);
      expect(absent.headers.get("content-type")).toMatch(/^application\/json/);
      expect(((await absent.json()) as ErrorBody).c).toMatch(/^invalid_/);
    });
  });
}
