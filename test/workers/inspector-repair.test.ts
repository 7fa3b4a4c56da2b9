import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { InspectorSnapshot } from "../../src/protocol/inspector";
import { keyToName } from "../../src/worker/locate";
import {
  byKey,
  call,
  counterAt,
  errorBody,
  INSPECTOR_API as API,
  INSPECTOR_BEARER as BEARER,
  inspector,
  queryHeaders,
  rejection,
  snapshotOf,
  testClient,
  uniqueKey,
} from "./helpers";
import { SocketReader, upgrade } from "./ws-helpers";

// The inspector reads an actor, and replaces its state, without waking it: an actor whose
// onStart throws on its state can be seen and repaired, and a look does not wake one whose start
// is stuck (docs/protocol.md §13).

/** Takes the actor's object out of memory, as the runtime does to an idle one, or a deploy. */
const restart = (namespace: DurableObjectNamespace, key: string) =>
  runInDurableObject(namespace.get(namespace.idFromName(keyToName([key]))), (_instance, state) => state.abort("restart")).catch(() => {});

const statePath = (name: string, key: string) => `${API}/actor/state?${byKey(name, key)}`;
const healthy = { config: { limit: 3 }, count: 0, startPeer: null as string | null, callPeer: null as string | null };

/** The live view's snapshots, in order; `until` skips to the first that matches. */
async function liveView(name: string, key: string) {
  const { socket } = await upgrade(`${API}/actor/live?${byKey(name, key)}`, BEARER);
  const reader = new SocketReader(socket);
  const next = async () => JSON.parse(await reader.nextText()) as InspectorSnapshot;
  return {
    socket,
    next,
    async until(matches: (snapshot: InspectorSnapshot) => boolean): Promise<InspectorSnapshot> {
      let latest = await next();
      while (!matches(latest)) latest = await next();
      return latest;
    },
  };
}

describe("the inspector and an actor whose wake fails", () => {
  it("shows it from storage with why it failed, repairs its state without starting it, and the next wake starts with the repair", async () => {
    const key = uniqueKey("broken");
    const handle = testClient().configured.getOrCreate(key);
    expect(await handle.bump()).toBe(1);
    // An edit onStart cannot live with: the started actor takes it; its next wake fails.
    expect((await inspector("PUT", statePath("configured", key), { body: { state: { ...healthy, config: null, count: 1 } } })).status).toBe(200);
    await restart(env.CONFIGURED, key);
    expect((await rejection(handle.bump())).code).toBe("actor_start_failed");

    const seen = await snapshotOf("configured", key);
    expect(seen).toMatchObject({
      awake: false,
      state: { ...healthy, config: null, count: 1 },
      actions: ["bump", "count", "relay"],
      connections: [],
      activity: [],
    });
    expect(seen.actor).toMatchObject({ name: "configured", key: [key] });
    expect(seen.startFailure).toEqual({
      code: "actor_start_failed",
      message: expect.stringContaining("onStart of actor 'configured' threw"),
      cause: expect.stringMatching(/^TypeError: .*limit/),
      at: expect.any(Number),
    });
    // An action needs the actor awake: it still fails to start.
    const called = await inspector("POST", `${API}/actor/action?${byKey("configured", key)}`, { body: { name: "count", args: [] } });
    expect(called.status).toBe(500);
    expect(await errorBody(called)).toMatchObject({ c: "actor_start_failed" });

    // Bad edits are refused as for an awake actor, and change nothing.
    for (const state of ["str", null, [1]]) {
      const refused = await inspector("PUT", statePath("configured", key), { body: { state } });
      expect(refused.status, JSON.stringify(state)).toBe(400);
      expect(await errorBody(refused)).toMatchObject({ c: "invalid_request", m: expect.stringContaining("Nothing was changed") });
    }
    expect((await snapshotOf("configured", key)).state).toEqual(seen.state);

    const logged = vi.spyOn(console, "info");
    const repaired = await inspector("PUT", statePath("configured", key), { body: { state: { ...healthy, count: 1 }, ifStateDigest: seen.stateDigest } });
    expect(await repaired.json()).toEqual({ value: null });
    expect(logged.mock.calls.map((args) => args.join(" "))).toContainEqual(
      expect.stringMatching(/^\[actor configured \w+\] from inspector: state replaced \(not awake/),
    );
    logged.mockRestore();
    expect(await handle.bump()).toBe(2);
    const woke = await snapshotOf("configured", key);
    expect(woke).toMatchObject({ awake: true, state: { ...healthy, count: 2 } });
    expect(woke.startFailure).toBeUndefined();
  });

  it("does not wake an actor to look at it: an asleep actor is read from storage, and no onStart runs", async () => {
    const key = uniqueKey("asleep");
    const handle = testClient().scheduled.getOrCreate(key);
    // Its onStart counts its starts in its state.
    expect(await handle.read()).toMatchObject({ starts: 1 });
    await restart(env.SCHEDULED, key);
    for (let look = 0; look < 2; look++) expect(await snapshotOf("scheduled", key)).toMatchObject({ awake: false, state: { starts: 1 }, activity: [] });
    expect(await handle.read()).toMatchObject({ starts: 2 });
    expect(await snapshotOf("scheduled", key)).toMatchObject({ awake: true, state: { starts: 2 } });
  });

  it("opens the live view of an actor that does not wake, which shows each failed wake, the repair and the wake that follows", async () => {
    const key = uniqueKey("live-broken");
    const handle = testClient().configured.getOrCreate(key);
    expect(await handle.bump()).toBe(1);
    await inspector("PUT", statePath("configured", key), { body: { state: { ...healthy, config: null, count: 1 } } });
    await restart(env.CONFIGURED, key);

    const live = await liveView("configured", key);
    const first = await live.next();
    expect(first).toMatchObject({ awake: false, state: { config: null } });
    expect(first.startFailure).toBeUndefined();
    expect((await rejection(handle.bump())).code).toBe("actor_start_failed");
    expect((await live.until((shown) => shown.startFailure !== undefined)).startFailure).toMatchObject({ code: "actor_start_failed" });

    await inspector("PUT", statePath("configured", key), { body: { state: { ...healthy, count: 1 } } });
    // Repaired in storage; the failure shown is the last wake's until one succeeds.
    expect(await live.until((shown) => shown.state !== null && (shown.state as typeof healthy).config !== null)).toMatchObject({ awake: false });
    expect(await handle.bump()).toBe(2);
    const woke = await live.until((shown) => shown.awake);
    expect(woke.startFailure).toBeUndefined();
    expect(woke.state).toMatchObject({ count: 2 });
    live.socket.close(1000);
  });
});

describe("the inspector's state replacement and the state it was edited from", () => {
  it("refuses an edit of a state that changed since it was read (ifStateDigest): 409 state_changed, nothing changed", async () => {
    const key = uniqueKey("stale");
    await counterAt(key, 1);
    const copied = await snapshotOf("counter", key);
    await counterAt(key, 30);
    const stale = await inspector("PUT", statePath("counter", key), { body: { state: { count: 1 }, ifStateDigest: copied.stateDigest } });
    expect(stale.status).toBe(409);
    expect(await errorBody(stale)).toMatchObject({ c: "state_changed", m: expect.stringContaining("Nothing was changed") });
    expect((await snapshotOf("counter", key)).state).toEqual({ count: 31 });

    const malformed = await inspector("PUT", statePath("counter", key), { body: { state: { count: 1 }, ifStateDigest: 5 } });
    expect(await errorBody(malformed)).toMatchObject({ c: "invalid_request", m: expect.stringContaining("ifStateDigest") });

    const current = await snapshotOf("counter", key);
    expect(current.stateDigest).not.toBe(copied.stateDigest);
    expect((await inspector("PUT", statePath("counter", key), { body: { state: { count: 40 }, ifStateDigest: current.stateDigest } })).status).toBe(200);
    // Without a digest, the edit replaces whatever is there.
    expect((await inspector("PUT", statePath("counter", key), { body: { state: { count: 41 } } })).status).toBe(200);
    expect((await snapshotOf("counter", key)).state).toEqual({ count: 41 });
  });

  it("gives a state the same digest awake and asleep, though storage may give its fields back in another order", async () => {
    const key = uniqueKey("digest");
    const layout = testClient().layout.getOrCreate(key);
    // Over 16 KiB: stored a field per entry group (state-store.ts).
    await layout.fill();
    await layout.bump();
    const awake = await snapshotOf("layout", key);
    await restart(env.LAYOUT, key);
    const asleep = await snapshotOf("layout", key);
    expect(asleep.awake).toBe(false);
    expect(asleep.state).toEqual(awake.state);
    expect(asleep.stateDigest).toBe(awake.stateDigest);
  });
});

// The runtime resets an object whose blockConcurrencyWhile waits over 30 s, as a start stuck in a cycle does.
describe("the inspector and a call cycle through onStart", () => {
  it("the call fails with actor_overloaded naming the cycle; the inspector then reads and repairs the actor without waking it", async () => {
    const [a, b] = [uniqueKey("cycle-a"), uniqueKey("cycle-b")];
    const client = testClient();
    expect(await client.configured.getOrCreate(a).count()).toBe(0);
    expect(await client.configured.getOrCreate(b).count()).toBe(0);
    // a's onStart calls b, which calls a back: a's next wake waits on itself.
    await inspector("PUT", statePath("configured", a), { body: { state: { ...healthy, startPeer: b } } });
    await inspector("PUT", statePath("configured", b), { body: { state: { ...healthy, callPeer: a } } });
    await restart(env.CONFIGURED, a);

    // Over HTTP without a client, whose actionTimeout would give up first.
    const stuck = await call("/registry/actors/actions/count", {
      method: "POST",
      headers: { ...queryHeaders({ getForKey: { name: "configured", key: [a] } }), "content-type": "application/json" },
      body: JSON.stringify({ a: [] }),
    });
    expect(stuck.status).toBe(503);
    expect(await errorBody(stuck)).toMatchObject({ c: "actor_overloaded", m: expect.stringContaining("call cycle through onStart") });

    const started = Date.now();
    const seen = await snapshotOf("configured", a);
    expect(seen).toMatchObject({ awake: false, state: { startPeer: b } });
    const repaired = await inspector("PUT", statePath("configured", a), { body: { state: { ...healthy, count: 5 }, ifStateDigest: seen.stateDigest } });
    expect(repaired.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await client.configured.getOrCreate(a).count()).toBe(5);
  }, 60_000);
});
