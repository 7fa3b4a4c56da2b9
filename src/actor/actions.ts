import { ActorflareError, errorToBody } from "../protocol/errors";
import type { Connection } from "./connection";
import { ActionContext } from "./context";
import type { Actions, AnyActorDefinition } from "./definition";
import type { ActorInstance } from "./instance";
import { nearestName } from "./nearest-name";
import { isPromiseLike } from "./promise-like";

type Action = Actions<unknown, unknown>[string];

/**
 * Runs one action for a connection: looked up among the actor's own actions only (so
 * `toString` or `__proto__` is not an action), bounded by the action timeout, and the state
 * saved before the result leaves. `alongside(succeeded)` writes what must be stored in the
 * same transaction as the state the action left (the scheduler's record of the run). Refused
 * with `actor_not_found` once a destroy began. Each run goes into the actor's activity ring
 * (what the inspector shows), with its outcome.
 */
export async function runAction(
  instance: ActorInstance,
  conn: Connection,
  name: string,
  args: unknown[],
  alongside?: (succeeded: boolean) => void,
): Promise<unknown> {
  // An unknown name is refused before it is recorded: clients choose names, the ring stays about real actions.
  const action = findAction(instance.definition, name);
  const { activity } = instance;
  if (!activity) return runBounded(instance, conn, action, name, args, alongside);
  const at = Date.now();
  try {
    const output = await runBounded(instance, conn, action, name, args, alongside);
    activity.record({ kind: "action", name, at, durationMs: Date.now() - at, outcome: "ok" });
    return output;
  } catch (error) {
    activity.record({ kind: "action", name, at, durationMs: Date.now() - at, outcome: "error", code: errorToBody(error).body.c });
    throw error;
  }
}

/** The action itself, within its timeout; the state is saved however it ends. */
async function runBounded(
  instance: ActorInstance,
  conn: Connection,
  action: Action,
  name: string,
  args: unknown[],
  alongside?: (succeeded: boolean) => void,
): Promise<unknown> {
  instance.gate.enter();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let succeeded = false;
  try {
    const context = new ActionContext(instance, conn);
    const result = withResponseHook(instance, context, name, args, action(context, ...args));
    // Only an action that returns a promise can run too long; a synchronous one needs no timer.
    if (!isPromiseLike(result)) {
      succeeded = true;
      return result;
    }
    const timeoutMs = instance.options.actionTimeout;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // The caller hears only the code: the log says which actor and action, for the operator.
        instance.log.warn(`action '${name}' ran past options.actionTimeout (${timeoutMs} ms): its caller got action_timed_out, and it goes on running.`);
        reject(new ActorflareError("action_timed_out", `Action '${name}' did not finish within ${timeoutMs} ms.`));
      }, timeoutMs);
    });
    const output = await Promise.race([result, timeout]);
    succeeded = true;
    return output;
  } finally {
    // A pending timer would keep an idle actor awake.
    clearTimeout(timer);
    instance.saveIfChanged(alongside && (() => alongside(succeeded)));
    instance.gate.leave();
  }
}

/**
 * The output after `onBeforeActionResponse`, if the actor has one (as a promise when either is
 * one). As in RivetKit, a hook that throws is logged and the action's own output goes out.
 */
function withResponseHook(instance: ActorInstance, context: ActionContext, name: string, args: unknown[], result: unknown): unknown {
  const hook = instance.definition.config.onBeforeActionResponse;
  if (!hook) return result;
  const failed = (output: unknown) => (error: unknown) => {
    instance.log.error(`onBeforeActionResponse failed for action '${name}'; its output is sent as it was:`, error);
    return output;
  };
  const apply = (output: unknown): unknown => {
    try {
      const processed: unknown = hook(context, name, args, output);
      return isPromiseLike(processed) ? Promise.resolve(processed).catch(failed(output)) : processed;
    } catch (error) {
      return failed(output)(error);
    }
  };
  return isPromiseLike(result) ? Promise.resolve(result).then(apply) : apply(result);
}

/** An action among the actor's own (so `toString` or `__proto__` is not one), or `action_not_found` (naming the nearest one). */
export function findAction(definition: AnyActorDefinition, name: string): Action {
  const { actions = {} } = definition.config;
  const action: unknown = Object.hasOwn(actions, name) ? actions[name] : undefined;
  if (typeof action !== "function") {
    const hint = nearestName(name, Object.keys(actions));
    throw new ActorflareError("action_not_found", `Action '${name}' not found.${hint ? ` Did you mean '${hint}'?` : ""}`);
  }
  return action as Action;
}
