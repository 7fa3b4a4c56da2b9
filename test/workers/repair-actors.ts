import { actor } from "../../src/index";
import type { registry } from "./registry";

/**
 * An actor whose onStart reads its state: a state without `config` makes every wake fail
 * (`actor_start_failed`), which the inspector must still show and repair (inspector-repair.test.ts).
 * With `startPeer` set, onStart calls that actor's `relay` first; with `callPeer` set, `relay`
 * calls that actor's `count`: two of them set so make a call cycle through onStart.
 */
export const configured = actor({
  // Made with input `{ config: null }`, its first start fails: it exists, and never wakes until repaired.
  createState: (_c, input: { config?: null } | undefined) => ({
    config: input?.config === null ? null : ({ limit: 3 } as { limit: number } | null),
    count: 0,
    startPeer: null as string | null,
    callPeer: null as string | null,
  }),
  createVars: () => ({ limit: 0 }),
  onAuth: () => ({}),
  onStart: async (c) => {
    if (c.state.startPeer) await c.client<typeof registry>().configured.getOrCreate(c.state.startPeer).relay();
    // Throws a TypeError when an edit left `config` null.
    c.vars.limit = c.state.config!.limit;
  },
  actions: {
    bump: (c) => {
      if (c.state.count < c.vars.limit) c.state.count++;
      return c.state.count;
    },
    count: (c) => c.state.count,
    // Its return type is written: the registry's type depends on this actor's (see `caller` in registry.ts).
    relay: async (c): Promise<number | null> => (c.state.callPeer ? await c.client<typeof registry>().configured.getOrCreate(c.state.callPeer).count() : null),
  },
});
