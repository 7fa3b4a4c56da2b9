import type { AnyActorDefinition } from "../actor/definition";
import { actorLogger } from "../actor/instance";
import type { ActorMeta } from "../actor/storage";
import { errors } from "../protocol/errors";
import { type InspectorSnapshot, jsonView } from "../protocol/inspector";
import type { ActorLife } from "./destroy";
import { inspectedJobs, replaceLiveState, replacement, snapshot, stateView } from "./inspector";

/**
 * What the inspector reads of an actor, and how it replaces its state, without waking it: an
 * actor that is not awake (asleep, or its wake failed) is read from storage and its state
 * written there, and no actor code runs. So an actor whose onStart throws on its state can still
 * be seen and repaired, and a look does not wake one whose start is stuck in a call cycle.
 */

/** Who the actor is: its object's id, its name as registered, its definition. */
export interface StoredActor {
  id: string;
  name: string;
  definition: AnyActorDefinition;
}

/** The existing actor's meta; `actor_not_found` when there is none (the inspector never creates one) or a destroy is under way. */
function existing(life: ActorLife, actor: StoredActor): ActorMeta {
  const meta = life.storage.readMeta();
  if (!meta) throw errors.actorNotFound(`Actor '${actor.name}' not found: no actor of that name exists with this key or id.`);
  if (meta.destroying) throw errors.actorGone(actor.name);
  return meta;
}

/** What the inspector shows of the actor now: the started instance's view, or what storage holds. */
export function inspectorView(life: ActorLife, actor: StoredActor): InspectorSnapshot {
  const live = life.loader.started;
  return live ? snapshot(live) : storedSnapshot(life, actor);
}

/** Replaces the state: through the started instance (inspector.ts), or in storage. */
export function replaceState(life: ActorLife, actor: StoredActor, request: { state: unknown; ifStateDigest?: string }): void {
  const live = life.loader.started;
  if (live) replaceLiveState(live, request);
  else replaceStoredState(life, actor, request);
}

/** The snapshot of an actor that is not awake: what storage and its sockets hold, and why its last wake failed. */
function storedSnapshot(life: ActorLife, actor: StoredActor): InspectorSnapshot {
  const meta = existing(life, actor);
  const failure = life.loader.failure;
  return {
    actor: { id: actor.id, name: meta.name, key: meta.key, createdAt: meta.createdAt },
    awake: false,
    ...(failure ? { startFailure: failure } : {}),
    ...stateView(life.storage.readState()),
    actions: Object.keys(actor.definition.config.actions ?? {}),
    connections: life.sockets.stored().map(({ record, subscriptions }) => ({
      id: record.id,
      params: jsonView(record.params),
      state: jsonView(record.state),
      subscriptions,
      transport: "websocket",
      since: record.since ?? meta.createdAt,
    })),
    schedule: inspectedJobs(life.storage.schedule.all()),
    activity: [],
    storageBytes: life.storage.durable.sql.databaseSize,
  };
}

/**
 * Replaces the state of an actor that is not awake, in storage, checked as for an awake one
 * (inspector.ts, `replacement`). An instance whose start failed takes it too, so that its next
 * try starts with it. Its onStateChange does not run: the actor has not started.
 */
function replaceStoredState(life: ActorLife, actor: StoredActor, request: { state: unknown; ifStateDigest?: string }): void {
  existing(life, actor);
  const next = replacement(life.storage.readState(), request);
  life.storage.writeState(next, { all: true, keys: new Set() });
  life.loader.loaded?.reloadState();
  actorLogger(actor.name, actor.id).info("from inspector: state replaced (not awake: stored for its next wake)");
}
