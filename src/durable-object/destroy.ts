import { endInstance } from "../actor/destroy";
import type { ActorInstance } from "../actor/instance";
import type { ActorMeta, ActorStorage } from "../actor/storage";
import { DESTROYED_CLOSE } from "../protocol/messages";
import type { HibernatableSockets } from "./hibernatable-sockets";
import type { IndexClient } from "./index-client";
import type { InstanceLoader } from "./instance-loader";

/** One actor's life in its object. A destroy ends it; the object then starts a new one that shares nothing with it. */
export interface ActorLife {
  readonly storage: ActorStorage;
  readonly sockets: HibernatableSockets;
  readonly loader: InstanceLoader;
}

interface DestructionBase {
  ctx: DurableObjectState;
  life: ActorLife;
  index: IndexClient;
  /** Replaces the object's life with a fresh one; called once the storage is empty. */
  renew(): void;
}

export interface Destruction extends DestructionBase {
  instance: ActorInstance;
}

/**
 * Destroys the actor of an object, in an order that leaves no half-deleted actor (docs/architecture.md §4):
 *
 * 1. Its instance refuses new work (`actor_not_found`); the object has already stopped handing
 *    it to new requests, and makes `getOrCreate` and `create` wait for the end.
 * 2. Its index entry turns pending. If the index cannot be reached, the destroy is called off
 *    (`index_unavailable`) and the actor serves again. Otherwise its meta is marked
 *    `destroying`, and the alarm set due: from here on, a wake after a crash (the alarm's, if
 *    nothing else comes) finishes the destroy before serving.
 * 3. `c.abortSignal` fires, the work running in it (and what it passed to `c.waitUntil`)
 *    finishes (up to `options.actionTimeout`), `onDestroy` runs, and its connections and raw
 *    sockets close with `actor_destroyed`.
 * 4. Its storage handle is retired (nothing of the old actor can touch storage again), and in
 *    one `blockConcurrencyWhile` every stored thing (tables, KV, the alarm) is deleted and the
 *    object's life renewed, so that no event sees an actor between the two.
 * 5. Its index entry is deleted.
 *
 * A crash before step 2 leaves the actor whole; one after it leaves it marked, and its next wake
 * destroys it (running `onDestroy` again). Its index entry stays pending meanwhile, and
 * listings ask the object, which answers that it is changing.
 */
export async function destroyActor({ ctx, instance, life, index, renew }: Destruction): Promise<void> {
  instance.gate.drain();
  const { meta } = instance;
  let token: string;
  try {
    // A destroy started from onCreate or onStart goes on once that load is over.
    await life.loader.settled();
    token = await index.mark({ key: meta.key, id: instance.actorId, createdAt: meta.createdAt });
  } catch (error) {
    instance.gate.reopen();
    throw error;
  }
  await life.storage.markDestroying(meta);
  // The destroy goes ahead: long-running work listening to `c.abortSignal` can stop now.
  instance.abortForDestroy();
  const timeoutMs = instance.options.actionTimeout;
  if (!(await instance.gate.idle(timeoutMs))) {
    instance.log.warn(`requests still ran ${timeoutMs} ms (options.actionTimeout) into the destroy; it goes on, and what they change is not stored.`);
  }
  // Connection sockets forget their connections before they close: a later actor here never rebuilds them.
  life.sockets.release();
  await endInstance(instance);
  await deleteActor({ ctx, life, index, renew }, meta, token);
}

/**
 * Destroys, on a client's request, an actor that exists but cannot start (its `onStart` throws,
 * a migration or `createVars` fails), so that a broken actor can be thrown away. No instance
 * runs: nothing is waited for, no `onDestroy` runs, and its connection sockets close with
 * `actor_destroyed` without `onDisconnect`. Nothing happens between the index's mark and the
 * deletion that a crash could cut short, so the actor is not marked `destroying`: a crash
 * leaves it whole (as it was, unable to start) or gone, its index entry pending either way.
 */
export async function destroyUnstarted({ ctx, life, index, renew }: DestructionBase, meta: ActorMeta): Promise<void> {
  const token = await index.mark({ key: meta.key, id: ctx.id.toString(), createdAt: meta.createdAt });
  life.sockets.release();
  life.sockets.closeAll(DESTROYED_CLOSE.code, DESTROYED_CLOSE.reason);
  await deleteActor({ ctx, life, index, renew }, meta, token);
}

/**
 * The end of every destroy: the storage handle retired (nothing of the old actor can touch storage
 * again), every stored thing (tables, KV, the alarm) deleted and the object's life renewed in one
 * `blockConcurrencyWhile`, so that no event sees an actor between the two; then the index entry deleted.
 */
async function deleteActor({ ctx, life, index, renew }: DestructionBase, meta: ActorMeta, token: string): Promise<void> {
  life.storage.retire();
  await ctx.blockConcurrencyWhile(async () => {
    await ctx.storage.deleteAll();
    renew();
  });
  await index.settleGone(meta.key, token);
}
