import { routePartykitRequest, Server } from "partyserver";

interface Env {
  Counter: DurableObjectNamespace<Counter>;
}

/** The bare Worker's counter as one PartyServer `Server`. */
export class Counter extends Server<Env> {
  #count: number = this.ctx.storage.kv.get<number>("count") ?? 0;

  override onRequest(): Response {
    this.#count++;
    this.ctx.storage.kv.put("count", this.#count);
    return Response.json({ count: this.#count });
  }
}

export default {
  async fetch(request, env) {
    return (await routePartykitRequest(request, env)) ?? new Response("Not Found", { status: 404 });
  },
} satisfies ExportedHandler<Env>;
