import { runAction } from "../actor/actions";
import { Connection } from "../actor/connection";
import type { ActorInstance } from "../actor/instance";
import type { JobRow } from "../actor/schedule-store";
import { rawCopy } from "../actor/state-raw";
import { errors } from "../protocol/errors";
import { inspectorErrors } from "../protocol/inspector-errors";
import { fromJsonView, type InspectedJob, type InspectorOp, type InspectorSnapshot, jsonView } from "../protocol/inspector";
import { isPlainObject } from "../protocol/plain-object";
import { stateDigest } from "../protocol/state-digest";

/** The inspector's actions run on a connection of their own, as scheduled jobs do: no params, no auth, no connection hooks. */
const INSPECTOR_TRANSPORT = { encoding: "json", send: () => {}, close: () => {} } as const;

/**
 * What the inspector asks of a live actor besides a look and a state replacement (those never
 * wake it: inspector-stored.ts). Whatever changes the actor is
 * written to its log "from inspector". A change that fails changes nothing: an action's partial
 * state is stored or dropped as for any client, a state that cannot be stored is dropped.
 */
export async function inspect(instance: ActorInstance, request: Exclude<InspectorOp, { op: "snapshot" | "setState" }>): Promise<unknown> {
  switch (request.op) {
    case "action": {
      instance.log.info(`from inspector: action '${request.name}'`);
      const conn = new Connection(INSPECTOR_TRANSPORT, { params: null, auth: undefined, state: undefined });
      return jsonView(rawCopy(await runAction(instance, conn, request.name, request.args)));
    }
    case "disconnect": {
      const conn = instance.connections.all.get(request.connectionId);
      if (!conn) throw errors.connNotFound();
      instance.log.info(`from inspector: connection ${conn.id} disconnected`);
      conn.disconnect("disconnected by the inspector");
      return null;
    }
    case "cancelJob":
      if (!(await instance.scheduler.cancel(request.jobId))) throw inspectorErrors.jobNotFound(request.jobId);
      instance.log.info(`from inspector: scheduled job ${request.jobId} cancelled`);
      return null;
  }
}

/** Replaces the state of a started instance: its onStateChange runs, as for any change. */
export function replaceLiveState(instance: ActorInstance, request: { state: unknown; ifStateDigest?: string }): void {
  instance.state = replacement(rawCopy(instance.state), request);
  // saveIfChanged restores the stored state, in memory too, when the new one cannot be stored.
  instance.saveIfChanged();
  instance.log.info("from inspector: state replaced");
}

/**
 * The state a replacement stores in place of `current` (the state as stored or in memory, unproxied).
 * Refused, changing nothing: an edit made from another state than `current` (its `ifStateDigest`),
 * and anything but a plain object where the state is one (every action that reads a field would
 * fail otherwise). The page edits the state as snapshots show it: its types are taken back from
 * the marks and from `current`.
 */
export function replacement(current: unknown, request: { state: unknown; ifStateDigest?: string }): unknown {
  if (request.ifStateDigest !== undefined) {
    const now = stateView(current).stateDigest;
    if (now !== request.ifStateDigest) throw inspectorErrors.stateChanged(request.ifStateDigest, now);
  }
  const next = fromJsonView(request.state, current);
  if (isPlainObject(current) && !isPlainObject(next)) throw inspectorErrors.stateNotObject(kindOf(next));
  return next;
}

/** What a value is, in words for an error message. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Map) return "a Map";
  if (value instanceof Set) return "a Set";
  return `a ${typeof value}`;
}

/** The state as snapshots show it, and the digest of that. */
export function stateView(raw: unknown): { state: unknown; stateDigest: string } {
  const state = jsonView(raw);
  return { state, stateDigest: stateDigest(state) };
}

/** Scheduled jobs as the inspector shows them. */
export function inspectedJobs(rows: JobRow[]): InspectedJob[] {
  return rows.map(({ id, action, args, at, cron, attempts }) => ({
    id,
    action,
    args: jsonView(args),
    at,
    ...(cron === null ? {} : { cron }),
    tries: attempts,
  }));
}

/** What the inspector shows of the actor now, awake. */
export function snapshot(instance: ActorInstance): InspectorSnapshot {
  const { meta } = instance;
  return {
    actor: { id: instance.actorId, name: meta.name, key: meta.key, createdAt: meta.createdAt },
    awake: true,
    ...stateView(rawCopy(instance.state)),
    actions: Object.keys(instance.definition.config.actions ?? {}),
    connections: [...instance.connections.all.values()].map((conn) => ({
      id: conn.id,
      params: jsonView(conn.params),
      state: jsonView(conn.state),
      subscriptions: [...conn.subscriptions],
      transport: conn.transport,
      since: conn.since,
    })),
    schedule: inspectedJobs(instance.storage.schedule.all()),
    activity: instance.activity?.recent() ?? [],
    storageBytes: instance.storageBytes,
  };
}
