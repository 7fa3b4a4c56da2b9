import { actor, setup } from "actorflare";

/** The bare Worker's counter as one actor: an action, and a raw HTTP route that increments. */
const counter = actor({
  state: { count: 0 },
  onAuth: () => ({}),
  actions: {
    increment: (c) => ++c.state.count,
  },
  onFetch: (c) => Response.json({ count: ++c.state.count }),
});

const registry = setup({ use: { counter } });

export class Counter extends registry.durableObjects.Counter {}

export default registry.handler;
