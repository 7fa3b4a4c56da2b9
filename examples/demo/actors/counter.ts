import { actor } from "../../../src/index";

/**
 * A persisted counter. Actions: `increment(amount)` (broadcasts `newCount`), `getCount()` and
 * `incrementLater(ms, amount)`.
 * Raw HTTP: `GET /` reads it, `POST /increment` (optionally `?by=N`) adds to it; the seed's
 * forward route (`/forward/:name/*`) reaches it by key.
 */
export const counter = actor({
  state: { count: 0 },
  onAuth: () => ({}),
  actions: {
    increment: (c, amount: number = 1) => {
      c.state.count += amount;
      c.broadcast("newCount", c.state.count);
      return c.state.count;
    },
    getCount: (c) => c.state.count,
    /** Schedules `increment(amount)` to run in `ms` milliseconds, on the actor's alarm. */
    incrementLater: (c, ms: number, amount: number = 1) => c.schedule.after(ms, "increment", amount),
  },
  onFetch(c, request) {
    const url = new URL(request.url);
    if (url.pathname === "/increment" && request.method === "POST") {
      c.state.count += Number(url.searchParams.get("by") ?? 1);
    } else if (url.pathname !== "/" && url.pathname !== "/count") {
      return new Response("Not Found", { status: 404 });
    }
    return Response.json({ count: c.state.count, key: c.key });
  },
});
