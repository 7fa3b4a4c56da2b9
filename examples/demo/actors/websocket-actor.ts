import { actor } from "../../../src/index";

/**
 * The `websocketActor` of RivetKit's "Fetch and WebSocket Handler" docs page, made to type-check:
 * the page's sample reads `ctx.state.connectionCount`, which its state never declares, and writes
 * `c.state` where it named the context `ctx`. Here the live connection count is a var (it means nothing after a
 * restart), and the message count is state, saved at once with `saveState()`.
 */
export const websocketActor = actor({
  state: { messageCount: 0, lastMessage: "" },
  vars: { connectionCount: 0 },
  actions: {},
  onAuth: () => ({}),
  onWebSocket(ctx, websocket) {
    ctx.vars.connectionCount++;
    websocket.send(
      JSON.stringify({
        type: "welcome",
        connectionCount: ctx.vars.connectionCount,
        messageCount: ctx.state.messageCount,
      }),
    );

    websocket.addEventListener("message", (event) => {
      ctx.state.messageCount++;
      ctx.state.lastMessage = typeof event.data === "string" ? event.data : "(binary)";

      // Persist now: a socket can stay open for hours.
      void ctx.saveState();

      // Echo messages back, text or binary, as they came.
      websocket.send(event.data);
    });

    websocket.addEventListener("close", () => {
      ctx.vars.connectionCount--;
    });
  },
});
