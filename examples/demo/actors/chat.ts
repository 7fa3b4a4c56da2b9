import { actor, event, UserError, type ActorContext } from "../../../src/index";

export interface ChatMessage {
  from: string;
  text: string;
  at: number;
}

const HISTORY_LENGTH = 100;

function announcePresence(c: ActorContext<unknown, { announced: number }>): void {
  if (c.conns.size === c.vars.announced) return;
  c.vars.announced = c.conns.size;
  c.broadcast("presence", c.conns.size);
}

/**
 * A chat room over a connection: `send(text)` broadcasts `message` to every subscriber and
 * keeps the last messages as history; `presence` is broadcast as connections come and go.
 * Connect with `{ params: { name } }`.
 */
export const chat = actor({
  state: { messages: [] as ChatMessage[] },
  // The events it sends, which type a client's `on("message", ...)`.
  events: { message: event<ChatMessage>(), presence: event<number>() },
  onAuth: () => ({}),
  // Annotated parameters let TypeScript infer the conn state type for the actions below.
  createConnState: (_c: unknown, _options: unknown, params: { name?: string } | null | undefined) => ({
    name: params?.name?.trim().slice(0, 32) || "anonymous",
  }),
  // The count last announced; an HTTP action's short-lived connection runs these hooks too, but
  // is not in c.conns, so announcing only a changed count keeps such calls from broadcasting.
  vars: { announced: 0 },
  onConnect: (c) => announcePresence(c),
  onDisconnect: (c) => announcePresence(c),
  actions: {
    send: (c, text: string) => {
      if (typeof text !== "string" || text.trim() === "") throw new UserError("A message needs some text.", { code: "empty_message" });
      const message: ChatMessage = { from: c.conn.state.name, text: text.slice(0, 2_000), at: Date.now() };
      c.state.messages.push(message);
      if (c.state.messages.length > HISTORY_LENGTH) c.state.messages.splice(0, c.state.messages.length - HISTORY_LENGTH);
      c.broadcast("message", message);
      return message;
    },
    history: (c) => c.state.messages,
    presence: (c) => c.conns.size,
  },
});
