import type { ActorError } from "../../src/client/index";
import { actor, type LocationHint } from "../../src/index";
import type { registry } from "./registry";

/** Every instance in the EU jurisdiction; it creates other actors in a region through `c.client()`. */
export const placed = actor({
  state: { count: 0 },
  jurisdiction: "eu",
  onAuth: () => ({}),
  actions: {
    whoAmI: (c) => ({ id: c.actorId, key: c.key }),
    bump: (c) => ++c.state.count,
    /** Creates (or finds) a counter in `region` from inside this actor; answers its id, or the refusal's code. */
    counterIn: async (c, key: string, region: string): Promise<{ id: string } | { code: string }> => {
      try {
        return {
          id: await c
            .client<typeof registry>()
            .counter.getOrCreate(key, { createInRegion: region as LocationHint })
            .resolve(),
        };
      } catch (error) {
        return { code: (error as ActorError).code };
      }
    },
  },
});
