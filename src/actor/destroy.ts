import { errors } from "../protocol/errors";
import { DESTROYED_CLOSE } from "../protocol/messages";
import type { ActorInstance } from "./instance";

/**
 * The actor's part of a destroy, once the requests running in it have finished (work-gate.ts):
 * `onDestroy`, bounded by `options.actionTimeout` (a throw or an overrun is logged and the
 * destroy goes on); then every connection gets an `actor_destroyed` message and closes with 1001
 * (its `onDisconnect` runs, as when a client leaves), and every raw socket closes the same way.
 * Afterwards the instance writes nothing: the object deletes its storage next.
 */
export async function endInstance(instance: ActorInstance): Promise<void> {
  await runOnDestroy(instance);
  const { code, reason } = DESTROYED_CLOSE;
  await instance.connections.endAll(code, errors.actorDestroyed(instance.meta.name).toBody());
  for (const socket of [...instance.rawSockets]) {
    try {
      socket.close(code, reason);
    } catch {
      // Closed meanwhile.
    }
  }
  instance.gate.close();
}

async function runOnDestroy(instance: ActorInstance): Promise<void> {
  const { onDestroy } = instance.definition.config;
  if (!onDestroy) return;
  const timeoutMs = instance.options.actionTimeout;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const overrun = new Promise<"overrun">((resolve) => {
    timer = setTimeout(() => resolve("overrun"), timeoutMs);
  });
  try {
    const outcome = await Promise.race([Promise.resolve().then(() => onDestroy(instance.context)), overrun]);
    if (outcome === "overrun") instance.log.error(`onDestroy ran past ${timeoutMs} ms (options.actionTimeout); the destroy goes on without it.`);
  } catch (error) {
    instance.log.error("onDestroy failed; the destroy goes on:", error);
  } finally {
    clearTimeout(timer);
  }
}
