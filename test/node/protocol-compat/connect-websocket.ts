import { encode } from "cbor-x";
import { describe, expect, it } from "vitest";
import {
  callAction,
  chatQuery,
  connectWire,
  counterQuery,
  type ErrorBody,
  expectInitShape,
  hex,
  type Init,
  MESSAGE_TIMEOUT_MS,
  pct,
  resolveId,
  uniqueKey,
} from "./helpers";

/** The tests of docs/protocol.md §5.3 + §6 connections over WebSocket. */
export function describeConnectWebSocket(): void {
  describe("§5.3 connect WebSocket with subprotocols, §6 messages", () => {
    it("offers query./encoding.json/conn_params./rivetkit → 101 with `rivetkit`; first frame is init {b:{i:{ai,ci,ct}}}", async () => {
      const key = uniqueKey("ws-init");
      const ws = connectWire(chatQuery(key), { params: { name: "alice" } });
      await ws.opened;
      expect(ws.socket.protocol).toBe("rivetkit");
      const first = await ws.next();
      expect(first.binary).toBe(false);
      const init = (JSON.parse(first.data.toString()) as { b: { i: Init } }).b.i;
      expect(Object.keys(init).sort()).toEqual(["ai", "ci", "ct"]);
      expectInitShape(init);
      expect(init.ai).toBe(await resolveId(chatQuery(key)));

      // conn_params reached createConnState: the name is the conn state.
      ws.send({ b: { ar: { i: 0, n: "send", a: ["hi"] } } });
      const reply = await ws.message<{ b: { ar: { i: number; o: { from: string; text: string } } } }>();
      expect(reply.b.ar).toMatchObject({ i: 0, o: { from: "alice", text: "hi" } });
    });

    it("each connection gets its own id and token", async () => {
      const query = counterQuery(uniqueKey("ids"));
      const a = connectWire(query);
      const b = connectWire(query);
      const [initA, initB] = await Promise.all([a.init(), b.init()]);
      expect(initA.ai).toBe(initB.ai);
      expect(initA.ci).not.toBe(initB.ci);
      expect(initA.ct).not.toBe(initB.ct);
    });

    it("§6 exchange example, in order (JSON text frames)", async () => {
      const query = counterQuery(uniqueKey("exchange"));
      await callAction(query, "increment", [1]);
      const ws = connectWire(query);
      expectInitShape(await ws.init());

      ws.send({ b: { ar: { i: 0, n: "increment", a: [5] } } });
      expect(await ws.message()).toEqual({ b: { ar: { i: 0, o: 6 } } });

      // Subscriptions get no reply.
      ws.send({ b: { sr: { e: "newCount", s: true } } });
      ws.send({ b: { ar: { i: 1, n: "nope", a: [] } } });
      expect(await ws.message()).toEqual({ b: { e: { c: "action_not_found", m: "Action 'nope' not found.", ai: 1 } } });

      // The next increment (from elsewhere, over HTTP) reaches the subscriber as an event.
      expect(await callAction(query, "increment", [1])).toBe(7);
      expect(await ws.message()).toEqual({ b: { ev: { n: "newCount", a: [7] } } });

      // Unsubscribe: no more events.
      ws.send({ b: { sr: { e: "newCount", s: false } } });
      ws.send({ b: { ar: { i: 2, n: "getCount", a: [] } } });
      expect(await ws.message()).toEqual({ b: { ar: { i: 2, o: 7 } } });
      expect(await callAction(query, "increment", [1])).toBe(8);
      ws.send({ b: { ar: { i: 3, n: "getCount", a: [] } } });
      expect(await ws.message()).toEqual({ b: { ar: { i: 3, o: 8 } } });
    });

    it("the same exchange in CBOR: binary frames both ways, same shapes", async () => {
      const query = counterQuery(uniqueKey("exchange-cbor"));
      await callAction(query, "increment", [1], "cbor");
      const ws = connectWire(query, { encoding: "cbor" });
      await ws.opened;
      expect(ws.socket.protocol).toBe("rivetkit");
      expectInitShape(await ws.init());

      const frame = encode({ b: { ar: { i: 0, n: "increment", a: [5] } } });
      expect(hex(frame).startsWith("b90001")).toBe(true);
      ws.socket.send(frame);
      expect(await ws.message()).toEqual({ b: { ar: { i: 0, o: 6 } } });

      ws.send({ b: { sr: { e: "newCount", s: true } } });
      ws.send({ b: { ar: { i: 1, n: "nope", a: [] } } });
      expect(await ws.message()).toEqual({ b: { e: { c: "action_not_found", m: "Action 'nope' not found.", ai: 1 } } });
      expect(await callAction(query, "increment", [1])).toBe(7);
      expect(await ws.message()).toEqual({ b: { ev: { n: "newCount", a: [7] } } });
    });

    it("an event only reaches subscribed connections; the subscriber gets broadcasts caused by others", async () => {
      const query = counterQuery(uniqueKey("subscribers"));
      const subscribed = connectWire(query);
      const silent = connectWire(query);
      await Promise.all([subscribed.init(), silent.init()]);
      subscribed.send({ b: { sr: { e: "newCount", s: true } } });
      subscribed.send({ b: { ar: { i: 0, n: "getCount", a: [] } } });
      expect(await subscribed.message()).toEqual({ b: { ar: { i: 0, o: 0 } } });

      silent.send({ b: { ar: { i: 0, n: "increment", a: [4] } } });
      expect(await silent.message()).toEqual({ b: { ar: { i: 0, o: 4 } } });
      expect(await subscribed.message()).toEqual({ b: { ev: { n: "newCount", a: [4] } } });
      await silent.expectSilence(300);
    });

    it("an action error for id 0 carries `ai: 0`", async () => {
      for (const encoding of ["json", "cbor"] as const) {
        const ws = connectWire(counterQuery(uniqueKey("ai-zero")), { encoding });
        await ws.init();
        ws.send({ b: { ar: { i: 0, n: "nope", a: [] } } });
        const message = await ws.message<{ b: { e: ErrorBody & { ai?: number } } }>();
        expect(message).toEqual({ b: { e: { c: "action_not_found", m: "Action 'nope' not found.", ai: 0 } } });
        expect("ai" in message.b.e).toBe(true);
        // The socket stays open after an action error.
        ws.send({ b: { ar: { i: 1, n: "getCount", a: [] } } });
        expect(await ws.message()).toEqual({ b: { ar: { i: 1, o: 0 } } });
      }
    });

    it("a UserError over a connection is an `e` with the action's id, code and message; the socket stays usable", async () => {
      const ws = connectWire(chatQuery(uniqueKey("ws-user-error")), { params: { name: "bob" } });
      await ws.init();
      ws.send({ b: { ar: { i: 7, n: "send", a: ["   "] } } });
      const message = await ws.message<{ b: { e: ErrorBody & { ai: number } } }>();
      expect(message.b.e).toMatchObject({ c: "empty_message", m: "A message needs some text.", ai: 7 });
      ws.send({ b: { ar: { i: 8, n: "presence", a: [] } } });
      expect(await ws.message()).toEqual({ b: { ar: { i: 8, o: 1 } } });
    });

    it("messages sent as soon as the socket opens (before init) are answered after init, in order", async () => {
      for (const encoding of ["json", "cbor"] as const) {
        const frames = [
          { b: { sr: { e: "newCount", s: true } } },
          { b: { ar: { i: 0, n: "increment", a: [1] } } },
          { b: { ar: { i: 1, n: "increment", a: [2] } } },
          { b: { ar: { i: 2, n: "getCount", a: [] } } },
        ];
        // A fresh key: the actor is created on this connect, so init takes longest.
        const ws = connectWire(counterQuery(uniqueKey("early")), {
          encoding,
          onOpen: (socket) => {
            for (const frame of frames) socket.send(encoding === "json" ? JSON.stringify(frame) : encode(frame));
          },
        });
        expectInitShape(await ws.init());
        const received = [];
        for (let i = 0; i < 5; i++) received.push(await ws.message());
        expect(received).toEqual([
          { b: { ev: { n: "newCount", a: [1] } } },
          { b: { ar: { i: 0, o: 1 } } },
          { b: { ev: { n: "newCount", a: [3] } } },
          { b: { ar: { i: 1, o: 3 } } },
          { b: { ar: { i: 2, o: 3 } } },
        ]);
      }
    });

    it.each([
      ["JSON that does not parse", "json", "{nope"],
      ["a wrong shape", "json", JSON.stringify({ b: { xx: {} } })],
      ["two variants at once", "json", JSON.stringify({ b: { ar: { i: 0, n: "getCount", a: [] }, sr: { e: "x", s: true } } })],
      ["`a` not an array", "json", JSON.stringify({ b: { ar: { i: 0, n: "getCount", a: 1 } } })],
      ["JSON in a binary frame", "json", Buffer.from(JSON.stringify({ b: { ar: { i: 0, n: "getCount", a: [] } } }))],
      ["CBOR in a text frame", "cbor", "text"],
      ["truncated CBOR", "cbor", Buffer.from(encode({ b: { ar: { i: 0, n: "getCount", a: [] } } }).subarray(0, 5))],
    ] as const)("malformed frame (%s) → close 1011 malformed_message", async (_label, encoding, frame) => {
      const ws = connectWire(counterQuery(uniqueKey("malformed")), { encoding });
      await ws.init();
      ws.socket.send(frame);
      expect(await ws.waitClosed()).toEqual({ code: 1011, reason: "malformed_message" });
    });

    it("a frame of exactly 65,536 bytes is accepted; 65,537 bytes → close 1011 message_too_long", async () => {
      const query = counterQuery(uniqueKey("too-long"));
      const frameOf = (size: number, id: number) => {
        const base = JSON.stringify({ b: { ar: { i: id, n: "getCount", a: [""] } } });
        const frame = JSON.stringify({ b: { ar: { i: id, n: "getCount", a: ["x".repeat(size - base.length)] } } });
        expect(Buffer.byteLength(frame)).toBe(size);
        return frame;
      };
      const ws = connectWire(query);
      await ws.init();
      ws.socket.send(frameOf(65_536, 0));
      expect(await ws.message()).toEqual({ b: { ar: { i: 0, o: 0 } } });
      ws.socket.send(frameOf(65_537, 1));
      expect(await ws.waitClosed()).toEqual({ code: 1011, reason: "message_too_long" });

      // Counted in bytes, in CBOR too.
      const cbor = connectWire(query, { encoding: "cbor" });
      await cbor.init();
      cbor.socket.send(encode({ b: { ar: { i: 0, n: "getCount", a: [new Uint8Array(70_000)] } } }));
      expect(await cbor.waitClosed()).toEqual({ code: 1011, reason: "message_too_long" });
    });

    it("header fallbacks: X-RivetKit-Query + X-RivetKit-Encoding (+ Conn-Params), no subprotocols → no protocol echoed", async () => {
      const key = uniqueKey("ws-headers");
      for (const encoding of ["json", "cbor"] as const) {
        const ws = connectWire(chatQuery(key), {
          encoding,
          protocols: null,
          headers: {
            "X-RivetKit-Query": JSON.stringify(chatQuery(key)),
            "X-RivetKit-Encoding": encoding,
            "X-RivetKit-Conn-Params": JSON.stringify({ name: "dave" }),
          },
        });
        await ws.opened;
        expect(ws.socket.protocol).toBe("");
        const init = await ws.init();
        expectInitShape(init);
        expect(init.ai).toBe(await resolveId(chatQuery(key)));
        ws.send({ b: { ar: { i: 0, n: "send", a: [`via ${encoding}`] } } });
        expect((await ws.message<{ b: { ar: { o: { from: string } } } }>()).b.ar.o.from).toBe("dave");
      }
    });

    it("X-RivetKit-Actor-Query header also works as a fallback", async () => {
      const query = counterQuery(uniqueKey("ws-actor-query"));
      const ws = connectWire(query, { protocols: null, headers: { "X-RivetKit-Actor-Query": JSON.stringify(query), "X-RivetKit-Encoding": "json" } });
      expectInitShape(await ws.init());
    });

    it("without the `rivetkit` marker the first offered entry is echoed", async () => {
      const query = counterQuery(uniqueKey("no-marker"));
      const ws = connectWire(query, { rivetkit: false });
      await ws.opened;
      expect(ws.socket.protocol).toBe(`query.${pct(query)}`);
      expectInitShape(await ws.init());
    });

    it("entries are trimmed and unknown entries ignored", async () => {
      const query = counterQuery(uniqueKey("extra-entries"));
      const ws = connectWire(query, { protocols: ["x-custom", `query.${pct(query)}`, "encoding.cbor", "rivetkit", "chat.v2"], encoding: "cbor" });
      await ws.opened;
      expect(ws.socket.protocol).toBe("rivetkit");
      expectInitShape(await ws.init());
    });

    it("a setup error (unknown actor) → an `e` message in the encoding, then close 1011 with the code", async () => {
      for (const encoding of ["json", "cbor"] as const) {
        const ws = connectWire({ getForKey: { name: "counter", key: [uniqueKey("ws-missing")] } }, { encoding });
        const message = await ws.message<{ b: { e: ErrorBody } }>();
        expect(message.b.e.c).toBe("actor_not_found");
        expect(message.b.e).not.toHaveProperty("ai");
        expect(await ws.waitClosed()).toEqual({ code: 1011, reason: "actor_not_found" });
      }
    });

    it("invalid conn params in the subprotocol → close 1011 invalid_params", async () => {
      const query = counterQuery(uniqueKey("ws-bad-params"));
      const ws = connectWire(query, { protocols: [`query.${pct(query)}`, "encoding.json", `conn_params.${encodeURIComponent("{nope")}`, "rivetkit"] });
      const message = await ws.message<{ b: { e: ErrorBody } }>();
      expect(message.b.e.c).toBe("invalid_params");
      expect(await ws.waitClosed()).toEqual({ code: 1011, reason: "invalid_params" });
    });

    it("an unknown encoding → close 1011 invalid_encoding with no message", async () => {
      const query = counterQuery(uniqueKey("ws-bad-encoding"));
      const ws = connectWire(query, { protocols: [`query.${pct(query)}`, "encoding.xml", "rivetkit"] });
      expect(await ws.waitClosed()).toEqual({ code: 1011, reason: "invalid_encoding" });
      await expect(ws.next(100)).rejects.toThrow();
    });

    it("close from the client ends the connection on the server (presence drops)", async () => {
      const query = chatQuery(uniqueKey("ws-close"));
      const a = connectWire(query);
      const b = connectWire(query);
      await Promise.all([a.init(), b.init()]);
      a.send({ b: { ar: { i: 0, n: "presence", a: [] } } });
      expect(await a.message()).toEqual({ b: { ar: { i: 0, o: 2 } } });
      b.socket.close(1000, "bye");
      expect((await b.waitClosed()).code).toBe(1000);
      const deadline = Date.now() + MESSAGE_TIMEOUT_MS;
      let count = 2;
      for (let i = 1; count !== 1 && Date.now() < deadline; i++) {
        a.send({ b: { ar: { i, n: "presence", a: [] } } });
        count = (await a.message<{ b: { ar: { o: number } } }>()).b.ar.o;
      }
      expect(count).toBe(1);
    });
  });
}
