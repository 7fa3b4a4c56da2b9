import { actor } from "../../../src/index";

/**
 * A persisted counter over raw HTTP: `GET /` reads it, `POST /increment` (optionally
 * `?by=N`) adds to it. The seed's forward route (`/forward/:name/*`) reaches it by name.
 */
export const counter = actor({
  state: { count: 0 },
  actions: {},
  onAuth: () => ({}),
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
