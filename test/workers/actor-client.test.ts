import { describe, expect, it } from "vitest";
import { call, errorBody, testClient, uniqueKey } from "./helpers";

// `c.client()`: an actor calling other actors (and itself) from inside its handlers, through the
// registry's server-side client over its own Durable Object's bindings.
describe("c.client() inside an actor", () => {
  const client = testClient();

  it("an action calls another actor's action", async () => {
    const counter = uniqueKey("counter");
    const caller = client.caller.getOrCreate(uniqueKey());
    expect(await caller.increment(counter, 5)).toBe(5);
    expect(await caller.increment(counter, 2)).toBe(7);
    expect(await client.counter.getOrCreate(counter).getCount()).toBe(7);
  });

  it("an argument taken from the caller's own state (a proxy of it) reaches the other actor as its data", async () => {
    const echoed = await client.caller.getOrCreate(uniqueKey()).passState(uniqueKey("echo"));
    expect(echoed).toEqual({ items: [1, 2], boxTags: [["a", 1]], tags: [["a", 1]] });
  });

  it("the same from onCreate, before the actor has finished loading", async () => {
    const key = uniqueKey("pass-at-create");
    expect(await client.caller.getOrCreate(key).echoedAtCreate()).toEqual([{ items: [1, 2], tags: {} }]);
  });

  it("onFetch calls another actor", async () => {
    const counter = uniqueKey("counter");
    const handle = client.caller.getOrCreate(uniqueKey());
    expect(await (await handle.fetch(`/?counter=${counter}`)).json()).toEqual({ count: 1 });
    expect(await (await handle.fetch(`/?counter=${counter}`)).json()).toEqual({ count: 2 });
  });

  it("connects to another actor and receives its events", async () => {
    const { events, results } = await client.caller.getOrCreate(uniqueKey()).listen(uniqueKey("counter"));
    expect(events.length).toBeGreaterThan(0);
    // Every event is the count one of the increments answered, in order.
    expect(results.slice(results.length - events.length)).toEqual(events);
  });

  it("an error of the called actor reaches the caller as an ActorError with its code, message and metadata", async () => {
    const seen = await client.caller.getOrCreate(uniqueKey()).caught(uniqueKey("room"));
    expect(seen).toEqual({ isActorError: true, code: "nope", message: "Nope.", metadata: { why: "asked" } });
  });

  it("the client's own refusals are ActorErrors too: an actor the registry does not have", async () => {
    expect(await client.caller.getOrCreate(uniqueKey()).caughtUnknown()).toEqual({ isActorError: true, code: "actor_not_found" });
  });

  it("an error the caller does not catch is masked like any other exception of its own", async () => {
    await expect(client.caller.getOrCreate(uniqueKey()).uncaught(uniqueKey("room"))).rejects.toMatchObject({ code: "internal_error" });
  });

  it("skips the called actor's onAuth, as the server-side client does: its auth data is undefined", async () => {
    const caller = client.caller.getOrCreate(uniqueKey());
    // chatRoom's onAuth refuses the token `deny`; a public client gets 403 with it.
    const refused = await call("/registry/actors/actions/whoami", {
      method: "POST",
      headers: {
        "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name: "chatRoom", key: [uniqueKey()] } }),
        "X-RivetKit-Encoding": "json",
        "X-RivetKit-Conn-Params": JSON.stringify({ token: "deny" }),
      },
      body: JSON.stringify({ a: [] }),
    });
    expect(refused.status).toBe(403);
    expect((await errorBody(refused)).c).toBe("forbidden");
    const seen = (await caller.whoami(uniqueKey("room"))) as { auth: unknown; params: unknown; state: unknown };
    expect(seen.auth).toBeUndefined();
    expect(seen.params).toEqual({ name: "inner", token: "deny" });
    expect(seen.state).toEqual({ name: "inner", sent: 0 });
    // privateActor has no onAuth: closed to public clients, open to other actors.
    expect(await caller.fetchPrivate(uniqueKey())).toEqual({ n: 1 });
  });

  it("an actor that calls itself by key while an action waits does not deadlock: the call runs in between", async () => {
    const caller = client.caller.getOrCreate(uniqueKey());
    expect(await caller.bumpSelf(3)).toEqual({ after: 3, seen: 3 });
    expect(await caller.bumpSelf(4)).toEqual({ after: 7, seen: 7 });
    expect(await caller.bump(0)).toBe(7);
  });

  it("an actor that calls itself while it starts is refused at once (the call would wait for the start, which waits for the call)", async () => {
    const started = Date.now();
    const caller = client.caller.getOrCreate(uniqueKey("self-at-start"));
    expect(await caller.startError()).toBe("self_call_while_starting");
    // The runtime would otherwise reset the object after 30 s of waiting.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await caller.bump(0)).toBe(0);
  });
});
