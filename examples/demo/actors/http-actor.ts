import { actor } from "../../../src/index";

// The `httpActor` of RivetKit's "Fetch and WebSocket Handler" docs page, as written there, plus an
// onAuth so public clients may reach it.
export const httpActor = actor({
  state: {
    requestCount: 0,
  },
  actions: {},
  onAuth: () => ({}),
  onFetch(ctx, request) {
    const url = new URL(request.url);
    ctx.state.requestCount++;

    if (url.pathname === "/api/hello") {
      return new Response(JSON.stringify({ message: "Hello from actor!" }), {
        headers: { "Content-Type": "application/json" },
      });
    }

    if (url.pathname === "/api/echo" && request.method === "POST") {
      return new Response(request.body, {
        headers: request.headers,
      });
    }

    // Return 404 for unhandled paths
    return new Response("Not Found", { status: 404 });
  },
});
