import { runAction } from "../actor/actions";
import { rawCopy } from "../actor/state-raw";
import { Connection } from "../actor/connection";
import type { ActorInstance } from "../actor/instance";
import { errors } from "../protocol/errors";
import { fromJsonView, type InspectorOp, type InspectorSnapshot, jsonView } from "../protocol/inspector";
import { isPlainObject } from "../protocol/plain-object";

/** The inspector's actions run on a connection of their own, as scheduled jobs do: no params, no auth, no connection hooks. */
const INSPECTOR_TRANSPORT = { encoding: "json", send: () => {}, close: () => {} } as const;

/**
 * What the inspector asks of a live actor (protocol/inspector.ts). Whatever changes the actor is
 * written to its log "from inspector". A change that fails changes nothing: an action's partial
 * state is stored or dropped as for any client, a state that cannot be stored is dropped.
 */
export async function inspect(instance: ActorInstance, request: InspectorOp): Promise<unknown> {
  switch (request.op) {
    case "snapshot":
      return snapshot(instance);
    case "action": {
      instance.log.info(`from inspector: action '${request.name}'`);
      const conn = new Connection(INSPECTOR_TRANSPORT, { params: null, auth: undefined, state: undefined });
      return jsonView(rawCopy(await runAction(instance, conn, request.name, request.args)));
    }
    case "setState": {
      const current = rawCopy(instance.state);
      // The page edits the state as snapshots show it: its types are taken back from the marks and the state it replaces.
      const next = fromJsonView(request.state, current);
      // Actions read fields of an object state; anything else in its place would make each of them throw.
      if (isPlainObject(current) && !isPlainObject(next)) throw errors.inspectorStateNotObject(kindOf(next));
      instance.state = next;
      // saveIfChanged restores the stored state, in memory too, when the new one cannot be stored.
      instance.saveIfChanged();
      instance.log.info("from inspector: state replaced");
      return null;
    }
    case "disconnect": {
      const conn = instance.connections.all.get(request.connectionId);
      if (!conn) throw errors.connNotFound();
      instance.log.info(`from inspector: connection ${conn.id} disconnected`);
      conn.disconnect("disconnected by the inspector");
      return null;
    }
    case "cancelJob":
      if (!(await instance.scheduler.cancel(request.jobId))) throw errors.jobNotFound(request.jobId);
      instance.log.info(`from inspector: scheduled job ${request.jobId} cancelled`);
      return null;
  }
}

/** What a value is, in words for an error message. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Map) return "a Map";
  if (value instanceof Set) return "a Set";
  return `a ${typeof value}`;
}

/** What the inspector shows of the actor now. */
export async function snapshot(instance: ActorInstance): Promise<InspectorSnapshot> {
  const { meta } = instance;
  return {
    actor: { id: instance.actorId, name: meta.name, key: meta.key, createdAt: meta.createdAt },
    state: jsonView(rawCopy(instance.state)),
    actions: Object.keys(instance.definition.config.actions ?? {}),
    connections: [...instance.connections.all.values()].map((conn) => ({
      id: conn.id,
      params: jsonView(conn.params),
      state: jsonView(conn.state),
      subscriptions: [...conn.subscriptions],
      transport: conn.transport,
      since: conn.since,
    })),
    schedule: (await instance.scheduler.list()).map((job) => ({
      id: job.id,
      action: job.action,
      args: jsonView(job.args),
      at: job.at,
      ...(job.kind === "cron" ? { cron: job.cron } : {}),
      tries: job.tries,
    })),
    activity: instance.activity?.recent() ?? [],
    storageBytes: instance.storageBytes,
  };
}
