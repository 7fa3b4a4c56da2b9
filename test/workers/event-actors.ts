import { z } from "zod";
import { actor, event, UserError } from "../../src/index";

type Role = { role?: string; greet?: "bigint" } | null | undefined;

/**
 * Declared events (`actor({ events })`): payload types for the client, schemas that check what
 * is sent, and `canSubscribe` hooks that decide who listens.
 */
export const herald = actor({
  onAuth: () => ({}),
  createConnState: (_c: unknown, _options: unknown, params: Role) => ({ role: params?.role ?? "guest", greet: params?.greet }),
  // A greeting JSON cannot carry, for the connections that ask for one.
  onConnect: (_c, conn) => {
    if (conn.state.greet === "bigint") conn.send("greeting", 5n);
  },
  events: {
    note: event<{ text: string }>(),
    point: event<[x: number, y: number]>(),
    score: z.number().int(),
    shout: { schema: z.string().transform((text) => text.toUpperCase()) },
    secret: event<string>({ canSubscribe: (c) => c.conn.state.role === "admin" }),
    slowSecret: event<string>({
      canSubscribe: async (c) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return c.conn.state.role === "admin";
      },
    }),
    guarded: event<string>({
      canSubscribe: () => {
        throw new UserError("Guarded events are for nobody.", { code: "no_listeners" });
      },
    }),
    // Never answers: refused after options.actionTimeout.
    hanging: event<string>({ canSubscribe: () => new Promise<boolean>(() => {}) }),
    // RivetKit's form: an event<T>() as the schema types the payload and checks nothing.
    typedOnly: { schema: event<{ n: number }>(), canSubscribe: () => true },
  },
  // Short, for the hanging canSubscribe; no action of this actor is slow.
  options: { actionTimeout: 1_000 },
  actions: {
    broadcast: (c, name: string, ...args: unknown[]) => {
      c.broadcast(name, ...args);
      return name;
    },
    sendToMe: (c, name: string, ...args: unknown[]) => {
      c.conn.send(name, ...args);
      return name;
    },
    sendTo: (c, connectionId: string, name: string, ...args: unknown[]) => {
      c.conns.get(connectionId)?.send(name, ...args);
      return name;
    },
    subscriptions: (c) => [...c.conn.subscriptions].sort(),
    pause: async (_c, ms: number) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return ms;
    },
  },
});
