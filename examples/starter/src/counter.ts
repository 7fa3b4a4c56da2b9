import { actor, UserError } from "actorflare";

export const counter = actor({
  // Persisted in the actor's Durable Object storage; saved after each action that changed it.
  state: { count: 0 },
  // Anyone may call this actor; throw Forbidden here to refuse a request.
  onAuth: () => ({}),
  actions: {
    increment: (c, amount: number = 1) => {
      // Arguments come from clients: check them before they reach the state.
      if (!Number.isInteger(amount)) throw new UserError("amount must be a whole number.", { code: "invalid_argument" });
      c.state.count += amount;
      c.broadcast("newCount", c.state.count);
      return c.state.count;
    },
    getCount: (c) => c.state.count,
  },
});
