import { randomUUID } from "node:crypto";
import { decode } from "cbor-x";
import { describe, expect, it } from "vitest";
import {
  BASE64,
  callAction,
  chatQuery,
  counterQuery,
  type ErrorBody,
  errorBody,
  expectInitShape,
  type Init,
  postMessage,
  resolveId,
  sseHeaders,
  SseStream,
  target,
  uniqueKey,
} from "./helpers";

/** The tests of docs/protocol.md §5.4 SSE + §5.5 message POST. */
export function describeConnectSseAndMessage(): void {
  describe("§5.4 connect SSE and §5.5 POST /registry/actors/message", () => {
    it("JSON: text/event-stream, no-cache, first data event is init; message POST → 200 `{}`, result on the stream", async () => {
      const query = counterQuery(uniqueKey("sse-json"));
      const stream = await SseStream.open(sseHeaders(query, "json"));
      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(stream.response.headers.get("cache-control")).toBe("no-cache");

      const first = await stream.next();
      expect(first?.lines).toEqual([`data: ${first?.data}`]);
      const init = (JSON.parse(first!.data) as { b: { i: Init } }).b.i;
      expectInitShape(init);
      expect(init.ai).toBe(await resolveId(query));

      const response = await postMessage(init, { b: { ar: { i: 0, n: "increment", a: [5] } } }, "json");
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("{}");
      expect(await stream.message("json")).toEqual({ b: { ar: { i: 0, o: 5 } } });

      // Subscribe through the message route; an HTTP increment is broadcast on the stream.
      expect(await (await postMessage(init, { b: { sr: { e: "newCount", s: true } } }, "json")).text()).toBe("{}");
      expect(await callAction(query, "increment", [1])).toBe(6);
      expect(await stream.message("json")).toEqual({ b: { ev: { n: "newCount", a: [6] } } });

      // An action error carries its id.
      await postMessage(init, { b: { ar: { i: 1, n: "nope", a: [] } } }, "json");
      expect(await stream.message("json")).toEqual({ b: { e: { c: "action_not_found", m: "Action 'nope' not found.", ai: 1 } } });
    });

    it("CBOR: data lines are base64 of the CBOR bytes; message POST body is CBOR, answer still JSON `{}`", async () => {
      const query = counterQuery(uniqueKey("sse-cbor"));
      const stream = await SseStream.open(sseHeaders(query, "cbor"));
      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(stream.response.headers.get("cache-control")).toBe("no-cache");

      const first = await stream.next();
      expect(first!.data).toMatch(BASE64);
      const init = (decode(Buffer.from(first!.data, "base64")) as { b: { i: Init } }).b.i;
      expectInitShape(init);

      const response = await postMessage(init, { b: { ar: { i: 0, n: "increment", a: [5] } } }, "cbor");
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("{}");
      expect(await stream.message("cbor")).toEqual({ b: { ar: { i: 0, o: 5 } } });

      await postMessage(init, { b: { ar: { i: 0, n: "nope", a: [] } } }, "cbor");
      expect(await stream.message("cbor")).toEqual({ b: { e: { c: "action_not_found", m: "Action 'nope' not found.", ai: 0 } } });
    });

    it("conn params header reaches the connection (chat name)", async () => {
      const query = chatQuery(uniqueKey("sse-params"));
      const stream = await SseStream.open(sseHeaders(query, "json", { name: "erin" }));
      const init = (await stream.message<{ b: { i: Init } }>("json")).b.i;
      await postMessage(init, { b: { ar: { i: 0, n: "send", a: ["yo"] } } }, "json");
      expect((await stream.message<{ b: { ar: { o: { from: string } } } }>("json")).b.ar.o.from).toBe("erin");
    });

    it("wrong token → 400 incorrect_conn_token; unknown conn → 400 conn_not_found; unknown actor → 404 actor_not_found", async () => {
      const query = counterQuery(uniqueKey("sse-auth"));
      const stream = await SseStream.open(sseHeaders(query, "json"));
      const init = (await stream.message<{ b: { i: Init } }>("json")).b.i;
      const message = { b: { ar: { i: 0, n: "increment", a: [1] } } };

      for (const encoding of ["json", "cbor"] as const) {
        const wrongToken = await postMessage(init, message, encoding, { token: Buffer.alloc(32, 1).toString("base64") });
        expect(wrongToken.status).toBe(400);
        expect((await errorBody(wrongToken, encoding)).c).toBe("incorrect_conn_token");

        const unknownConn = await postMessage(init, message, encoding, { conn: randomUUID() });
        expect(unknownConn.status).toBe(400);
        expect((await errorBody(unknownConn, encoding)).c).toBe("conn_not_found");
      }

      const otherActor = await resolveId(counterQuery(uniqueKey("sse-other")));
      const wrongActor = await postMessage(init, message, "json", { actor: otherActor });
      expect(wrongActor.status).toBe(400);
      expect((await errorBody(wrongActor, "json")).c).toBe("conn_not_found");

      const missingActor = await postMessage(init, message, "json", { actor: "0".repeat(64) });
      expect(missingActor.status).toBe(404);
      expect((await errorBody(missingActor, "json")).c).toBe("actor_not_found");

      // None of the refused messages ran.
      expect(await callAction(query, "getCount", [])).toBe(0);
    });

    it("a malformed message POST → 400 invalid_request (and the connection keeps working)", async () => {
      const query = counterQuery(uniqueKey("sse-malformed"));
      const stream = await SseStream.open(sseHeaders(query, "json"));
      const init = (await stream.message<{ b: { i: Init } }>("json")).b.i;
      const response = await fetch(`${target.url}/registry/actors/message`, {
        method: "POST",
        headers: { "X-RivetKit-Actor": init.ai, "X-RivetKit-Conn": init.ci, "X-RivetKit-Conn-Token": init.ct, "X-RivetKit-Encoding": "json" },
        body: "{nope",
      });
      expect(response.status).toBe(400);
      expect((await errorBody(response, "json")).c).toBe("invalid_request");
      await postMessage(init, { b: { ar: { i: 0, n: "getCount", a: [] } } }, "json");
      expect(await stream.message("json")).toEqual({ b: { ar: { i: 0, o: 0 } } });
    });

    it("a setup error on SSE is a 200 event stream with one `e` event, then the stream ends", async () => {
      for (const encoding of ["json", "cbor"] as const) {
        const stream = await SseStream.open(sseHeaders({ getForKey: { name: "counter", key: [uniqueKey("sse-missing")] } }, encoding));
        expect(stream.response.status).toBe(200);
        expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
        const message = await stream.message<{ b: { e: ErrorBody } }>(encoding);
        expect(message.b.e.c).toBe("actor_not_found");
        expect(await stream.next()).toBeUndefined();
      }
    });

    it("an unknown encoding on SSE is an `event: error` with the code as data", async () => {
      const stream = await SseStream.open({ "X-RivetKit-Query": JSON.stringify(counterQuery(uniqueKey("sse-xml"))), "X-RivetKit-Encoding": "xml" });
      expect(stream.response.status).toBe(200);
      const block = await stream.next();
      expect(block).toMatchObject({ event: "error", data: "invalid_encoding" });
      expect(await stream.next()).toBeUndefined();
    });

    it("closing the stream ends the connection (its id becomes conn_not_found)", async () => {
      const query = chatQuery(uniqueKey("sse-close"));
      const stream = await SseStream.open(sseHeaders(query, "json"));
      const init = (await stream.message<{ b: { i: Init } }>("json")).b.i;
      expect(await callAction(query, "presence", [])).toBe(1);
      stream.close();
      // The server finds out on its next write at the latest (a keep-alive comment every few seconds).
      const deadline = Date.now() + 15_000;
      let status = 200;
      while (status !== 400 && Date.now() < deadline) {
        const response = await postMessage(init, { b: { ar: { i: 0, n: "presence", a: [] } } }, "json");
        status = response.status;
        await response.arrayBuffer();
        if (status !== 400) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(status).toBe(400);
      expect(await callAction(query, "presence", [])).toBe(0);
    });
  });
}
