import { randomUUID } from "node:crypto";
import NodeWebSocket from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/index";
import type { registry } from "../workers/registry";
import { TEST_WORKER_DIR, useWranglerDev, type WranglerDev } from "./wrangler-dev";

// Close handshakes from Node's `ws` against the test worker (test/workers) under a real
// `wrangler dev`: every close frame a client sends is answered at once, on raw sockets and on
// connections (awake or hibernated), and sockets that the server refuses or that close without
// a message leave no error behind in the runtime's output.

let server: WranglerDev;
useWranglerDev((started) => (server = started), { cwd: TEST_WORKER_DIR });

/**
 * An answered close reaches `ws` within milliseconds on a quiet machine, in seconds on a loaded
 * one; an unanswered one takes 10 to 30 s. A bound under 10 s tells them apart.
 */
const ANSWER_WITHIN_MS = 5_000;
const WAIT_MS = 15_000;

const sockets = new Set<NodeWebSocket>();
afterEach(() => {
  for (const socket of sockets) socket.terminate();
  sockets.clear();
});

const uniqueKey = (prefix: string) => `${prefix}-${randomUUID()}`;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const client = () => createClient<typeof registry>(server.url);

type Kind = "raw" | "connection";
/** The arguments of `close()`: none, a code, or a code and a reason. */
type CloseArgs = [] | [number] | [number, string];
const PATHS: Record<Kind, string> = { raw: "/registry/actors/raw/websocket/", connection: "/registry/actors/connect/websocket" };

/** The subprotocols a browser offers: query, encoding, the `rivetkit` marker, and conn params if any. */
function protocols(query: unknown, params?: unknown): string[] {
  const entries = [`query.${encodeURIComponent(JSON.stringify(query))}`, "encoding.json", "rivetkit"];
  if (params !== undefined) entries.push(`conn_params.${encodeURIComponent(JSON.stringify(params))}`);
  return entries;
}

interface CloseInfo {
  code: number;
  reason: string;
  wasClean: boolean;
}

/** Fails after `WAIT_MS`, so that a missing answer fails the test rather than hanging it. */
function withinWait<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${WAIT_MS} ms`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A bare `ws` socket: its first message, and its close event whenever that comes. */
function open(kind: Kind, query: unknown, params?: unknown): { socket: NodeWebSocket; firstMessage: Promise<string>; closed: Promise<CloseInfo> } {
  const socket = new NodeWebSocket(server.url.replace(/^http/, "ws") + PATHS[kind], protocols(query, params));
  sockets.add(socket);
  socket.on("error", () => {});
  const closed = new Promise<CloseInfo>((resolve) => {
    socket.addEventListener("close", ({ code, reason, wasClean }) => resolve({ code, reason, wasClean }));
  });
  const message = new Promise<string>((resolve, reject) => {
    socket.once("message", (data) => resolve(String(data)));
    void closed.then((info) => reject(new Error(`closed (${info.code} ${info.reason}) before its first message`)));
  });
  const firstMessage = withinWait(message, "first message");
  firstMessage.catch(() => {}); // awaited by the tests that expect one
  return { socket, firstMessage, closed };
}

/** Closes from the client and measures how long the server took to answer. */
async function timedClose(opened: ReturnType<typeof open>, args: CloseArgs = []): Promise<CloseInfo & { ms: number }> {
  const started = performance.now();
  const [code, reason] = args;
  opened.socket.close(code, reason);
  const info = await withinWait(opened.closed, "close event");
  return { ...info, ms: performance.now() - started };
}

const rawQuery = (key: string) => ({ getOrCreateForKey: { name: "socket", key: [key] } });
const chatQuery = (key: string) => ({ getOrCreateForKey: { name: "chatRoom", key: [key] } });
const queryFor: Record<Kind, (key: string) => unknown> = { raw: rawQuery, connection: chatQuery };

describe("a close frame from the client is answered at once", () => {
  const cases: [Kind, CloseArgs, { code: number; reason: string }][] = [];
  for (const kind of ["raw", "connection"] as const) {
    cases.push(
      [kind, [], { code: 1005, reason: "" }],
      [kind, [1000], { code: 1000, reason: "" }],
      [kind, [1001, "going away"], { code: 1001, reason: "going away" }],
      [kind, [4000, "bye"], { code: 4000, reason: "bye" }],
      [kind, [4999, "ünïcödé ✓"], { code: 4999, reason: "ünïcödé ✓" }],
    );
  }

  it.each(cases)("%s socket, close(%j): answered with %j, cleanly, at once", async (kind, args, expected) => {
    const opened = open(kind, queryFor[kind](uniqueKey("close")));
    await opened.firstMessage;
    const answer = await timedClose(opened, args);
    expect(answer).toMatchObject({ ...expected, wasClean: true });
    expect(answer.ms).toBeLessThan(ANSWER_WITHIN_MS);
  });

  it("the raw socket's handler saw the close without a code as 1005", async () => {
    const key = uniqueKey("seen");
    const opened = open("raw", rawQuery(key));
    await opened.firstMessage;
    await timedClose(opened);
    const next = open("raw", rawQuery(key));
    expect(JSON.parse(await next.firstMessage)).toMatchObject({ lastClose: { code: 1005, reason: "" } });
  });

  // The runtime evicts an actor that had no events for about 10 s (see test/workers/hibernation.test.ts);
  // a close then reaches a fresh object, which must answer before loading the actor.
  it("a connection whose actor hibernated: a plain close() is answered at once", async () => {
    const key = uniqueKey("hibernated");
    const handle = client().chatRoom.getOrCreate(key);
    const opened = open("connection", chatQuery(key));
    expect(JSON.parse(await opened.firstMessage)).toHaveProperty("b.i");
    const wakeBefore = await handle.wakeId();

    await sleep(15_000);

    const answer = await timedClose(opened);
    expect(answer).toMatchObject({ code: 1005, reason: "", wasClean: true });
    expect(answer.ms).toBeLessThan(ANSWER_WITHIN_MS);
    // The close found the actor out of memory: the instance that handled it is a new one.
    expect(await handle.wakeId()).not.toBe(wakeBefore);
  }, 60_000);
});

describe("a close the actor starts reaches the client at once", () => {
  // The runtime leaves such a close unfinished on a hibernatable socket that has received no
  // frame (10 to 30 s, until the actor leaves memory); actorflare's client sends one `ping`.
  it("a connection that has sent nothing since it opened (no listener, no call) sees conn.disconnect() at once", async () => {
    const key = uniqueKey("kick");
    const actors = client();
    const quiet = actors.chatRoom.getOrCreate(key, { params: { name: "quiet" } }).connect();
    try {
      const statuses: string[] = [];
      let dropped: (at: number) => void = () => {};
      const droppedAt = new Promise<number>((resolve) => (dropped = resolve));
      quiet.onStatusChange((status) => {
        statuses.push(status);
        if (status === "reconnecting") dropped(performance.now());
      });
      await withinWait(new Promise<void>((resolve) => quiet.onStatusChange((status) => status === "open" && resolve())), "open connection");
      const started = performance.now();
      await actors.chatRoom.getOrCreate(key).kickByName("quiet");
      expect((await withinWait(droppedAt, "drop")) - started).toBeLessThan(ANSWER_WITHIN_MS);
      expect(statuses).toEqual(["open", "reconnecting"]);
    } finally {
      await actors.dispose();
    }
  });
});

describe("the runtime's output", () => {
  /**
   * Makes the actor log a line only this call produces (its id's prefix and a failed action),
   * and waits until the line is in wrangler's output: whatever was logged before it is there too.
   */
  async function logMarker(): Promise<string> {
    const handle = client().chatRoom.getOrCreate(uniqueKey("marker"));
    const id = await handle.resolve();
    const conn = handle.connect();
    await conn.crash().catch(() => {});
    await conn.dispose();
    const marker = `${id}] action 'crash' failed`;
    await expect.poll(() => server.output().includes(marker), { timeout: WAIT_MS, interval: 100 }).toBe(true);
    return marker;
  }

  it("has no 'Network connection lost' after refused sockets and a raw socket closed without a message", async () => {
    const before = await logMarker();

    const refusals: [Kind, unknown, unknown, string][] = [
      ["raw", { getOrCreateForKey: { name: "nobody", key: ["x"] } }, undefined, "actor_not_found"],
      ["connection", { getOrCreateForKey: { name: "nobody", key: ["x"] } }, undefined, "actor_not_found"],
      ["raw", rawQuery(uniqueKey("deny")), { token: "deny" }, "forbidden"],
      ["connection", chatQuery(uniqueKey("deny")), { token: "deny" }, "forbidden"],
      ["raw", { getForKey: { name: "socket", key: [uniqueKey("never")] } }, undefined, "actor_not_found"],
      ["raw", { getOrCreateForKey: { name: "actionsOnly", key: [uniqueKey("no-handler")] } }, undefined, "websocket_handler_not_defined"],
    ];
    for (const [kind, query, params, code] of refusals) {
      expect(await withinWait(open(kind, query, params).closed, "close event"), `${kind} ${code}`).toMatchObject({ code: 1011, reason: code, wasClean: true });
    }
    const silent = open("raw", rawQuery(uniqueKey("silent")));
    await silent.firstMessage;
    expect(await timedClose(silent)).toMatchObject({ code: 1005, wasClean: true });

    const after = await logMarker();
    const output = server.output();
    const between = output.slice(output.indexOf(before), output.indexOf(after));
    expect(output.indexOf(before)).toBeGreaterThanOrEqual(0);
    expect(between).not.toContain("Network connection lost");
  });
});
