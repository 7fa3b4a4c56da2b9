import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ActorError, createClient, type ActorHandle, type ClientOptions } from "../../src/client/index";
import {
  startAnswering,
  startClosingUnanswered,
  startDyingHalfway,
  startHalfAnswering,
  startRedirecting,
  startSilent,
  type TestServer,
} from "./hostile-servers";

// actorflare's client from Node against endpoints that answer badly: one that redirects every
// request to another origin (which must get neither the conn params nor the query), one that
// answers with what is not an answer of the protocol, and ones that never finish answering.

const PARAMS = { token: "secret-token" };
/**
 * For the endpoints that never answer: short, so that those tests end quickly. Every other test
 * expects an answer, which a loaded machine can take longer than that to give (the first fetch
 * of a process loads undici), so they keep the client's long default.
 */
const ACTION_TIMEOUT_MS = 500;

const servers: TestServer[] = [];
const disposers: Array<() => Promise<void>> = [];

async function start(server: Promise<TestServer>): Promise<TestServer> {
  const started = await server;
  servers.push(started);
  return started;
}

function client(endpoint: string, options: Omit<ClientOptions, "endpoint"> = {}) {
  const made = createClient({ endpoint, ...options });
  disposers.push(() => made.dispose());
  return made;
}

afterEach(async () => {
  while (disposers.length) await disposers.pop()?.();
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function expectActorError(promise: Promise<unknown>, code: string): Promise<ActorError> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected ActorError ${code}, but the call resolved with ${JSON.stringify(value)}`);
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ActorError);
  expect((error as ActorError).code, (error as Error).message).toBe(code);
  return error as ActorError;
}

describe("an endpoint that redirects to another origin", () => {
  let thief: TestServer;
  let redirector: TestServer;

  beforeAll(async () => {
    thief = await start(startAnswering(() => '{"o":"from-third-party"}'));
    redirector = await start(startRedirecting(thief.url));
  });

  afterEach(() => {
    // Nothing the client sent may reach the origin the redirect names.
    expect(thief.seen.splice(0)).toEqual([]);
  });

  const handle = (options: Omit<ClientOptions, "endpoint"> = {}): ActorHandle => client(redirector.url, options).counter.getOrCreate("k", { params: PARAMS });

  /** The error names the redirect, its target and the fix. */
  const expectRedirectRefused = async (promise: Promise<unknown>) => {
    const error = await expectActorError(promise, "endpoint_redirected");
    expect(error.message).toContain("307");
    expect(error.message).toContain(`${thief.url}/steal/registry/actors/`);
    expect(error.message).toContain("endpoint");
  };

  it.each(["json", "cbor"] as const)("an HTTP action is refused, not followed (%s)", async (encoding) => {
    await expectRedirectRefused(handle({ encoding }).action("increment", [1]));
  });

  it("resolve(), destroy() and list() are refused, not followed", async () => {
    await expectRedirectRefused(handle().resolve());
    await expectRedirectRefused(handle().destroy());
    await expectRedirectRefused(client(redirector.url).counter.list({ params: PARAMS }));
  });

  it.each(["websocket", "sse"] as const)("a connection over %s ends with the redirect rather than retrying", async (transport) => {
    const conn = handle({ transport }).connect();
    await expectRedirectRefused(conn.action("increment", [1]));
    expect(conn.status).toBe("disposed");
  });

  it("a raw WebSocket is refused with the redirect", async () => {
    await expectRedirectRefused(handle().websocket("/"));
  });

  it("handle.fetch() hands the redirect back as it is", async () => {
    const response = await handle().fetch("/page");
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe(`${thief.url}/steal/registry/actors/raw/http/page`);
  });
});

describe("a fetch given to createClient that follows redirects all the same", () => {
  it("the answer that came through the redirect is refused", async () => {
    const thief = await start(startAnswering(() => '{"o":"from-third-party"}'));
    const redirector = await start(startRedirecting(thief.url));
    const following: typeof fetch = (input, init) => fetch(input, { ...init, redirect: "follow" });
    const error = await expectActorError(client(redirector.url, { fetch: following }).counter.getOrCreate("k").action("increment", [1]), "endpoint_redirected");
    expect(error.message).toContain(`redirected to ${thief.url}/steal/registry/actors/actions/increment`);
  });
});

describe("an endpoint whose answers are not the protocol's", () => {
  /** What the server answers, by path; set by each test. */
  let bodies: Record<string, string> = {};
  let server: TestServer;

  beforeAll(async () => {
    server = await start(startAnswering((request) => bodies[new URL(request.url ?? "/", "http://x").pathname] ?? "{}"));
  });

  const actor = () => client(server.url).counter;

  it.each([['"from-third-party"'], ["null"], ["[1]"], ['{"o":1,"x":2}'], ["not json"]])("an action answered %s fails as malformed", async (body) => {
    bodies = { "/registry/actors/actions/increment": body };
    const error = await expectActorError(actor().getOrCreate("k").action("increment", [1]), "malformed_message");
    expect(error.message).toContain("/registry/actors/actions/increment");
  });

  it.each([["{}"], ['{"i":7}'], ['{"i":""}'], ['"id"'], ['{"i":"../../inspector/api/actors"}'], ['{"i":"a1","o":1}']])(
    "resolve() answered %s fails as malformed",
    async (body) => {
      bodies = { "/registry/actors/resolve": body };
      await expectActorError(actor().getOrCreate("k").resolve(), "malformed_message");
    },
  );

  it.each([
    ['{"o":"from-third-party"}'],
    ['{"actors":{}}'],
    ['{"actors":[{"id":"a","name":"counter","key":"k","createdAt":1}]}'],
    ['{"actors":[{"id":"a","name":"counter","key":["k"]}]}'],
    ['{"actors":[],"cursor":5}'],
  ])("list() answered %s fails as malformed", async (body) => {
    bodies = { "/registry/actors/list": body };
    await expectActorError(actor().list(), "malformed_message");
  });

  it("destroy() answered with something other than an object fails as malformed", async () => {
    bodies = { "/registry/actors/destroy": '"ok"' };
    await expectActorError(actor().get("k").destroy(), "malformed_message");
  });

  it("answers of the protocol's shape are taken", async () => {
    const page = { actors: [{ id: "a1", name: "counter", key: ["k"], createdAt: 1 }], cursor: "next" };
    bodies = {
      "/registry/actors/actions/increment": '{"o":6}',
      "/registry/actors/actions/reset": "{}",
      "/registry/actors/resolve": '{"i":"a1"}',
      "/registry/actors/list": JSON.stringify(page),
      "/registry/actors/destroy": "{}",
    };
    const handle = actor().getOrCreate("k");
    expect(await handle.action("increment", [1])).toBe(6);
    expect(await handle.action("reset")).toBeUndefined();
    expect(await handle.resolve()).toBe("a1");
    expect(await actor().list()).toEqual(page);
    await actor().get("k").destroy();
  });
});

describe.each([
  ["never answers", startSilent],
  ["stops halfway through its answer", startHalfAnswering],
])("an endpoint that %s", (_what, startOne) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await start(startOne());
  });

  // The test's own timeout is far above actionTimeout: reaching it means the call hung.
  it("HTTP actions, resolve() and list() fail after actionTimeout", { timeout: 10_000 }, async () => {
    const actor = client(server.url, { actionTimeout: ACTION_TIMEOUT_MS }).counter;
    const started = Date.now();
    const errors = await Promise.all([
      expectActorError(actor.getOrCreate("k").action("increment", [1]), "action_timed_out"),
      expectActorError(actor.getOrCreate("k").resolve(), "action_timed_out"),
      expectActorError(actor.list(), "action_timed_out"),
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(ACTION_TIMEOUT_MS - 50);
    expect(errors[0].message).toContain(`${ACTION_TIMEOUT_MS} ms`);
    expect(errors[0].message).toContain("increment");
  });
});

describe("an endpoint that drops the connection halfway through its answer", () => {
  it("every call fails with connection_lost, saying it may have run", async () => {
    const server = await start(startDyingHalfway());
    const actor = client(server.url).counter;
    const handle = actor.getOrCreate(["k"], { params: PARAMS }) as ActorHandle;
    const calls = [() => handle.action("increment", [1]), () => handle.resolve(), () => actor.list(), () => handle.destroy(), () => actor.create(["k"])];
    for (const call of calls) {
      const error = await expectActorError(call(), "connection_lost");
      expect(error.message).toContain(server.url);
      expect(error.message).toContain("may or may not have run");
    }
    expect(server.seen).toHaveLength(calls.length);
  });
});

describe("an endpoint that closes the connection before answering", () => {
  // Node's fetch reuses kept-alive connections: the first call after a server restart can go out
  // on one the old server closed. The call reached something, so it may have run.
  it("every call fails with connection_lost, saying it may have run and why it happens", async () => {
    const server = await start(startClosingUnanswered());
    const handle = client(server.url).counter.getOrCreate(["k"], { params: PARAMS }) as ActorHandle;
    for (const call of [() => handle.action("increment", [1]), () => handle.resolve(), () => client(server.url).counter.list()]) {
      const error = await expectActorError(call(), "connection_lost");
      expect(error.message).toContain(server.url);
      expect(error.message).toContain("may or may not have run");
      expect(error.message).toContain("restarted");
    }
  });
});

describe("an endpoint nobody listens on", () => {
  it("HTTP actions, resolve(), list() and destroy() fail with connection_failed, naming the address", async () => {
    // A port that was just free: bound, then closed.
    const gone = await start(startSilent());
    await gone.close();
    const handle = client(gone.url).counter.getOrCreate(["k"], { params: PARAMS }) as ActorHandle;
    for (const call of [() => handle.action("increment", [1]), () => handle.resolve(), () => client(gone.url).counter.list(), () => handle.destroy()]) {
      const error = await expectActorError(call(), "connection_failed");
      expect(error.message).toContain(gone.url);
    }
    // A creation says it was one.
    expect((await expectActorError(client(gone.url).counter.create(["k"]), "connection_failed")).message).toMatch(/^create\(\)/);
    // The raw fetch rejects as fetch does.
    await expect(handle.fetch("/x")).rejects.toBeInstanceOf(TypeError);
  });
});
