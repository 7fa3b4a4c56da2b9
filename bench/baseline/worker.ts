import { DurableObject } from "cloudflare:workers";

/**
 * The hand-written floor for `npm run bench`: a plain Worker and two SQLite-backed Durable
 * Objects doing the same work as the demo's `myActor` (examples/demo/actors/http-actor.ts)
 * and `websocketActor` (examples/demo/actors/websocket-actor.ts), with nothing in between.
 * Any cost actorflare shows above this is what the framework adds.
 *
 *   GET  /http/{key}/hello  -> {"message":"Hello from actor!"}
 *   POST /http/{key}/echo   -> the request body back
 *   GET  /ws/{key}          -> WebSocket: welcome message, then an echo of every message
 *
 * and a counter like the demo's `counter` actor, called by JS RPC from the Worker (the
 * hand-written counterpart of an actorflare action) or over a hibernatable WebSocket that
 * speaks the same JSON frames as an actorflare connection:
 *
 *   GET  /counter/{key}            -> {"o":count}            (RPC getCount, read-only)
 *   POST /counter/{key}/increment  {"a":[n]} -> {"o":count}  (RPC increment, one kv.put)
 *   GET  /counter/{key}/connect    -> WebSocket (Hibernation API): {"b":{"i":…}} first, then
 *        {"b":{"ar":{"i":id,"n":"increment","a":[n]}}} -> {"b":{"ar":{"i":id,"o":count}}}
 */

interface Env {
  HTTP_OBJECT: DurableObjectNamespace<HttpObject>;
  WS_OBJECT: DurableObjectNamespace<WsObject>;
  COUNTER_OBJECT: DurableObjectNamespace<CounterObject>;
}

// Same storage key as actorflare's, so both write the same row shape per change.
const STATE_KEY = "actorflare:state";

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    // The key is a path segment; the object name is the JSON key array, as actorflare names it.
    const [, kind, key, verb] = new URL(request.url).pathname.split("/");
    if (!key) return new Response("Not Found", { status: 404 });
    const name = JSON.stringify([decodeURIComponent(key)]);
    if (kind === "http") return env.HTTP_OBJECT.get(env.HTTP_OBJECT.idFromName(name)).fetch(request);
    if (kind === "ws") return env.WS_OBJECT.get(env.WS_OBJECT.idFromName(name)).fetch(request);
    if (kind === "counter") {
      const counter = env.COUNTER_OBJECT.get(env.COUNTER_OBJECT.idFromName(name));
      if (verb === "connect") return counter.fetch(request);
      if (verb === "increment" && request.method === "POST") {
        const { a } = await request.json<{ a: [number?] }>();
        return Response.json({ o: await counter.increment(a[0] ?? 1) });
      }
      if (verb === undefined) return Response.json({ o: await counter.getCount() });
    }
    return new Response("Not Found", { status: 404 });
  },
} satisfies ExportedHandler<Env>;

/** The demo's httpActor: counts every request in stored state (one kv.put each, as actorflare does). */
export class HttpObject extends DurableObject<Env> {
  readonly #state: { requestCount: number } = this.ctx.storage.kv.get(STATE_KEY) ?? { requestCount: 0 };

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    this.#state.requestCount++;
    this.ctx.storage.kv.put(STATE_KEY, this.#state);

    if (url.pathname.endsWith("/hello")) {
      return new Response(JSON.stringify({ message: "Hello from actor!" }), {
        headers: { "Content-Type": "application/json" },
      });
    }
    if (url.pathname.endsWith("/echo") && request.method === "POST") {
      return new Response(request.body, { headers: request.headers });
    }
    return new Response("Not Found", { status: 404 });
  }
}

/** The demo's websocketActor: welcome, then per message a stored counter (kv.put + sync) and an echo. */
export class WsObject extends DurableObject<Env> {
  readonly #state: { messageCount: number; lastMessage: string } = this.ctx.storage.kv.get(STATE_KEY) ?? {
    messageCount: 0,
    lastMessage: "",
  };
  #connectionCount = 0;

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    server.accept();
    server.binaryType = "arraybuffer";

    this.#connectionCount++;
    server.send(JSON.stringify({ type: "welcome", connectionCount: this.#connectionCount, messageCount: this.#state.messageCount }));

    server.addEventListener("message", (event) => {
      this.#state.messageCount++;
      this.#state.lastMessage = typeof event.data === "string" ? event.data : "(binary)";
      // actorflare's saveState(): a kv.put, then wait for durability (not awaited by the handler).
      this.ctx.storage.kv.put(STATE_KEY, this.#state);
      void this.ctx.storage.sync();
      server.send(event.data);
    });

    server.addEventListener("close", (event) => {
      this.#connectionCount--;
      // Answer the peer's close (compatibility dates before 2026-04-07 do not), as actorflare does.
      if (event.code === 1005 || event.code === 1006 || event.code === 1015) return;
      try {
        server.close(event.code, event.reason);
      } catch {
        // Already closed.
      }
    });

    return new Response(null, { status: 101, webSocket: client });
  }
}

/** The demo's counter: RPC methods for the Worker, and the same increment over hibernatable sockets. */
export class CounterObject extends DurableObject<Env> {
  // Read again on every wake: after hibernation the constructor runs anew.
  #count: number = this.ctx.storage.kv.get<number>(STATE_KEY) ?? 0;

  getCount(): number {
    return this.#count;
  }

  increment(amount: number): number {
    this.#count += amount;
    this.ctx.storage.kv.put(STATE_KEY, this.#count); // the output gate holds the reply until it is durable
    return this.#count;
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.send(JSON.stringify({ b: { i: { ai: this.ctx.id.toString(), ci: crypto.randomUUID(), ct: "" } } }));
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): void {
    const request = (
      JSON.parse(typeof message === "string" ? message : new TextDecoder().decode(message)) as {
        b?: { ar?: { i: number; n: string; a: [number?] } };
      }
    ).b?.ar;
    if (request?.n !== "increment") {
      socket.close(1011, "unknown message");
      return;
    }
    socket.send(JSON.stringify({ b: { ar: { i: request.i, o: this.increment(request.a[0] ?? 1) } } }));
  }

  override webSocketClose(socket: WebSocket, code: number, reason: string): void {
    if (code === 1005 || code === 1006 || code === 1015) return;
    try {
      socket.close(code, reason);
    } catch {
      // Already closed.
    }
  }
}
