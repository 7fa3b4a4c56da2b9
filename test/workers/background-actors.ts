import type { DurableObjectNamespace, DurableObjectState } from "@cloudflare/workers-types";
import { actor } from "../../src/index";

/** What `onDestroy` saw, per key: the actor's state is deleted with it, so tests read it here. */
export const backgroundDestroyed = new Map<string, { done: number; aborted: boolean; reason: string | undefined }>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `c.waitUntil`, `c.abortSignal`, what `createVars` gets besides the context (the object's
 * state and bindings) and `onBeforeActionResponse`. Its `onAuth` lets everyone in, destroy included.
 */
export const background = actor({
  state: { done: 0 },
  // Annotated with the Workers types: `driver.state` is then all of DurableObjectState, `driver.env` your bindings.
  // They are imported, not global, so that Node and browser clients typed from the registry compile without them.
  createVars: (_c, driver: { state: DurableObjectState; env: { BACKGROUND: DurableObjectNamespace } }) => ({
    objectId: driver.state.id.toString(),
    ownBinding: typeof driver.env.BACKGROUND.idFromName,
    storageKeys: () => [...driver.state.storage.kv.list()].map(([key]) => key),
  }),
  onAuth: () => ({}),
  // `shout`'s output is upper-cased on its way out; for `hookFails` the hook throws, and the output goes out as it was.
  onBeforeActionResponse: (_c, name, _args, output) => {
    if (name === "hookFails") throw new Error("onBeforeActionResponse fails on purpose");
    return name === "shout" && typeof output === "string" ? (output.toUpperCase() as typeof output) : output;
  },
  onDestroy: (c) => {
    const reason = c.abortSignal.reason as { code?: string } | undefined;
    backgroundDestroyed.set(c.key[0] ?? "", { done: c.state.done, aborted: c.abortSignal.aborted, reason: reason?.code });
  },
  actions: {
    driver: (c) => ({ objectId: c.vars.objectId, actorId: c.actorId, ownBinding: c.vars.ownBinding, storageKeys: c.vars.storageKeys() }),
    read: (c) => c.state.done,
    /** Answers at once; `done` goes up `ms` later, with no request running. */
    finishLater: (c, ms: number) => {
      c.waitUntil(sleep(ms).then(() => c.state.done++));
      return c.state.done;
    },
    /** Work that winds down when the actor is being destroyed: `done` goes up a moment after the signal fired. */
    untilDestroyed: (c) => {
      const signal = c.abortSignal;
      const aborted = new Promise((resolve) => signal.addEventListener("abort", resolve));
      c.waitUntil(aborted.then(() => sleep(20)).then(() => c.state.done++));
      return signal.aborted;
    },
    shout: async (_c, text: string) => `${text}!`,
    hookFails: () => "as it was",
    /** A thenable that is not a promise (as a Drizzle query is): awaited all the same. */
    thenable: (c) => {
      const query: PromiseLike<void> = {
        then: (onDone, onFailed) =>
          sleep(10)
            .then(() => undefined)
            .then(onDone, onFailed),
      };
      c.waitUntil(query);
      return "answered";
    },
    failLater: (c) => {
      c.waitUntil(Promise.reject(new Error("background work fails on purpose")));
      return "answered";
    },
  },
});
