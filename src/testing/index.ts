import { listDurableObjectIds, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { clientForDriver, settingsFrom, type Client } from "../client/client";
import type { ActorWebSocket } from "../client/actor-websocket";
import { ActorConnectionBase, CONNECTION_QUERY } from "../client/connection";
import { HttpClientDriver } from "../client/http-driver";
import { OpenResources } from "../client/open-resources";
import type { TransportKind } from "../client/driver";
import type { Encoding } from "../protocol/encoding";
import { nearestName } from "../actor/nearest-name";
import { ScheduleStore } from "../actor/schedule-store";
import type { ActorQuery } from "../protocol/query";
import { queryActorName } from "../protocol/query-facts";
import type { ActorDefinitions } from "../worker/registry-runtime";
import type { Registry } from "../registry/setup";
import { indexShardIds } from "../worker/list";
import { inJurisdiction } from "../server/jurisdiction";
import { keyToName } from "../worker/locate";

export interface TestOptions {
  /** How protocol messages are encoded (default `json`). */
  encoding?: Encoding | undefined;
  /** How connections travel (default `websocket`, as in production). */
  transport?: TransportKind | undefined;
  /** How long a call may wait for its answer (ms), as createClient's actionTimeout. Default 10 s. */
  actionTimeout?: number | undefined;
}

/** Anything that names one actor: a handle (`client.counter.getOrCreate("a")`) or a connection made from one. */
export type ActorRef = { readonly query: ActorQuery } | ActorConnectionBase;

/** The query an actor reference addresses its actor by. */
function queryOf(actor: ActorRef): ActorQuery {
  return actor instanceof ActorConnectionBase ? actor[CONNECTION_QUERY] : actor.query;
}

export interface ActorTest<A extends ActorDefinitions> {
  /**
   * A client of the Worker under test, as a browser or Node would use it: every request goes
   * through the Worker's default export (so `onAuth` runs), in the same workerd as the test.
   * Dispose it after each test (`await client.dispose()`) to close its connections.
   */
  readonly client: Client<Registry<A>>;
  /**
   * Restarts one actor as a crash or a deploy would: the object leaves memory and its open
   * connections and sockets drop (clients reconnect by themselves); its storage stays. The next
   * request loads it again, running `onStart`. An actor that does not exist yet is not created.
   */
  restartActor(actor: ActorRef): Promise<void>;
  /** Restarts every actor of every kind at once, as `restartActor` does one. */
  restartAllActors(): Promise<void>;
  /**
   * Runs every action the actor scheduled now, later ones included, instead of waiting for
   * their time; they run as the alarm would run them. Resolves with false when nothing was scheduled.
   */
  runScheduled(actor: ActorRef): Promise<boolean>;
  /** The ids of every actor of this kind that was addressed so far in this test file (the actor index's own objects left out). */
  actorIds(name: keyof A & string): Promise<string[]>;
}

/**
 * Testing helpers for `@cloudflare/vitest-pool-workers`: a client bound to the Worker under test,
 * and ways to restart actors and run their schedules. Call it in a test file of a project whose
 * vitest config uses `cloudflareTest({ wrangler: { configPath } })` on the Worker that serves
 * `registry` (its default export is `registry.handler` or `serve(app)`).
 */
export function setupTest<A extends ActorDefinitions>(registry: Registry<A>, options: TestOptions = {}): ActorTest<A> {
  // The client's open connections are kept here, so a restart can wait until they saw it.
  const resources = new OpenResources();
  const settings = settingsFrom({ encoding: options.encoding, transport: options.transport, actionTimeout: options.actionTimeout ?? 10_000 });
  const driver = new HttpClientDriver({
    // Requests never leave workerd, so the host is only a name.
    endpoint: "http://actorflare.test",
    fetch: (input, init) => mainWorker().fetch(new Request(input, init)),
    actionTimeout: settings.actionTimeout,
  });
  const client = clientForDriver<Registry<A>>(driver, settings, resources);

  const namespaceOf = (name: string): DurableObjectNamespace => {
    // A misspelt name would otherwise be blamed on the wrangler config, as a missing binding.
    if (!Object.hasOwn(registry.actors, name)) throw unregisteredActor(name, Object.keys(registry.actors));
    const binding = registry.bindingName(name);
    const namespace = (env as unknown as Record<string, unknown>)[binding];
    if (typeof namespace !== "object" || namespace === null || !("idFromName" in namespace)) {
      throw new Error(
        `setupTest: the test's env has no Durable Object binding '${binding}' for actor '${name}'. ` +
          "Point cloudflareTest({ wrangler: { configPath } }) at the wrangler config that declares it.",
      );
    }
    return inJurisdiction(namespace as DurableObjectNamespace, registry.actors[name]?.config.jurisdiction);
  };

  const stubOf = (actor: ActorRef): DurableObjectStub => {
    const query = queryOf(actor);
    const name = queryActorName(query);
    if (name === undefined) throw new Error("setupTest: this handle does not name its actor; use client.<name>.getForId(id).");
    const namespace = namespaceOf(name);
    const key =
      "getForId" in query
        ? undefined
        : "getForKey" in query
          ? query.getForKey.key
          : "getOrCreateForKey" in query
            ? query.getOrCreateForKey.key
            : query.create.key;
    return namespace.get(
      key === undefined ? namespace.idFromString((query as { getForId: { actorId: string } }).getForId.actorId) : namespace.idFromName(keyToName(key)),
    );
  };

  /** Every object of every actor kind that exists (the actor index's included). */
  const allStubs = async (): Promise<DurableObjectStub[]> => {
    const perKind = await Promise.all(
      Object.keys(registry.actors).map(async (name) => {
        const namespace = namespaceOf(name);
        return (await listDurableObjectIds(namespace)).map((id) => namespace.get(id));
      }),
    );
    return perKind.flat();
  };

  return {
    client,
    async restartActor(actor) {
      const stub = stubOf(actor);
      // Only objects that exist are restarted: asking an object to abort would create it.
      const exists = (await listDurableObjectIds(namespaceOf(queryActorName(queryOf(actor))!))).some((id) => id.equals(stub.id));
      if (!exists) return;
      // Listening before the restart: a connection may drop and reopen before the abort call returns.
      const drops = resources
        .openConnections()
        .filter((connection) => connection.actorId === stub.id.toString())
        .map(droppedBy);
      await abort(stub);
      await Promise.all(drops);
    },
    async restartAllActors() {
      const drops = [...resources.openConnections().map(droppedBy), ...resources.openSockets().map(closedBy)];
      // Each actor is aborted by id, which wakes one that hibernates and closes its raw sockets
      // too (the pool's abortAllDurableObjects() does neither), all at once.
      await Promise.all((await allStubs()).map(abort));
      await Promise.all(drops);
    },
    async runScheduled(actor) {
      const stub = stubOf(actor);
      await runInDurableObject(stub, (_instance, state) => new ScheduleStore(state.storage.sql).bringForward(Date.now()));
      return runDurableObjectAlarm(stub);
    },
    async actorIds(name) {
      const namespace = namespaceOf(name);
      const shards = indexShardIds(namespace);
      return (await listDurableObjectIds(namespace)).filter((id) => !shards.some((shard) => shard.equals(id))).map((id) => id.toString());
    },
  };
}

/** A name no actor of the registry has: the nearest registered one, if any is near, and all of them. */
function unregisteredActor(name: string, registered: readonly string[]): Error {
  const nearest = nearestName(name, registered);
  return new Error(
    `setupTest: no actor named '${name}' is registered; ${nearest ? `did you mean '${nearest}'? ` : ""}` +
      `The registry has ${registered.join(", ")}. Use the name the actor has in setup({ use }).`,
  );
}

/** Restarts one object: it leaves memory and drops its sockets; its storage stays. */
async function abort(stub: DurableObjectStub): Promise<void> {
  await runInDurableObject(stub, (_instance, state) => state.abort("restarted by the test")).catch(() => {
    // abort() ends the object, and with it the call that asked for it.
  });
}

/**
 * Resolves once a connection that was open when its actor restarted has seen its socket drop, so
 * that a call made after the restart waits for the reconnect instead of going out on the dead socket.
 */
function droppedBy(connection: ActorConnectionBase): Promise<void> {
  return new Promise((resolve) => {
    const stop = connection.onStatusChange((status) => {
      if (status === "open") return;
      stop();
      resolve();
    });
    if (connection.status !== "open") {
      stop();
      resolve();
    }
  });
}

/** Resolves once a raw WebSocket that was open when its actor restarted has closed. */
function closedBy(socket: ActorWebSocket): Promise<void> {
  return new Promise((resolve) => {
    socket.addEventListener("close", () => resolve());
    if (socket.readyState === 3) resolve();
  });
}

/** The Worker under test: the default export of the wrangler config's `main`. */
function mainWorker(): { fetch(request: Request): Promise<Response> } {
  const main = (exports as unknown as { default?: { fetch?: unknown } }).default;
  if (typeof main?.fetch !== "function") {
    throw new Error("setupTest: the Worker under test has no default export with fetch(). Export `registry.handler` (or `serve(app)`) as its default.");
  }
  return main as { fetch(request: Request): Promise<Response> };
}
