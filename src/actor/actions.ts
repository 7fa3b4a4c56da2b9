import { ActorflareError, errorToBody } from "../protocol/errors";
import type { Connection } from "./connection";
import { ActionContext } from "./context";
import type { Actions, AnyActorDefinition } from "./definition";
import type { ActorInstance } from "./instance";

type Action = Actions<unknown, unknown>[string];

/**
 * Runs one action for a connection: looked up among the actor's own actions only (so
 * `toString` or `__proto__` is not an action), bounded by the action timeout, and the state
 * saved before the result leaves.
 */
export async function runAction(instance: ActorInstance, conn: Connection, name: string, args: unknown[]): Promise<unknown> {
  const action = findAction(instance.definition, name);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const at = Date.now();
  const done = (outcome: "ok" | "error", code?: string) =>
    instance.activity.record({ kind: "action", name, at, durationMs: Date.now() - at, outcome, ...(code === undefined ? {} : { code }) });
  try {
    const result = action(new ActionContext(instance, conn), ...args);
    // Only an action that returns a promise can run too long; a synchronous one needs no timer.
    if (!isPromiseLike(result)) {
      instance.saveIfChanged();
      done("ok");
      return result;
    }
    const timeoutMs = instance.options.actionTimeout;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ActorflareError("action_timed_out", `Action '${name}' did not finish within ${timeoutMs} ms.`)), timeoutMs);
    });
    const output = await Promise.race([result, timeout]);
    instance.saveIfChanged();
    done("ok");
    return output;
  } catch (error) {
    done("error", errorToBody(error).body.c);
    throw error;
  } finally {
    // A pending timer would keep an idle actor awake.
    clearTimeout(timer);
    instance.saveIfChanged();
  }
}

/** An action among the actor's own (so `toString` or `__proto__` is not one), or `action_not_found`. */
export function findAction(definition: AnyActorDefinition, name: string): Action {
  const { actions = {} } = definition.config;
  const action: unknown = Object.hasOwn(actions, name) ? actions[name] : undefined;
  if (typeof action !== "function") throw new ActorflareError("action_not_found", `Action '${name}' not found.`);
  return action as Action;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
