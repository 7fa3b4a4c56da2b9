import { describe, expect, it } from "vitest";
import { createActorHooks } from "../../src/react/index";
import { createClient, type Client } from "../../src/client/index";
import { actor, event, Forbidden, setup, type ActorContext, type Registry } from "../../src/index";
import type { registry } from "../../examples/demo/registry";

/**
 * The client is typed from `typeof registry` with no code generation. The checks here are
 * made by the type-checker (`npm test` runs tsc first): each `@ts-expect-error` line must be
 * an error, or the type-check fails.
 */
function typeChecks() {
  const client = createClient<typeof registry>("http://127.0.0.1:8787");
  const counter = client.counter.getOrCreate("a");

  const count: Promise<number> = counter.increment(5);
  const read: Promise<number> = counter.getCount();
  // @ts-expect-error: an action that does not exist
  void counter.decrement(1);
  // @ts-expect-error: a wrong argument type
  void counter.increment("five");
  // @ts-expect-error: the output is a number, not a string
  const wrong: Promise<string> = counter.getCount();
  // @ts-expect-error: an actor that is not registered
  void client.nobody;

  const conn = client.chat.getOrCreate("room").connect();
  const sent: Promise<{ from: string; text: string; at: number }> = conn.send("hi");
  // @ts-expect-error: send takes a string
  void conn.send(42);
  conn.on("message", () => {});
  // Events as the chat declares them (`events: { message: event<ChatMessage>(), ... }`).
  conn.on("message", (message) => message.text.toUpperCase());
  conn.once("presence", (online) => online.toFixed());
  // @ts-expect-error: an event the chat does not declare
  conn.on("mesage", () => {});
  // @ts-expect-error: presence is a number
  conn.on("presence", (online: string) => online);
  // Undeclared events of an actor that declares none: any name, unknown arguments.
  const untyped = client.counter.getOrCreate("b").connect();
  untyped.on("newCount", (value) => value);
  const { useActor, useActorEvent } = createActorHooks(client);
  const useChat = () => {
    const { connection } = useActor({ name: "chat", key: "room" });
    useActorEvent(connection, "message", (message) => message.from.trim());
    // @ts-expect-error: an event the chat does not declare
    useActorEvent(connection, "typing", () => {});
  };
  // RivetKit's event<T, Context>() compiles as it is.
  const rivetKitStyle = event<string, { conn: unknown }>();
  return { count, read, wrong, sent, useChat, rivetKitStyle };
}

/** `c.client<typeof registry>()` inside an actor is the same typed client as `registry.createServer().client`. */
function actorClientChecks(c: ActorContext) {
  const client = c.client<typeof registry>();
  const same: Client<Registry<(typeof registry)["actors"]>> = client;
  const count: Promise<number> = client.counter.getOrCreate(["x"]).increment(1);
  // @ts-expect-error: an action that does not exist
  void client.counter.getOrCreate("x").decrement(1);
  // @ts-expect-error: a wrong argument type
  void client.counter.getOrCreate("x").increment("one");
  // @ts-expect-error: the output is a number, not a string
  const wrong: Promise<string> = client.counter.getOrCreate("x").getCount();
  // @ts-expect-error: an actor that is not registered
  void client.nobody;
  // @ts-expect-error: the type argument must be a registry
  void c.client<{ actors: object }>();
  const conn = client.chat.getOrCreate("room").connect();
  // @ts-expect-error: send takes a string
  void conn.send(42);
  return { same, count, wrong };
}

/** `c.db` is typed by the Drizzle schema given to `actor({ db })`, and what actions return from it reaches the client. */
function databaseChecks() {
  const todoList = createClient<typeof registry>("http://127.0.0.1:8787").todoList.getOrCreate("a");
  const rows: Promise<{ id: number; title: string; done: boolean; createdAt: Date }[]> = todoList.list();
  // @ts-expect-error: a todo's title is a string
  const titles: Promise<{ title: number }[]> = todoList.list();
  const open: Promise<number> = todoList.openCount();
  const noDatabase = (c: ActorContext<unknown, unknown, undefined>) => {
    // @ts-expect-error: an actor without `db` has no database
    void c.db.select;
  };
  return { rows, titles, open, noDatabase };
}

/**
 * `c.vars` in actions is what `createVars` returns, also when createVars takes `c` and the driver
 * (the types once fixed vars as `undefined` before reading such a createVars); the client still
 * sees each action as written.
 */
function varsChecks() {
  const withVars = actor({
    state: { count: 0 },
    createVars: (c, driver) => ({ label: `${c.name}:${driver.state.id.toString()}` }),
    actions: {
      label: (c, suffix: string) => c.vars.label + suffix,
      // @ts-expect-error: vars has no `other`
      other: (c) => c.vars.other,
    },
  });
  const typed = setup({ use: { withVars } });
  const label: Promise<string> = createClient<typeof typed>("http://127.0.0.1:8787").withVars.getOrCreate("a").label("!");
  // @ts-expect-error: label takes a string
  void createClient<typeof typed>("http://127.0.0.1:8787").withVars.getOrCreate("a").label(1);
  return { label };
}

/**
 * An action named like a member of the handle or the connection is not typed as the action: at
 * run time the member answers (README, "The client"), and `action(name, args)` reaches the action.
 */
function shadowedChecks() {
  const shadowing = actor({
    state: {},
    actions: { query: () => 1, resolve: () => true, dispose: () => "gone", toString: () => 3, then: () => 4, plain: () => 2 },
  });
  const typed = setup({ use: { shadowing } });
  const handle = createClient<typeof typed>("http://127.0.0.1:8787").shadowing.getOrCreate("a");
  // @ts-expect-error: `query` is the handle's query, not a function
  void handle.query();
  // @ts-expect-error: `toString` is the object's own, answering a string
  const text: Promise<number> = handle.toString();
  // @ts-expect-error: `then` is never an action (a handle is not a promise)
  void handle.then();
  const id: Promise<string> = handle.resolve();
  const conn = handle.connect();
  const disposed: Promise<void> = conn.dispose();
  const plain: Promise<number> = handle.plain();
  const viaAction: Promise<unknown> = handle.action("query", []);
  return { text, id, disposed, plain, viaAction };
}

/** The `Env` that `wrangler types` writes is an interface (no index signature); the handler takes it, as `npm create cloudflare` code passes it. */
interface GeneratedEnv {
  COUNTER: DurableObjectNamespace;
  INSPECTOR_TOKEN: string;
}
function workerEntryChecks() {
  const demo = setup({ use: { counter: actor({ state: {}, actions: {} }) } });
  const entry = {
    fetch: (request, env, ctx) => demo.handler.fetch(request, env, ctx),
  } satisfies ExportedHandler<GeneratedEnv>;
  const direct = demo.handler satisfies ExportedHandler<GeneratedEnv>;
  // serve() takes any app whose fetch types env as the Worker's Env, and hands it that env.
  const { serve } = demo.createServer();
  const handWritten = { fetch: async (_request: Request, env: GeneratedEnv, _ctx: ExecutionContext) => new Response(typeof env) };
  const served = serve(handWritten) satisfies ExportedHandler<GeneratedEnv>;
  const exported = serve({ fetch: handWritten.fetch } satisfies ExportedHandler<GeneratedEnv>, { rootMetadata: false });
  // @ts-expect-error: an app needs a fetch
  serve({});
  return { entry, direct, served, exported };
}

/** RivetKit's spelling of an immediate save compiles. */
function saveStateChecks(c: ActorContext) {
  return [c.saveState(), c.saveState({ immediate: true })];
}

/** In an action, `onConnect` and `onDisconnect`, `c.conns` carries the conn state type that `c.conn` has. */
function connsChecks() {
  // A presence helper shared by the hooks and the actions.
  const names = (c: { conns: ReadonlyMap<string, { state: { name: string } }> }) => [...c.conns.values()].map((conn) => conn.state.name);
  return actor({
    state: {},
    createConnState: () => ({ name: "ada" }),
    onConnect: (c) => void names(c),
    onDisconnect: (c) => {
      // @ts-expect-error: the conn state has no such field
      void [...c.conns.values()].map((conn) => conn.state.age);
    },
    actions: {
      everyone: (c) => names(c),
      names: (c) => [...c.conns.values()].map((conn) => conn.state.name.toUpperCase()),
      // @ts-expect-error: the conn state has no such field
      wrong: (c) => [...c.conns.values()].map((conn) => conn.state.age),
    },
  });
}

/** `createWithInput` and `input` take the input createState declares; anything for an actor that declares none. */
function inputChecks() {
  const withInput = actor({ createState: (_c, input: { start: number }) => ({ count: input.start }), actions: {} });
  const without = actor({ state: {}, actions: {} });
  const client = createClient<typeof typed>("http://127.0.0.1:8787");
  const typed = setup({ use: { withInput, without } });
  client.withInput.getOrCreate("a", { createWithInput: { start: 1 } });
  // @ts-expect-error: not the declared input
  client.withInput.getOrCreate("a", { createWithInput: { start: "one" } });
  // @ts-expect-error: not the declared input
  void client.withInput.create("b", { input: "x" });
  void client.withInput.create("b", { input: { start: 1 } });
  // @ts-expect-error: createState needs its input, so create must give it
  void client.withInput.create("b");
  // @ts-expect-error: createState needs its input, so create must give it
  void client.withInput.create("b", { params: {} });
  client.without.getOrCreate("a", { createWithInput: "anything" });
  void client.without.create();
  void client.without.create("c", { input: "anything" });
  const optional = setup({ use: { maybe: actor({ createState: (_c, input?: { start: number }) => ({ count: input?.start ?? 0 }), actions: {} }) } });
  void createClient<typeof optional>("http://127.0.0.1:8787").maybe.create("d");
  return client;
}

/** A server-only actor, whose onAuth always throws (its auth type is `never`), registers like any other. */
function serverOnlyChecks() {
  const serverOnly = actor({
    state: {},
    onAuth: () => {
      throw new Forbidden("Server only.");
    },
    onFetch: (_c, _request, { auth }) => new Response(String(auth)),
    actions: { ping: () => "pong" },
  });
  const asyncServerOnly = actor({
    state: {},
    onAuth: async () => {
      throw new Forbidden("Server only.");
    },
    actions: {},
  });
  const registry = setup({ use: { serverOnly, asyncServerOnly } });
  // Routed from an untyped Hono app, whose `c.env` is unknown.
  const fromHono = (request: Request, env: unknown) => registry.handler.fetch(request, env);
  return { registry, fromHono };
}

/** `auth` may be undefined in onFetch and onWebSocket (the server-side client and `c.client()` skip onAuth); onBeforeActionResponse may replace an output with any value. */
function hookChecks() {
  return actor({
    state: {},
    onAuth: () => ({ uid: "ada" }),
    // @ts-expect-error: auth is undefined for calls that skip onAuth
    onFetch: (_c, _request, { auth }) => new Response(auth.uid),
    onWebSocket: (_c, websocket, { auth }) => websocket.send(auth?.uid ?? "server"),
    onBeforeActionResponse: (_c, name, _args, output) => (name === "secret" ? "[redacted]" : output),
    actions: {},
  });
}

/**
 * `c.conn.params` takes the type a hook's `params` is annotated with (unknown when none is), and
 * `c.conn.auth` what onAuth returns (or undefined, for callers that skip onAuth). Where onAuth
 * is written after the actions or a hook that reads auth, the auth is unknown but compiles.
 */
function connTypeChecks() {
  const annotated = actor({
    state: {},
    onAuth: (_options, params: { token: string }) => ({ uid: params.token }),
    createConnState: (_c, { auth }, params: { token: string }) => ({ owner: auth?.uid ?? params.token }),
    onConnect: (_c, conn) => void conn.params.token.length,
    actions: {
      token: (c) => c.conn.params.token.toUpperCase(),
      uid: (c): string | undefined => c.conn.auth?.uid,
      owners: (c) => [...c.conns.values()].map((conn) => conn.state.owner + conn.params.token),
      // @ts-expect-error: the params have no such field
      wrong: (c) => c.conn.params.nick,
      // @ts-expect-error: auth is undefined for the server-side client
      unchecked: (c) => c.conn.auth.uid,
    },
  });
  const unannotated = actor({
    state: {},
    onBeforeConnect: (_c, _options, params) => void params.anything,
    actions: {
      // @ts-expect-error: unannotated params are unknown on the connection
      read: (c) => c.conn.params.anything,
    },
  });
  const authLast = actor({
    state: {},
    onFetch: (_c, _request, { auth }) => new Response(String(auth)),
    actions: { who: (c) => c.conn.auth },
    onAuth: ({ request }) => ({ url: request.url }),
  });
  // Hooks that each read their own part of the params: the connection sees all of them.
  const parts = actor({
    state: {},
    onAuth: (_options, params: { token: string }) => ({ uid: params.token }),
    createConnState: (_c: unknown, _options: unknown, params: { name: string }) => ({ name: params.name }),
    onBeforeConnect: (_c, _options, params: { room?: string }) => void params.room,
    actions: { both: (c) => `${c.conn.params.token}:${c.conn.params.name}:${c.conn.params.room ?? ""}` },
  });
  // onAuth's params left unannotated (so `any`) does not hide another hook's annotation.
  const authUnannotated = actor({
    state: {},
    onAuth: (_options, params) => ({ ok: params !== null }),
    onBeforeConnect: (_c, _options, params: { room: string }) => void params.room,
    actions: { room: (c): string => c.conn.params.room },
  });
  // The client's `params` option takes what the hooks annotate (anything where none does).
  const registry = setup({ use: { parts, unannotated } });
  const typedClient = createClient<typeof registry>("http://127.0.0.1:8787");
  typedClient.parts.getOrCreate("a", { params: { token: "t", name: "ada" } });
  void typedClient.parts.create("b", { params: { token: "t", name: "ada", room: "r" } });
  // @ts-expect-error: the params lack the name createConnState reads
  typedClient.parts.get("a", { params: { token: "t" } });
  // @ts-expect-error: a token is a string
  void typedClient.parts.list({ params: { token: 1, name: "ada" } });
  typedClient.unannotated.getOrCreate("a", { params: 42 });
  // So does React's useActor (its hooks are only typed here, not called).
  const { useActor } = createActorHooks(typedClient);
  const typedHook = () => useActor({ name: "parts", params: { token: "t", name: "ada" } });
  // @ts-expect-error: the params lack the name createConnState reads
  const wrongHook = () => useActor({ name: "parts", params: { token: "t" } });
  return { annotated, authLast, authUnannotated, registry, typedClient, typedHook, wrongHook };
}

describe("client types", () => {
  it("are checked by tsc (this file is part of the type-check)", () => {
    expect(typeof typeChecks).toBe("function");
    expect(typeof actorClientChecks).toBe("function");
    expect(typeof databaseChecks).toBe("function");
    expect(typeof varsChecks).toBe("function");
    expect(typeof shadowedChecks).toBe("function");
    expect(typeof workerEntryChecks).toBe("function");
    expect(typeof connsChecks).toBe("function");
    expect(typeof saveStateChecks).toBe("function");
    expect(typeof inputChecks).toBe("function");
    expect(typeof serverOnlyChecks).toBe("function");
    expect(typeof hookChecks).toBe("function");
    expect(typeof connTypeChecks).toBe("function");
  });
});
