import { routePartykitRequest, Server, type Connection, type WSMessage } from "partyserver";

/**
 * PartyServer doing the work of `npm run bench`'s scenarios, written the way its README shows:
 * `routePartykitRequest` in the Worker, one `Server` subclass per party. Each party name is its
 * binding's name in kebab case.
 *
 *   GET  /parties/bench/{room}/hello      -> {"message":"Hello from actor!"} (counts requests, one kv.put)
 *   POST /parties/bench/{room}/echo       -> the request body back (counts requests, one kv.put)
 *   GET  /parties/bench/{room}            -> WebSocket: welcome, then an echo of every message
 *                                            (a stored message count: kv.put + sync, as the others)
 *   GET  /parties/counter/{room}          -> {"o":count}                 (read-only)
 *   POST /parties/counter/{room}/increment {"a":[n]} -> {"o":count}      (one kv.put)
 *   GET  /parties/counter/{room}          -> WebSocket (hibernating): the counter over the same
 *                                            JSON frames as an actorflare connection
 */

interface Env {
  Bench: DurableObjectNamespace<Bench>;
  Counter: DurableObjectNamespace<Counter>;
}

const STATE_KEY = "bench:state";

export class Bench extends Server<Env> {
  readonly #state: { requestCount: number; messageCount: number; lastMessage: string } = this.ctx.storage.kv.get(STATE_KEY) ?? {
    requestCount: 0,
    messageCount: 0,
    lastMessage: "",
  };
  #connectionCount = 0;

  override onRequest(request: Request): Response {
    this.#state.requestCount++;
    this.ctx.storage.kv.put(STATE_KEY, this.#state);
    const { pathname } = new URL(request.url);
    if (pathname.endsWith("/hello")) {
      return new Response(JSON.stringify({ message: "Hello from actor!" }), { headers: { "Content-Type": "application/json" } });
    }
    if (pathname.endsWith("/echo") && request.method === "POST") return new Response(request.body, { headers: request.headers });
    return new Response("Not Found", { status: 404 });
  }

  override onConnect(connection: Connection): void {
    this.#connectionCount++;
    connection.send(JSON.stringify({ type: "welcome", connectionCount: this.#connectionCount, messageCount: this.#state.messageCount }));
  }

  override onMessage(connection: Connection, message: WSMessage): void {
    this.#state.messageCount++;
    this.#state.lastMessage = typeof message === "string" ? message : "(binary)";
    this.ctx.storage.kv.put(STATE_KEY, this.#state);
    void this.ctx.storage.sync();
    connection.send(message);
  }

  override onClose(): void {
    this.#connectionCount--;
  }
}

export class Counter extends Server<Env> {
  static override options = { hibernate: true };
  // Read again on every wake: after hibernation the constructor runs anew.
  #count: number = this.ctx.storage.kv.get<number>(STATE_KEY) ?? 0;

  #increment(amount: number): number {
    this.#count += amount;
    this.ctx.storage.kv.put(STATE_KEY, this.#count);
    return this.#count;
  }

  override async onRequest(request: Request): Promise<Response> {
    if (request.method === "POST" && new URL(request.url).pathname.endsWith("/increment")) {
      const { a } = await request.json<{ a: [number?] }>();
      return Response.json({ o: this.#increment(a[0] ?? 1) });
    }
    return Response.json({ o: this.#count });
  }

  override onConnect(connection: Connection): void {
    connection.send(JSON.stringify({ b: { i: { ai: this.ctx.id.toString(), ci: connection.id, ct: "" } } }));
  }

  override onMessage(connection: Connection, message: WSMessage): void {
    const text = typeof message === "string" ? message : new TextDecoder().decode(message);
    const request = (JSON.parse(text) as { b?: { ar?: { i: number; n: string; a: [number?] } } }).b?.ar;
    if (request?.n !== "increment") return connection.close(1011, "unknown message");
    connection.send(JSON.stringify({ b: { ar: { i: request.i, o: this.#increment(request.a[0] ?? 1) } } }));
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    return (await routePartykitRequest(request, env)) ?? new Response("Not Found", { status: 404 });
  },
} satisfies ExportedHandler<Env>;
