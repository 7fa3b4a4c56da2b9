import * as z from "zod/mini";
import { actor } from "../../../src/index";
import { parseArgument } from "./validate";

/** How much one call may add: a whole number, so the count stays exact. */
const amountSchema = z._default(z.int().check(z.gte(-1_000_000), z.lte(1_000_000)), 1);

/**
 * A persisted counter. Actions: `increment(amount)` (broadcasts `newCount`), `getCount()` and
 * `incrementLater(ms, amount)`.
 * Raw HTTP: `GET /` reads it, `POST /increment` (optionally `?by=N`) adds to it; the demo's
 * forward route (`/forward/:name/*`, from RivetKit's docs page) reaches it by key.
 */
export const counter = actor({
  state: { count: 0 },
  onAuth: () => ({}),
  actions: {
    increment: (c, amount?: number) => {
      c.state.count += parseArgument(amountSchema, amount, "amount");
      c.broadcast("newCount", c.state.count);
      return c.state.count;
    },
    getCount: (c) => c.state.count,
    /** Schedules `increment(amount)` to run in `ms` milliseconds, on the actor's alarm. */
    incrementLater: (c, ms: number, amount?: number) =>
      c.schedule.after(parseArgument(z.number().check(z.gte(0)), ms, "ms"), "increment", parseArgument(amountSchema, amount, "amount")),
  },
  onFetch(c, request) {
    const url = new URL(request.url);
    if (url.pathname === "/increment" && request.method === "POST") {
      const by = url.searchParams.get("by");
      const amount = amountSchema.safeParse(by === null ? undefined : Number(by));
      if (!amount.success) return Response.json({ error: "`by` must be a whole number between -1000000 and 1000000." }, { status: 400 });
      c.state.count += amount.data;
    } else if (url.pathname !== "/" && url.pathname !== "/count") {
      return new Response("Not Found", { status: 404 });
    }
    return Response.json({ count: c.state.count, key: c.key });
  },
});
