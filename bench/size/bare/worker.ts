import { DurableObject } from "cloudflare:workers";

interface Env {
  COUNTER: DurableObjectNamespace<Counter>;
}

/** One Durable Object with a stored counter, reached by name: the smallest Worker of its kind. */
export class Counter extends DurableObject<Env> {
  #count: number = this.ctx.storage.kv.get<number>("count") ?? 0;

  override fetch(): Response {
    this.#count++;
    this.ctx.storage.kv.put("count", this.#count);
    return Response.json({ count: this.#count });
  }
}

export default {
  fetch(request, env) {
    const name = new URL(request.url).pathname.slice(1) || "default";
    return env.COUNTER.get(env.COUNTER.idFromName(name)).fetch(request);
  },
} satisfies ExportedHandler<Env>;
