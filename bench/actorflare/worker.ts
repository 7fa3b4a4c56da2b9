import { actor, setup } from "../../src/index";
import { httpActor } from "../../examples/demo/actors/http-actor";
import { websocketActor } from "../../examples/demo/actors/websocket-actor";

/**
 * actorflare doing the benchmark's work (see ../run.mjs): the demo's `myActor` and
 * `websocketActor` as the demo serves them, and a counter that does what the hand-written
 * `CounterObject` does (the demo's counter also validates its argument with zod and
 * broadcasts, work the floor does not do). Served by `registry.handler` alone, as a
 * one-actor-per-binding Worker is deployed.
 */
const counter = actor({
  state: { count: 0 },
  onAuth: () => ({}),
  actions: {
    increment: (c, amount = 1) => {
      c.state.count += amount;
      return c.state.count;
    },
    getCount: (c) => c.state.count,
  },
});

const registry = setup({ use: { myActor: httpActor, websocketActor, counter } });

export class MyActor extends registry.durableObjects.MyActor {}
export class WebsocketActor extends registry.durableObjects.WebsocketActor {}
export class Counter extends registry.durableObjects.Counter {}

export default registry.handler;
