import { decode, encode } from "cbor-x";
import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { call, testClient, uniqueKey, waitFor } from "./helpers";
import { ANSWERED_CLOSE_MS, SocketReader, subprotocols, upgrade } from "./ws-helpers";

const counterQuery = () => ({ getOrCreateForKey: { name: "counter", key: [uniqueKey()] } });

async function connect(query: unknown, encoding: "json" | "cbor" = "json", params?: unknown) {
  const entries = subprotocols(query, [], params).replace("encoding.json", `encoding.${encoding}`);
  const { response, socket } = await upgrade("/registry/actors/connect/websocket", { "Sec-WebSocket-Protocol": entries });
  return { response, socket, reader: new SocketReader(socket) };
}

describe("connection wire protocol over WebSocket (docs/protocol.md §5.3, §6)", () => {
  it("echoes rivetkit, sends init first, then answers actions in JSON text frames", async () => {
    const { response, socket, reader } = await connect(counterQuery());
    expect(response.headers.get("sec-websocket-protocol")).toBe("rivetkit");
    const init = await reader.nextJson<{ b: { i: { ai: string; ci: string; ct: string } } }>();
    expect(init.b.i.ai).toMatch(/^[0-9a-f]{64}$/);
    expect(init.b.i.ci).toMatch(/^[0-9a-f-]{36}$/);
    expect(atob(init.b.i.ct)).toHaveLength(32);
    socket.send(JSON.stringify({ b: { ar: { i: 0, n: "increment", a: [5] } } }));
    expect(await reader.nextJson()).toEqual({ b: { ar: { i: 0, o: 5 } } });
    socket.send(JSON.stringify({ b: { sr: { e: "newCount", s: true } } }));
    // The test pool may hand a frame sent right after the subscription to the actor first (see
    // untilSubscribed in helpers.ts), so calls go one at a time until an event shows it took effect.
    let id = 1;
    for (let subscribed = false; !subscribed; id++) {
      socket.send(JSON.stringify({ b: { ar: { i: id, n: "increment", a: [0] } } }));
      const frame = await reader.nextJson();
      subscribed = frame.b !== undefined && "ev" in (frame.b as object);
      if (subscribed) expect(await reader.nextJson()).toEqual({ b: { ar: { i: id, o: 5 } } });
      else expect(frame).toEqual({ b: { ar: { i: id, o: 5 } } });
    }
    // An action's event leaves before its answer.
    socket.send(JSON.stringify({ b: { ar: { i: id, n: "increment", a: [1] } } }));
    expect([await reader.nextJson(), await reader.nextJson()]).toEqual([{ b: { ev: { n: "newCount", a: [6] } } }, { b: { ar: { i: id, o: 6 } } }]);
    socket.send(JSON.stringify({ b: { ar: { i: 99, n: "nope", a: [] } } }));
    expect(await reader.nextJson()).toEqual({ b: { e: { c: "action_not_found", m: "Action 'nope' not found.", ai: 99 } } });
    socket.close(1000);
  });

  it("an application-level ping is answered with pong by the runtime", async () => {
    const { socket, reader } = await connect(counterQuery());
    await reader.nextJson();
    socket.send("ping");
    expect(await reader.next()).toBe("pong");
    // The connection is still fine afterwards.
    socket.send(JSON.stringify({ b: { ar: { i: 0, n: "getCount", a: [] } } }));
    expect(await reader.nextJson()).toEqual({ b: { ar: { i: 0, o: 0 } } });
    socket.close(1000);
  });

  it("queues messages sent before init and handles them in order after it", async () => {
    const entries = subprotocols(counterQuery());
    const response = await call("/registry/actors/connect/websocket", { headers: { Upgrade: "websocket", "Sec-WebSocket-Protocol": entries } });
    const socket = response.webSocket!;
    socket.accept();
    socket.binaryType = "arraybuffer";
    for (let i = 0; i < 3; i++) socket.send(JSON.stringify({ b: { ar: { i, n: "increment", a: [1] } } }));
    const reader = new SocketReader(socket);
    expect(await reader.nextJson()).toHaveProperty("b.i");
    // All three are answered after init. Their order is checked under wrangler dev
    // (test/node/protocol-compat.test.ts): the test pool here may swap frames sent back to back.
    const answers = [await reader.nextJson(), await reader.nextJson(), await reader.nextJson()] as { b: { ar: { i: number; o: number } } }[];
    expect(answers.map((answer) => answer.b.ar.i).sort()).toEqual([0, 1, 2]);
    expect(answers.map((answer) => answer.b.ar.o).sort()).toEqual([1, 2, 3]);
    socket.close(1000);
  });

  it("speaks CBOR in binary frames", async () => {
    const { socket, reader } = await connect(counterQuery(), "cbor");
    const init = decode(new Uint8Array((await reader.next()) as ArrayBuffer)) as { b: { i: unknown } };
    expect(init.b).toHaveProperty("i");
    socket.send(encode({ b: { ar: { i: 0, n: "increment", a: [7] } } }));
    expect(decode(new Uint8Array((await reader.next()) as ArrayBuffer))).toEqual({ b: { ar: { i: 0, o: 7 } } });
    socket.close(1000);
  });

  it.each([
    ["JSON that does not parse", "json", "{nope", "malformed_message"],
    ["a wrong shape", "json", JSON.stringify({ b: { xx: {} } }), "malformed_message"],
    ["an action id past 2^32 − 1", "json", JSON.stringify({ b: { ar: { i: 2 ** 32, n: "getCount", a: [] } } }), "malformed_message"],
    ["an action id that is no safe integer", "json", `{"b":{"ar":{"i":9007199254740994,"n":"getCount","a":[]}}}`, "malformed_message"],
    ["JSON in a binary frame", "json", new TextEncoder().encode(JSON.stringify({ b: { ar: { i: 0, n: "getCount", a: [] } } })), "malformed_message"],
    ["CBOR in a text frame", "cbor", "text", "malformed_message"],
    ["truncated CBOR", "cbor", encode({ b: { ar: { i: 0, n: "getCount", a: [] } } }).subarray(0, 5), "malformed_message"],
    ["a message over 64 KiB", "json", JSON.stringify({ b: { ar: { i: 0, n: "increment", a: ["x".repeat(70_000)] } } }), "message_too_long"],
  ] as const)("%s closes the connection with 1011 and the code, and the server log says what was wrong", async (_label, encoding, frame, code) => {
    const { socket, reader } = await connect(counterQuery(), encoding);
    await reader.next();
    const warnings = vi.spyOn(console, "warn");
    try {
      socket.send(frame);
      const closed = await reader.closed;
      expect(closed.code).toBe(1011);
      expect(closed.reason).toBe(code);
      // The close reason has room for the code alone; the detail is in the log, logged before the close.
      const logged = warnings.mock.calls.map((args) => args.join(" ")).find((line) => line.includes("over a message it refused"));
      expect(logged).toMatch(code === "message_too_long" ? /over a message it refused: .*65536/ : /over a message it refused: Malformed message: \w/);
    } finally {
      warnings.mockRestore();
    }
  });

  it("refusals before the connection exists: an error message in the encoding, then close 1011", async () => {
    const { reader } = await connect({ getOrCreateForKey: { name: "chatRoom", key: [uniqueKey()] } }, "json", { token: "deny" });
    expect(await reader.nextJson()).toEqual({ b: { e: { c: "forbidden", m: "Token refused.", md: { reason: "deny" } } } });
    expect(await reader.closed).toMatchObject({ code: 1011, reason: "forbidden" });
    const missing = await connect({ getForKey: { name: "counter", key: [uniqueKey()] } }, "cbor");
    expect(decode(new Uint8Array((await missing.reader.next()) as ArrayBuffer))).toMatchObject({ b: { e: { c: "actor_not_found" } } });
    expect(await missing.reader.closed).toMatchObject({ code: 1011, reason: "actor_not_found" });
  });

  it("a close from the client is answered at once: without a code as 1005, with one echoed with its reason", async () => {
    const cases: [number | undefined, string | undefined, { code: number; reason: string }][] = [
      [undefined, undefined, { code: 1005, reason: "" }],
      [4001, "bye", { code: 4001, reason: "bye" }],
    ];
    for (const [code, reason, expected] of cases) {
      const { socket, reader } = await connect(counterQuery());
      await reader.nextJson();
      socket.close(code, reason);
      expect(await reader.closedWithin(ANSWERED_CLOSE_MS)).toMatchObject({ ...expected, wasClean: true });
    }
  });

  it("an action that disconnects its caller answers (or fails) first, then the close 1000 with the reason follows, and onDisconnect runs", async () => {
    for (const [fail, answer] of [
      [false, { b: { ar: { i: 0, o: "kicked" } } }],
      [true, { b: { e: { c: "kicked", m: "Kicked, and failed.", ai: 0 } } }],
    ] as const) {
      const key = uniqueKey();
      const { socket, reader } = await connect({ getOrCreateForKey: { name: "chatRoom", key: [key] } });
      await reader.nextJson();
      // Every frame up to the close, so a missing answer fails here rather than waits forever.
      const frames: unknown[] = [];
      socket.addEventListener("message", (event: MessageEvent) => {
        frames.push(JSON.parse(event.data as string));
      });
      socket.send(JSON.stringify({ b: { ar: { i: 0, n: "kick", a: ["bye now", fail] } } }));
      expect(await reader.closedWithin(5_000)).toMatchObject({ code: 1000, reason: "bye now" });
      expect(frames).toEqual([answer]);
      // Without waiting for the client to answer the close (this test's socket never does).
      // The HTTP call counts one connect of its own.
      expect(await testClient().chatRoom.getOrCreate(key).stats()).toEqual({ connects: 2, disconnects: 1, open: 0 });
    }
  });

  it("an unknown encoding closes 1011 invalid_encoding without a message", async () => {
    const entries = subprotocols(counterQuery()).replace("encoding.json", "encoding.xml");
    const { socket } = await upgrade("/registry/actors/connect/websocket", { "Sec-WebSocket-Protocol": entries });
    const reader = new SocketReader(socket);
    expect(await reader.closed).toMatchObject({ code: 1011, reason: "invalid_encoding" });
  });
});

describe("connection wire protocol over SSE (docs/protocol.md §5.4, §5.5)", () => {
  async function openSse(query: unknown, encoding = "json") {
    const response = await call("/registry/actors/connect/sse", {
      headers: { "X-RivetKit-Query": JSON.stringify(query), "X-RivetKit-Encoding": encoding, Accept: "text/event-stream" },
    });
    const reader = response.body!.getReader();
    let buffer = "";
    const nextData = async (): Promise<string> => {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").find((line) => line.startsWith("data: "));
          if (data) return data.slice(6);
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended");
        buffer += new TextDecoder().decode(value);
      }
    };
    return { response, reader, nextData };
  }

  const post = (init: { ai: string; ci: string; ct: string }, body: BodyInit, encoding = "json", token = init.ct) =>
    call("/registry/actors/message", {
      method: "POST",
      headers: { "X-RivetKit-Actor": init.ai, "X-RivetKit-Conn": init.ci, "X-RivetKit-Conn-Token": token, "X-RivetKit-Encoding": encoding },
      body,
    });

  it("streams init, takes messages by POST with the token, answers on the stream", async () => {
    const { response, reader, nextData } = await openSse(counterQuery());
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    const init = (JSON.parse(await nextData()) as { b: { i: { ai: string; ci: string; ct: string } } }).b.i;
    const accepted = await post(init, JSON.stringify({ b: { ar: { i: 0, n: "increment", a: [4] } } }));
    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toBe("{}");
    expect(JSON.parse(await nextData())).toEqual({ b: { ar: { i: 0, o: 4 } } });

    const wrongToken = await post(init, JSON.stringify({ b: { ar: { i: 1, n: "getCount", a: [] } } }), "json", "bad");
    expect(wrongToken.status).toBe(400);
    expect(await wrongToken.json()).toMatchObject({ c: "incorrect_conn_token" });
    const unknownConn = await post({ ...init, ci: crypto.randomUUID() }, JSON.stringify({ b: { sr: { e: "x", s: true } } }));
    expect(await unknownConn.json()).toMatchObject({ c: "conn_not_found" });
    const garbage = await post(init, "{nope");
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ c: "invalid_request" });
    await reader.cancel();
  });

  it("carries CBOR as base64, and the message POST still answers JSON {}", async () => {
    const { reader, nextData } = await openSse(counterQuery(), "cbor");
    const fromBase64 = (text: string): unknown => decode(Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0)));
    const init = fromBase64(await nextData()) as { b: { i: { ai: string; ci: string; ct: string } } };
    const accepted = await post(init.b.i, encode({ b: { ar: { i: 0, n: "increment", a: [2] } } }), "cbor");
    expect(await accepted.text()).toBe("{}");
    expect(fromBase64(await nextData())).toEqual({ b: { ar: { i: 0, o: 2 } } });
    await reader.cancel();
  });

  // chatRoom writes its keep-alive once a minute: a drop noticed within this test is noticed
  // through the request's abort, which takes no time of its own (how fast the answer comes back
  // then depends on the machine's load, so that is not measured).
  it("a client that drops the stream is disconnected on its abort, not by a keep-alive, and its token is refused from then on", async () => {
    const key = uniqueKey();
    const { reader, nextData } = await openSse({ getOrCreateForKey: { name: "chatRoom", key: [key] } });
    const init = (JSON.parse(await nextData()) as { b: { i: { ai: string; ci: string; ct: string } } }).b.i;
    const room = testClient().chatRoom.getOrCreate(key);
    expect(await room.stats()).toMatchObject({ open: 1 });
    await reader.cancel();
    await waitFor(async () => (await room.stats()).open === 0, "the actor to see the stream leave");
    const refused = await post(init, JSON.stringify({ b: { ar: { i: 0, n: "history", a: [] } } }));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ c: "conn_not_found" });
  });

  // A message POST needs no onAuth (the token is the credential): one for an actor out of memory
  // must not wake it, or anyone holding an actor's id could keep it awake and rerun onStart.
  it("a message POST to an actor that is not in memory is conn_not_found, and does not wake it", async () => {
    const handle = testClient().lifecycle.getOrCreate(uniqueKey());
    const actorId = await handle.resolve();
    await abortAllDurableObjects();
    const refused = await post({ ai: actorId, ci: crypto.randomUUID(), ct: "guess" }, JSON.stringify({ b: { ar: { i: 0, n: "x", a: [] } } }));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ c: "conn_not_found" });
    // Started when created and for this fetch, after the object left memory again: not for the POST.
    await abortAllDurableObjects();
    expect(await (await handle.fetch("/")).json()).toMatchObject({ created: 1, started: 2 });
  });

  it("a refused stream answers 200 with one error event", async () => {
    const { response, nextData } = await openSse({ getForKey: { name: "counter", key: [uniqueKey()] } });
    expect(response.status).toBe(200);
    expect(JSON.parse(await nextData())).toMatchObject({ b: { e: { c: "actor_not_found" } } });
  });

  it("a message for an unknown actor id is 404 actor_not_found", async () => {
    const response = await post({ ai: "00".repeat(32), ci: "x", ct: "y" }, "{}");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ c: "actor_not_found" });
  });
});
