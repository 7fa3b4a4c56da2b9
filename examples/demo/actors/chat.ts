import { actor, UserError } from "../../../src/index";

export interface ChatMessage {
  from: string;
  text: string;
  at: number;
}

const HISTORY_LENGTH = 100;

/**
 * A chat room over a connection: `send(text)` broadcasts `message` to every subscriber and
 * keeps the last messages as history; `presence` is broadcast as connections come and go.
 * Connect with `{ params: { name } }`.
 */
export const chat = actor({
  state: { messages: [] as ChatMessage[] },
  onAuth: () => ({}),
  // Annotated parameters let TypeScript infer the conn state type for the actions below.
  createConnState: (_c: unknown, _options: unknown, params: { name?: string } | null | undefined) => ({
    name: params?.name?.trim().slice(0, 32) || "anonymous",
  }),
  onConnect: (c) => {
    c.broadcast("presence", c.conns.size);
  },
  onDisconnect: (c) => {
    c.broadcast("presence", c.conns.size);
  },
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
