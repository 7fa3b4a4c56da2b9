import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { actor, ActorConfigError, event, setup } from "../../src/index";
import { optionsOf } from "../../src/actor/options";
import { rejection, testClient, uniqueKey } from "./helpers";

/** The `hello` action of actor `name` through a registry's own handler, as the front Worker calls it. */
async function callHello(registry: { handler: { fetch(request: Request, env: Record<string, unknown>): Promise<Response> } }, name: string, key: string) {
  const response = await registry.handler.fetch(
    new Request("http://x/registry/actors/actions/hello", {
      method: "POST",
      headers: { "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name, key: [key] } }), "X-RivetKit-Encoding": "json" },
      body: JSON.stringify({ a: [] }),
    }),
    env as unknown as Record<string, unknown>,
  );
  return { status: response.status, body: (await response.json()) as { c: string; m: string } };
}

describe("actor() and setup() check the config at module load", () => {
  it.each([
    ["both state and createState", { state: {}, createState: () => ({}) }, "createState"],
    ["a handler that is not a function", { state: {}, onFetch: "nope" }, "onFetch"],
    ["an action that is not a function", { state: {}, actions: { go: 5 } }, "actions.go"],
    ["an unknown key", { state: {}, onFetc: () => new Response() }, "onFetc"],
    ["both vars and createVars", { vars: {}, createVars: () => ({}) }, "createVars"],
    [
      "a subscription limit that is not a positive integer",
      { state: {}, options: { maxSubscriptionsPerConnection: 0.5 } },
      "options.maxSubscriptionsPerConnection",
    ],
  ])("rejects %s, naming the field", (_label, config, field) => {
    let thrown: unknown;
    try {
      actor(config as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ActorConfigError);
    expect((thrown as ActorConfigError).field).toBe(field);
    expect((thrown as Error).message).toContain(`'${field}'`);
  });

  it.each([
    ["onFetc", { state: {}, onFetc: () => new Response() }, "onFetch"],
    ["onFecth", { state: {}, onFecth: () => new Response() }, "onFetch"],
    ["stat", { stat: {} }, "state"],
    ["action", { state: {}, action: {} }, "actions"],
    ["createstate", { createstate: () => ({}) }, "createState"],
    ["options.actionTimout", { state: {}, options: { actionTimout: 5 } }, "actionTimeout"],
  ])("suggests the nearest name for the typo %s", (_label, config, suggestion) => {
    expect(() => actor(config as never)).toThrow(ActorConfigError);
    expect(() => actor(config as never)).toThrow(`did you mean '${suggestion}'?`);
  });

  it("suggests nothing for a name far from every option, and says to check the spelling", () => {
    expect(() => actor({ state: {}, banana: 1 } as never)).toThrow(/unknown key 'banana'; check the spelling against the actor\(\) options\.$/);
    expect(() => actor({ state: {}, options: { colour: 1 } } as never)).toThrow(/unknown option 'colour'; check the spelling against ActorOptions\.$/);
  });

  it.each([
    ["onWake", { state: {}, onWake: () => {} }, "onWake", /use.*onStart/],
    ["onRequest", { state: {}, onRequest: () => new Response() }, "onRequest", /onFetch\(c, request/],
    ["onSleep", { state: {}, onSleep: () => {} }, "onSleep", /no sleep hook/],
    ["options.sleepTimeout", { state: {}, options: { sleepTimeout: 1000 } }, "options.sleepTimeout", /no sleep timeout/],
    ["run", { state: {}, run: async () => {} }, "run", /no run loop.*c\.waitUntil.*c\.schedule/],
    ["onMigrate", { state: {}, onMigrate: () => {} }, "onMigrate", /no migrate hook.*onStart/],
    ["connParamsSchema", { state: {}, connParamsSchema: {} }, "connParamsSchema", /onAuth or onBeforeConnect/],
    ["options.createVarsTimeout", { state: {}, options: { createVarsTimeout: 1000 } }, "options.createVarsTimeout", /no timeout for createVars/],
    [
      "options.connectionLivenessTimeout",
      { state: {}, options: { connectionLivenessTimeout: 1000 } },
      "options.connectionLivenessTimeout",
      /no liveness timeout/,
    ],
    // RivetKit 2.0's own names without a Durable Objects counterpart.
    ["onStop", { state: {}, onStop: () => {} }, "onStop", /no stop hook.*onDestroy/],
    ["types", { state: {}, types: {} }, "types", /infers the actor's types/],
    ["options.stateSaveInterval", { state: {}, options: { stateSaveInterval: 1000 } }, "options.stateSaveInterval", /saved before each handler answers/],
    ["options.onStopTimeout", { state: {}, options: { onStopTimeout: 1000 } }, "options.onStopTimeout", /no stop hook to time/],
    ["options.onConnectTimeout", { state: {}, options: { onConnectTimeout: 1000 } }, "options.onConnectTimeout", /does not time connection hooks/],
    ["options.maxQueueSize", { state: {}, options: { maxQueueSize: 10 } }, "options.maxQueueSize", /no queues/],
    ["options.canHibernateWebSocket", { state: {}, options: { canHibernateWebSocket: true } }, "options.canHibernateWebSocket", /cannot hibernate here/],
  ])("rejects %s, a RivetKit name without a counterpart here, saying what to write instead", (_label, config, field, advice) => {
    expect(() => actor(config as never)).toThrow(ActorConfigError);
    expect(() => actor(config as never)).toThrow(advice);
    expect(() => actor(config as never)).toThrow(`'${field.replace("options.", "")}'`);
  });

  it.each([
    ["onMessage", { state: {}, onMessage: () => {} }, "onMessage", /an action.*onWebSocket/],
    ["onClose", { state: {}, onClose: () => {} }, "onClose", /onDisconnect\(c, conn\)/],
    ["onError", { state: {}, onError: () => {} }, "onError", /no connection error hook/],
    ["onAlarm", { state: {}, onAlarm: () => {} }, "onAlarm", /c\.schedule\.after/],
    ["initialState", { initialState: {} }, "initialState", /use state: \{ \.\.\. \}/],
    ["onStateUpdate", { state: {}, onStateUpdate: () => {} }, "onStateUpdate", /onStateChange\(c, newState\)/],
    ["setState", { state: {}, setState: () => {} }, "setState", /assign to c\.state/],
    ["options.hibernate", { state: {}, options: { hibernate: true } }, "options.hibernate", /connections always hibernate/],
  ])("rejects %s, a PartyServer or Agents SDK name, saying what to write instead", (_label, config, field, advice) => {
    expect(() => actor(config as never)).toThrow(ActorConfigError);
    expect(() => actor(config as never)).toThrow(advice);
    expect(() => actor(config as never)).toThrow(`'${field.replace("options.", "")}'`);
  });

  it("setup() warns about an action a client cannot call as a method", () => {
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const named = actor({ state: {}, actions: { connect: () => "connect", on: () => "on", toString: () => "toString", increment: () => 1 } });
      setup({ use: { named } });
      const warned = warnings.mock.calls.map((call) => String(call[0]));
      expect(warned).toHaveLength(3);
      expect(warned[0]).toMatch(/actor 'named': the action 'connect' cannot be called as handle\.connect\(\) from a client.*handle\.action\("connect", args\)/);
      expect(warned[1]).toMatch(/the action 'on' cannot be called as connection\.on\(\) from a client.*connection\.action\("on", args\)/);
      expect(warned[2]).toMatch(/the action 'toString' cannot be called as handle\.toString\(\) and connection\.toString\(\)/);
    } finally {
      warnings.mockRestore();
    }
  });

  it("setup() names the actor whose definition is wrong", () => {
    expect(() => setup({ use: { broken: { kind: "actorflare.actor", config: { onFetch: 1 } } as never } })).toThrow(/'broken'.*'onFetch'/);
    expect(() => setup({ use: { plain: { state: {} } as never } })).toThrow(/'plain' is not an actor definition/);
    expect(() => setup({ use: {} })).toThrow(/at least one actor/);
    // Keys of setup() itself are checked too (TypeScript checks only object literals).
    const counter = actor({ state: {} });
    expect(() => setup({ use: { counter }, inspecter: { token: "x".repeat(32) } } as never)).toThrow(/unknown key 'inspecter'; did you mean 'inspector'\?/);
    expect(() => setup({ uses: { counter } } as never)).toThrow(/unknown key 'uses'; did you mean 'use'\?/);
    expect(() => setup(undefined as never)).toThrow(/setup\(\) takes an object of options/);
    expect(() => setup({ use: [counter] } as never)).toThrow(/use must be an object of actors by name.*not a list/);
    expect(() => setup({ use: { "": counter } })).toThrow(/an actor needs a name/);
    // RivetKit's own setup() options say what to write instead.
    expect(() => setup({ use: { counter }, maxIncomingMessageSize: 1024 } as never)).toThrow(/actor\(\{ options: \{ maxIncomingMessageSize \} \}\)/);
    expect(() => setup({ use: { counter }, driver: {} } as never)).toThrow(/no driver to choose/);
    expect(() => setup({ use: { counter }, basePath: "/api" } as never)).toThrow(/under \/registry/);
  });

  it("actor({ events }) takes event<T>(), a Standard Schema or { schema, canSubscribe }, and refuses anything else, naming the event", () => {
    const schema = { "~standard": { version: 1, vendor: "test", validate: (value: unknown) => ({ value }) } };
    expect(() =>
      actor({ state: {}, events: { a: event<number>(), b: schema, c: { schema, canSubscribe: () => true }, d: event<string>({ schema }) } }),
    ).not.toThrow();
    const withEvents = (events: unknown) => () => actor({ state: {}, events } as never);
    expect(withEvents([])).toThrow(/field 'events': 'events' must be an object whose values are each an event<T>\(\)/);
    expect(withEvents({ chat: "string" })).toThrow(/field 'events\.chat': 'events\.chat' must be an event<T>\(\)/);
    expect(withEvents({ chat: { shema: schema } })).toThrow(/field 'events\.chat\.shema': unknown key 'shema'; did you mean 'schema'\?/);
    expect(withEvents({ chat: { schema: { "~standard": {} } } })).toThrow(
      /field 'events\.chat\.schema': .*has '~standard' but no '~standard\.validate' function/,
    );
    expect(withEvents({ chat: { schema: "string" } })).toThrow(/field 'events\.chat\.schema': 'events\.chat\.schema' must be an event<T>\(\)/);
    // RivetKit's form: an event<T>() as the schema.
    expect(withEvents({ chat: { schema: event<string>(), canSubscribe: () => true } })).not.toThrow();
    // Options inside an event<T>() given as the schema would be ignored: a canSubscribe there is no rule at all.
    expect(withEvents({ chat: { schema: event<string>({ canSubscribe: () => false }) } })).toThrow(
      /field 'events\.chat\.schema': an event<T>\(\) given as 'schema' only types the payload, so its canSubscribe would be ignored: put canSubscribe beside 'schema'/,
    );
    expect(withEvents({ "a\ud800": event<string>() })).toThrow(/holds half of a UTF-16 pair/);
    // Names no connection could subscribe to.
    expect(withEvents({ "": event<string>() })).toThrow(/field 'events': an event needs a name/);
    expect(withEvents({ ["é".repeat(200)]: event<string>() })).toThrow(/the name is 400 bytes long \(UTF-8\), over options\.maxEventNameBytes \(256\)/);
    expect(() => actor({ state: {}, options: { maxEventNameBytes: 512 }, events: { ["é".repeat(200)]: event<string>() } })).not.toThrow();
    expect(withEvents({ chat: event({ canSubscribe: true as never }) })).toThrow(/field 'events\.chat\.canSubscribe': 'canSubscribe' must be a function/);
  });

  // A string origin was matched as a substring, with credentials, and a misspelt key fell back to `*`.
  it("setup() refuses a cors option that would let other origins in than the ones meant", () => {
    const counter = actor({ state: {} });
    const withCors = (cors: unknown) => () => setup({ use: { counter }, cors } as never);
    expect(withCors({ origin: "https://a.example" })).toThrow(/write a list of one: origin: \["https:\/\/a.example"\]/);
    expect(withCors({ origins: ["https://a.example"] })).toThrow(/unknown key 'origins'/);
    expect(withCors(true)).toThrow(/expected an object such as/);
    expect(withCors({ origin: 5 })).toThrow(/origin must be "\*", a list of origins or a function/);
    expect(withCors({ origin: [] })).toThrow(/empty list.*cors: false/);
    expect(withCors({ origin: ["https://a.example/"] })).toThrow(/Write it as a browser sends it: "https:\/\/a.example"/);
    expect(withCors({ origin: ["HTTPS://A.example:443"] })).toThrow(/"https:\/\/a.example"/);
    expect(withCors({ origin: ["a.example"] })).toThrow(/An origin is a scheme and a host/);
    expect(withCors({ origin: ["https://*.a.example"] })).toThrow(/matched exactly, not as patterns.*pass a function/);
    expect(withCors({ origin: ["*"] })).toThrow(/write origin: "\*", not a list/);
    expect(withCors({ origin: ["null"] })).toThrow(/"null" .* is never let in/);
    expect(withCors({ credentials: true })).toThrow(/never granted to every origin/);
    expect(withCors({ origin: "*", credentials: true })).toThrow(/never granted to every origin/);
    expect(withCors({ origins: ["https://a.example"] })).toThrow(/did you mean 'origin'\?/);
    expect(withCors({ origin: ["Chrome-Extension://abc"] })).toThrow(/Write it as a browser sends it: "chrome-extension:\/\/abc"/);
    expect(withCors({ credentials: "yes" })).toThrow(/credentials must be true or false/);
    expect(withCors({ allowHeaders: "Authorization" })).toThrow(/allowHeaders must be a list/);
    expect(withCors({ allowHeaders: ["bad header"] })).toThrow(/"bad header", which is not a header name/);
    // What the README describes is taken.
    for (const cors of [
      false,
      { origin: "*" },
      { origin: ["https://a.example", "http://localhost:5173"], credentials: false, allowHeaders: ["Authorization"] },
      { origin: () => true },
      // Browser extensions and app shells send origins of their own schemes.
      { origin: ["chrome-extension://abcdefghijklmnopabcdefghijklmnop", "moz-extension://3f2b0c1e-7a4d-4b8e-9c1d-2e5f6a7b8c9d"] },
      { origin: ["capacitor://localhost", "tauri://localhost", "http://[::1]:5173"], credentials: true },
    ]) {
      expect(withCors(cors)).not.toThrow();
    }
  });

  it("setup() refuses two actors that would share a Durable Object class or binding", () => {
    const one = actor({ state: {} });
    expect(() => setup({ use: { foo: one, Foo: one } })).toThrow(/'foo' and 'Foo' would both export the Durable Object class Foo/);
    // Class names keep letters beyond ASCII.
    expect(() => setup({ use: { über: one, Über: one } })).toThrow(/would both export the Durable Object class Über\./);
    expect(() => setup({ use: { chatRoom: one, "chat-room": one } })).toThrow(/class ChatRoom/);
    expect(() => setup({ use: { fooBar: one, foo_bar: one } })).toThrow(
      /'fooBar' and 'foo_bar' would both use the Durable Object binding FOO_BAR.*setup\(\{ bindings: \{ foo_bar:/,
    );
    expect(() => setup({ use: { a: one, b: one }, bindings: { b: "A" } })).toThrow(/binding A/);
    expect(() => setup({ use: { fooBar: one, foo_bar: one }, bindings: { foo_bar: "FOO_BAR_2" } })).not.toThrow();
  });

  it("a function where a value belongs (state, vars, connState) is refused, naming the factory to use", () => {
    expect(() => actor({ state: () => ({ n: 1 }) } as never)).toThrow(/'state' is a value, not a function: to make it with a function, use 'createState'/);
    // Copied for each actor by structuredClone, which would refuse them at every start instead.
    expect(() => actor({ state: { count: 0, fn: () => 1 } })).toThrow(
      /'state.fn' cannot be copied for each actor \(.*could not be cloned.*\).*or make it in 'createState'/,
    );
    expect(() => actor({ state: { count: 0, when: Promise.resolve(1) } })).toThrow(/'state.when' cannot be copied/);
    expect(() => actor({ connState: { tag: Symbol("x") } })).toThrow(/'connState.tag' cannot be copied for each connection/);
    expect(() => actor({ state: { at: new Date(0), seen: new Set([1]), byId: new Map([["a", 1]]) }, vars: { hits: 0 } })).not.toThrow();
    expect(() => actor({ state: {}, vars: () => ({}) } as never)).toThrow(/use 'createVars'/);
    expect(() => actor({ state: {}, connState: () => ({}) } as never)).toThrow(/use 'createConnState'/);
    expect(() => actor({ state: {}, jurisdiction: () => "eu" } as never)).toThrow(/\(got a function\)/);
  });

  it("setup() refuses actor names the client keeps for itself", () => {
    expect(() => setup({ use: { dispose: actor({ state: {} }) } })).toThrow(/cannot be named 'dispose'.*client\.dispose/);
    expect(() => setup({ use: { then: actor({ state: {} }) } })).toThrow(/cannot be named 'then'/);
  });

  it("names one Durable Object class per actor by convention", () => {
    const registry = setup({ use: { httpActor: actor({ state: {} }), counter: actor({ state: {} }) } });
    expect(Object.keys(registry.durableObjects).sort()).toEqual(["Counter", "HttpActor"]);
    expect(registry.bindingName("httpActor")).toBe("HTTP_ACTOR");
    expect(registry.bindingName("counter")).toBe("COUNTER");
    const custom = setup({ use: { counter: actor({ state: {} }) }, bindings: { counter: "MY_COUNTERS" } });
    expect(custom.bindingName("counter")).toBe("MY_COUNTERS");
  });

  it("setup({ bindings }) refuses a name that is no actor of the registry, and a binding that is not a name", () => {
    const counter = actor({ state: {} });
    expect(() => setup({ use: { counter }, bindings: { countr: "X" } as never })).toThrow(/'countr' is not an actor of this registry \(counter\)/);
    expect(() => setup({ use: { counter }, bindings: { counter: "" } })).toThrow(/binding of 'counter' must be/);
  });

  it("a missing binding fails with the exact wrangler.toml lines to add", async () => {
    const response = await unboundActorRequest("ghostActor");
    expect(response.status).toBe(500);
    const body = (await response.json()) as { c: string; m: string };
    expect(body.c).toBe("binding_not_found");
    expect(body.m).toContain('[[durable_objects.bindings]]\nname = "GHOST_ACTOR"\nclass_name = "GhostActor"');
    expect(body.m).toContain("# only if GhostActor is in no [[migrations]] entry yet:\n[[migrations]]");
    expect(body.m).toContain('new_sqlite_classes = ["GhostActor"]');
    expect(body.m).toContain("export class GhostActor extends registry.durableObjects.GhostActor {}");
  });

  it("for an actor name that is not an identifier, the lines to add name a class that can be exported", async () => {
    const body = (await (await unboundActorRequest("ghost-room")).json()) as { c: string; m: string };
    expect(body.c).toBe("binding_not_found");
    expect(body.m).toContain('name = "GHOST_ROOM"\nclass_name = "GhostRoom"');
    expect(body.m).toContain('new_sqlite_classes = ["GhostRoom"]');
    expect(body.m).toContain('export class GhostRoom extends registry.durableObjects["Ghost-room"] {}');
  });

  it("a binding that leads to a class that is not an actor's is binding_mismatch, naming the export to write", async () => {
    const registry = setup({
      use: { counter: actor({ state: {}, onAuth: () => ({}), actions: { hello: () => "hi" } }) },
      bindings: { counter: "HAND_WRITTEN" },
    });
    const { status, body } = await callHello(registry, "counter", uniqueKey());
    expect(status).toBe(500);
    expect(body.c).toBe("binding_mismatch");
    expect(body.m).toContain("the binding of actor 'counter' names is not an actor's");
    expect(body.m).toContain("export class Counter extends registry.durableObjects.Counter {}");
  });

  it("a binding that leads to another actor's class is binding_mismatch, naming both and the fix; nothing is created", async () => {
    // Actor `swapped` bound to COUNTER, whose class is counter's: what swapped bindings or a wrong export give.
    const registry = setup({ use: { swapped: actor({ state: {}, onAuth: () => ({}), actions: { hello: () => "hi" } }) }, bindings: { swapped: "COUNTER" } });
    const key = uniqueKey();
    const { status, body } = await callHello(registry, "swapped", key);
    expect(status).toBe(500);
    expect(body.c).toBe("binding_mismatch");
    expect(body.m).toContain("actor 'swapped' reached the Durable Object class of actor 'counter'");
    expect(body.m).toContain('class_name "Swapped"');
    expect(body.m).toContain("export class Swapped extends registry.durableObjects.Swapped {}");
    // The counter of that key was not made by the request.
    expect(
      await testClient()
        .counter.get(key)
        .resolve()
        .catch((error: { code: string }) => error.code),
    ).toBe("actor_not_found");
  });

  it("a class declared with new_classes (key-value storage) fails every request with storage_not_sqlite, saying how to declare it", async () => {
    const handle = testClient().notSqlite.getOrCreate(uniqueKey());
    const refusal = await rejection(handle.read());
    expect(refusal.code).toBe("storage_not_sqlite");
    expect(refusal.message).toContain("The Durable Object class NotSqlite of actor 'notSqlite'");
    // Both ways to get here: a class in no migration, and one declared key-value (which needs a new name).
    expect(refusal.message).toContain("If NotSqlite is in no [[migrations]] entry");
    expect(refusal.message).toContain("export the actor under a new class name");
    const response = await handle.fetch("/");
    expect(response.status).toBe(500);
    expect(((await response.json()) as { c: string }).c).toBe("storage_not_sqlite");
  });
});

/** A raw HTTP request to actor `name` of a registry of its own, which the test worker has no binding for. */
function unboundActorRequest(name: string): Promise<Response> {
  const registry = setup({ use: { [name]: actor({ state: {}, onAuth: () => ({}), onFetch: () => new Response("hi") }) } });
  return registry.handler.fetch(
    new Request("http://x/registry/actors/raw/http/", { headers: { "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name, key: [] } }) } }),
    env as unknown as Record<string, unknown>,
  );
}

describe("actor options", () => {
  it("an option given as undefined keeps its default, as one left out does", () => {
    const tuned = actor({ state: {}, options: { actionTimeout: undefined, maxEventNameBytes: 64 }, actions: {} });
    expect(optionsOf(tuned)).toMatchObject({ actionTimeout: 60_000, maxEventNameBytes: 64 });
  });

  // A keep-alive every 0.1 ms opened sockets faster than workerd closed them; one every 1e12 ms let clients take the stream for dead.
  it("an option outside its bounds (a unit mistake, most likely) is refused, saying the bounds and why", () => {
    const withOptions = (options: object) => () => actor({ state: {}, options });
    expect(withOptions({ sseKeepAlive: 0.1 })).toThrow(/'sseKeepAlive' must be from 50 to 15000 ms \(got 0.1\): a comment more often/);
    expect(withOptions({ sseKeepAlive: 1e12 })).toThrow(/taken for dead/);
    expect(withOptions({ scheduleRetryDelay: 1e15 })).toThrow(/'scheduleRetryDelay' must be at most 31536000000 ms .*park a failing job/);
    for (const options of [{ sseKeepAlive: 50 }, { sseKeepAlive: 15_000 }, { scheduleRetryDelay: 0.5 }, { actionTimeout: 1e9 }]) {
      expect(withOptions(options)).not.toThrow();
    }
  });
});
