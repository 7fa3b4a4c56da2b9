import { UserError as RivetKitUserError } from "rivetkit/errors";
import { ActorError } from "../../src/client/index";
import type { ActorAccessor } from "../../src/client/index";
import { actor, setup, UserError, Forbidden, type ActorOptions } from "../../src/index";
import { counter } from "../../examples/demo/actors/counter";
import { httpActor } from "../../examples/demo/actors/http-actor";
import { background } from "./background-actors";
import { sharing } from "./sharing-actors";
import { doomed } from "./destroy-actors";
import { badMigration, sqlNotes, todoList } from "./sql-actors";
import { placed } from "./placement-actors";
import { configured } from "./repair-actors";
import { Point, type Shape, shaped } from "./answer-values";
import { herald } from "./event-actors";

/** Float16Array (ES2025), which workerd has and this project's types (ES2023) do not name. */
export const Float16 = (globalThis as unknown as { Float16Array: new (values: number[]) => ArrayLike<number> }).Float16Array;

/** Keys of `inspector` actors whose `/endless` stream was cancelled: nobody read it (a HEAD). */
export const endlessCancelled = new Set<string>();

/** Echoes what onFetch received, so tests can see the request as the actor does. */
const inspector = actor({
  createVars: () => ({ wakes: 1 }),
  actions: {},
  onAuth: ({ request, intents, actor, query }, params: { token?: string } | null) => {
    if (params?.token === "deny") throw new Forbidden("Token refused.", { metadata: { reason: "deny" } });
    if (params?.token === "unauthorized") throw new (class extends UserError {})("nope", { code: "custom_auth" });
    if (params?.token === "boom") throw new Error("secret detail in onAuth");
    // Code ported from RivetKit may throw RivetKit's own UserError.
    if (params?.token === "rivetkit") throw new RivetKitUserError("Not with that token.", { code: "rivetkit_refusal", metadata: { ported: true } });
    return { user: params?.token ?? "anonymous", intents: [...intents].sort(), path: new URL(request.url).pathname, actor, query };
  },
  createState: (_c, input: { hits?: number } | undefined) => ({ hits: input?.hits ?? 0, lastBody: "" }),
  async onFetch(c, request, { auth }) {
    const url = new URL(request.url);
    if (url.pathname === "/throw-user") throw new UserError("You asked for it.", { code: "asked_for_it", metadata: { n: 1 } });
    if (url.pathname === "/throw") throw new Error("secret internal detail");
    if (url.pathname === "/throw-rivetkit") throw new RivetKitUserError("Ported refusal.", { code: "ported_refusal" });
    if (url.pathname === "/no-response") return undefined as unknown as Response;
    if (url.pathname === "/used-body") {
      const used = new Response("read already");
      await used.text();
      return used;
    }
    if (url.pathname === "/locked-body") {
      const locked = new Response("locked");
      locked.body?.getReader();
      return locked;
    }
    if (url.pathname === "/bad-state") {
      (c.state as Record<string, unknown>).fn = () => 1;
      return new Response("unreachable");
    }
    if (url.pathname === "/read") return Response.json({ hits: c.state.hits });
    // An answer a browser may keep for a minute, and one whose headers are immutable.
    if (url.pathname === "/cached") return Response.json({ key: c.key, hits: ++c.state.hits }, { headers: { "cache-control": "private, max-age=60" } });
    if (url.pathname === "/redirect") return Response.redirect("https://example.com/elsewhere", 302);
    if (url.pathname === "/endless") {
      const key = c.key.join("/");
      const tick = new TextEncoder().encode("tick\n");
      const endless = new ReadableStream<Uint8Array>({
        pull: async (controller) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          controller.enqueue(tick);
        },
        cancel: () => {
          endlessCancelled.add(key);
        },
      });
      return new Response(endless, { headers: { "content-type": "text/plain" } });
    }
    if (url.pathname === "/sse") {
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
      const writer = writable.getWriter();
      const encoder = new TextEncoder();
      void (async () => {
        for (let i = 0; i < 3; i++) {
          await writer.write(encoder.encode(`data: ${i}\n\n`));
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await writer.close();
      })();
      return new Response(readable, { headers: { "content-type": "text/event-stream" } });
    }
    c.state.hits++;
    const body = new Uint8Array(await request.arrayBuffer());
    const headers: Record<string, string> = {};
    for (const [name, value] of request.headers) headers[name] = value;
    return Response.json({
      method: request.method,
      pathname: url.pathname,
      search: url.search,
      headers,
      bodyBytes: [...body],
      auth,
      key: c.key,
      name: c.name,
      actorId: c.actorId,
      hits: c.state.hits,
      vars: c.vars,
    });
  },
});

/** No onAuth: closed to public clients, reachable from the server-side client. */
const privateActor = actor({
  state: { n: 0 },
  actions: {},
  onFetch: (c) => {
    c.state.n++;
    return Response.json({ n: c.state.n });
  },
});

/** No onFetch and no onWebSocket. */
const actionsOnly = actor({ state: {}, actions: {}, onAuth: () => ({}) });

/** Counts lifecycle hooks in state. */
const lifecycle = actor({
  state: { created: 0, started: 0, input: null as unknown },
  actions: {},
  onAuth: () => ({}),
  onCreate: (c, input: unknown) => {
    c.state.created++;
    c.state.input = input ?? null;
  },
  onStart: (c) => {
    c.state.started++;
  },
  onFetch: (c) => Response.json(c.state),
});

/** Raw WebSocket behaviour under test: echo, commands, and what the socket saw. */
const socket = actor({
  state: { saved: 0, unsaved: 0, lastClose: null as null | { code: number; reason: string } },
  vars: { open: 0 },
  actions: {},
  onAuth: (_options, params: { token?: string } | undefined) => {
    if (params?.token === "deny") throw new Forbidden("Token refused.");
    return { user: params?.token ?? "anonymous" };
  },
  onWebSocket(c, ws, { request, auth }) {
    c.vars.open++;
    const url = new URL(request.url);
    ws.send(
      JSON.stringify({
        type: "welcome",
        open: c.vars.open,
        path: url.pathname,
        search: url.search,
        auth,
        saved: c.state.saved,
        unsaved: c.state.unsaved,
        lastClose: c.state.lastClose,
        protocols: request.headers.get("sec-websocket-protocol"),
      }),
    );
    ws.addEventListener("message", async (event) => {
      const text = typeof event.data === "string" ? event.data : undefined;
      if (text === "save") {
        c.state.saved++;
        await c.saveState();
        ws.send(`saved:${c.state.saved}`);
      } else if (text === "touch") {
        c.state.unsaved++;
        ws.send(`touched:${c.state.unsaved}`);
      } else if (text === "open") {
        ws.send(`open:${c.vars.open}`);
      } else if (text?.startsWith("close:")) {
        const [, code, reason] = text.split(":");
        ws.close(Number(code), reason);
      } else {
        ws.send(event.data);
      }
    });
    ws.addEventListener("close", (event) => {
      c.vars.open--;
      c.state.lastClose = { code: event.code, reason: event.reason };
    });
  },
});

/** Connections: params, conn state, hooks, events, errors. */
const chatRoom = actor({
  state: { connects: 0, disconnects: 0, messages: [] as { from: string; text: string }[], banned: [] as string[] },
  // A new id each time the actor is loaded into memory: tells a wake from hibernation apart.
  createVars: () => ({ wakeId: crypto.randomUUID() }),
  onAuth: (_options, params: { name?: string; token?: string } | undefined | null) => {
    if (params?.token === "deny") throw new Forbidden("Token refused.", { metadata: { reason: "deny" } });
    return { user: params?.name ?? "anonymous" };
  },
  onBeforeConnect: (c, { auth }, params: { name?: string } | undefined | null) => {
    // A per-key rule: a room keyed ["private", user] is that user's. Here, not in onAuth, it also
    // holds for requests by id, which onAuth sees without a key.
    if (c.key[0] === "private" && auth?.user !== c.key[1]) throw new Forbidden("This room is another user's.");
    if (params?.name === "banned" || c.state.banned.includes(params?.name ?? "")) throw new UserError("You are banned.", { code: "banned" });
  },
  // Annotated parameters let TypeScript infer the conn state type before it types the actions.
  createConnState: (_c: unknown, _options: unknown, params: { name?: string } | undefined | null) => {
    if (params?.name === "refused") throw new UserError("No connection state for you.", { code: "conn_refused", metadata: { why: "asked" } });
    return { name: params?.name ?? "anonymous", sent: 0 };
  },
  onConnect: (c) => {
    c.state.connects++;
  },
  onDisconnect: (c, conn) => {
    c.state.disconnects++;
    // Not for an HTTP action's short-lived connection: the inspector tests expect its ring to hold only the action.
    if (conn.transport !== "http") c.broadcast("left", conn.state.name, conn.state.sent);
  },
  // A raw socket beside connections: the connection hooks above must not run for it.
  onWebSocket: (_c, ws) => {
    ws.addEventListener("message", (event) => ws.send(event.data));
  },
  actions: {
    send: (c, text: string) => {
      c.conn.state.sent++;
      const message = { from: c.conn.state.name, text };
      c.state.messages.push(message);
      c.broadcast("message", message);
      return c.state.messages.length;
    },
    whoami: (c) => ({ id: c.conn.id, state: c.conn.state, params: c.conn.params, auth: c.conn.auth }),
    stats: (c) => ({ connects: c.state.connects, disconnects: c.state.disconnects, open: c.conns.size }),
    history: (c) => c.state.messages,
    tellMe: (c, event: string, ...args: unknown[]) => {
      c.conn.send(event, ...args);
    },
    // Keeps the caller out for good: its reconnect is refused.
    ban: (c) => {
      c.state.banned.push(c.conn.state.name);
      c.conn.disconnect("banned");
      return "banned";
    },
    /** Closes the connections of another client, by the name it connected with. */
    kickByName: (c, name: string) => {
      for (const conn of c.conns.values()) if ((conn.state as { name: string }).name === name) conn.disconnect("kicked");
    },
    /** Disconnects its caller, then answers `ms` later: the answer still reaches it. */
    kickSlowly: async (c, ms: number) => {
      c.conn.disconnect("bye");
      await new Promise((resolve) => setTimeout(resolve, ms));
      return "kicked";
    },
    kick: (c, reason: string, fail?: boolean) => {
      c.conn.disconnect(reason);
      if (fail) throw new UserError("Kicked, and failed.", { code: "kicked" });
      return "kicked";
    },
    fail: () => {
      throw new UserError("Nope.", { code: "nope", metadata: { why: "asked" } });
    },
    crash: () => {
      throw new Error("secret crash detail");
    },
    wait: async (_c, ms: number) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return ms;
    },
    nothing: () => undefined,
    wakeId: (c) => c.vars.wakeId,
    bytes: () => ({ n: 1.5, list: [1, "two", null], nested: { ok: true } }),
  },
  // The rarest keep-alive allowed, later than the tests wait (UNTIL_NOTICED): a dropped SSE stream must be noticed through request.signal.
  options: { actionTimeout: 500, sseKeepAlive: 15_000 },
});

/** A cheap fingerprint of bytes, to compare a large value before and after a restart. */
function fingerprint(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return `${bytes.length}:${(hash >>> 0).toString(16)}`;
}

/** State far past one storage value's 2 MB limit. */
const bigState = actor({
  state: { counter: 0, blob: new Uint8Array(0), tags: new Map<string, Date>(), note: "" },
  onAuth: () => ({}),
  actions: {
    fill: (c, mib: number) => {
      const bytes = new Uint8Array(mib * 1024 * 1024);
      for (let i = 0; i < bytes.length; i += 65_536) crypto.getRandomValues(bytes.subarray(i, i + 65_536));
      c.state.blob = bytes;
      c.state.tags = new Map([["filled", new Date(1_700_000_000_000)]]);
      return fingerprint(bytes);
    },
    fingerprint: (c) => fingerprint(c.state.blob),
    /** Changes the blob's first byte in place (not seen by the state's tracking), then reassigns the field if `reassign`. */
    poke: (c, value: number, reassign: boolean) => {
      const bytes = c.state.blob;
      bytes[0] = value;
      if (reassign) c.state.blob = bytes;
      c.state.counter++;
    },
    firstByte: (c) => c.state.blob[0],
    tags: (c) => [...c.state.tags].map(([name, at]) => [name, at.toISOString()]),
    bump: (c) => ++c.state.counter,
    counter: (c) => c.state.counter,
    storeFunction: (c) => {
      (c.state as Record<string, unknown>).note = () => "functions cannot be stored";
    },
    /** Puts in `note` an object that holds no data: a Promise (a forgotten `await`) or a weak collection. */
    storeDataless: (c, kind: "Promise" | "WeakMap" | "WeakSet" | "WeakRef" | "Blob" | "URL" | "Headers") => {
      const made = {
        Promise: () => Promise.resolve(1),
        WeakMap: () => new WeakMap(),
        WeakSet: () => new WeakSet(),
        WeakRef: () => new WeakRef({}),
        Blob: () => new Blob(["data"]),
        URL: () => new URL("https://example.com/a"),
        Headers: () => new Headers({ a: "1" }),
      };
      (c.state as Record<string, unknown>).note = made[kind]();
    },
    note: (c) => c.state.note,
    /** Adds `count` fields at once (`extra0`, `extra1`, …, each holding its index); `extras` reads them back. */
    addExtras: (c, count: number) => {
      for (let i = 0; i < count; i++) (c.state as Record<string, unknown>)[`extra${i}`] = i;
    },
    extras: (c) => Object.entries(c.state).filter(([field]) => field.startsWith("extra")).length,
    /** Changes three small fields at once (counter, note, tags). */
    retag: (c, note: string) => {
      c.state.counter++;
      c.state.note = note;
      c.state.tags = new Map([[note, new Date(1_700_000_000_000)]]);
    },
    length: (_c, text: string) => text.length,
    /** Replaces the blob with a few bytes, or drops the field. */
    shrinkBlob: (c) => {
      c.state.blob = new Uint8Array(8);
    },
    dropBlob: (c) => {
      delete (c.state as Partial<typeof c.state>).blob;
    },
    /** Puts a Float16Array of `values` in the field `halves`; `halves` says what type it reads back as, and its numbers. */
    storeHalves: (c, values: number[]) => {
      (c.state as Record<string, unknown>).halves = new Float16(values);
    },
    halves: (c) => {
      const halves = (c.state as Record<string, unknown>).halves as ArrayLike<number>;
      return { type: Object.prototype.toString.call(halves), values: Array.from(halves) };
    },
    /** Replaces the whole state with `value`, which need not be a plain object; `whole` reads it back. */
    replaceWhole: (c, value: unknown) => {
      (c as { state: unknown }).state = value;
    },
    whole: (c) => c.state as unknown,
    /** Puts an object nested `depth` levels deep in `note`, in the Map `tags`, or in a new whole state; bumps the counter first if `bump`. */
    nest: (c, depth: number, where: "field" | "map" | "root", bump = false) => {
      if (bump) c.state.counter++;
      let deep: Record<string, unknown> = {};
      for (let level = 0; level < depth; level++) deep = { inner: deep };
      if (where === "field") (c.state as Record<string, unknown>).note = deep;
      else if (where === "map") c.state.tags.set("deep", deep as unknown as Date);
      else (c as { state: unknown }).state = { ...c.state, note: deep };
    },
    /** Bumps the counter, puts a function in `note` (a bug of the actor's), then waits: another action saves meanwhile. */
    storeFunctionAndWait: async (c) => {
      c.state.counter++;
      (c.state as Record<string, unknown>).note = () => "not data";
      await new Promise((resolve) => setTimeout(resolve, 200));
    },
    /** Bumps the counter, puts an object `first` levels deep in `note`, then one `second` levels deep inside its innermost. */
    deepen: (c, first: number, second: number) => {
      c.state.counter++;
      const nested = (levels: number) => {
        let deep: Record<string, unknown> = {};
        for (let level = 1; level < levels; level++) deep = { inner: deep };
        return deep;
      };
      (c.state as Record<string, unknown>).note = nested(first);
      let innermost = (c.state as Record<string, unknown>).note as Record<string, unknown>;
      while (innermost.inner) innermost = innermost.inner as Record<string, unknown>;
      innermost.inner = nested(second);
    },
    /** Changes the counter and adds a field whose name is `length` characters long. */
    longFieldName: (c, length: number) => {
      c.state.counter++;
      (c.state as Record<string, unknown>)["n".repeat(length)] = 1;
    },
  },
  // Takes messages four times the default size (tested in limits.test.ts).
  options: { maxIncomingMessageSize: 256 * 1024 },
});

/**
 * Subscriptions: how they are stored, capped and restored. `params.pad` pads the conn state
 * (to make a record too large for the socket's attachment); `params.unstorable` puts a
 * function in it.
 */
function subscriberActor(options: ActorOptions) {
  return actor({
    state: {},
    createVars: () => ({ wakeId: crypto.randomUUID() }),
    onAuth: () => ({}),
    // Annotated parameters let TypeScript infer the conn state type before it types the actions.
    createConnState: (_c: unknown, _options: unknown, params: { pad?: number; unstorable?: boolean } | null | undefined) => ({
      pad: "x".repeat(params?.pad ?? 0),
      ...(params?.unstorable ? { callback: () => "functions cannot be stored" } : {}),
    }),
    // Reaches the connections subscribed to "joined", not the newcomer (test/workers/opening-subscriptions.test.ts).
    onConnect: (c, conn) => c.broadcast("joined", conn.id),
    actions: {
      subscriptions: (c) => [...c.conn.subscriptions].sort(),
      subscriptionCount: (c) => c.conn.subscriptions.size,
      padLength: (c) => c.conn.state.pad.length,
      grow: (c, bytes: number) => {
        c.conn.state.pad += "x".repeat(bytes);
        return c.conn.state.pad.length;
      },
      wakeId: (c) => c.vars.wakeId,
      shout: (c, event: string) => c.broadcast(event, "hello"),
    },
    options,
  });
}
const subscriber = subscriberActor({ maxSubscriptionsPerConnection: 20_000 });
const tightSubscriber = subscriberActor({ maxSubscriptionsPerConnection: 3, maxEventNameBytes: 8 });

/**
 * `slowTick`'s runs: held while `held`, counted when they start (module variables: the tests
 * share this module with the worker, so they watch a run without a request to the actor).
 */
const slowRuns = { held: false, started: 0 };
export const holdSlowRuns = (held: boolean) => {
  slowRuns.held = held;
};
export const slowRunsStarted = () => slowRuns.started;

/** Times that are not numbers of milliseconds, for `scheduleOddTime`. */
const oddTimes = {
  nan: Number.NaN,
  infinity: Number.POSITIVE_INFINITY,
  undefined: undefined,
  null: null,
  string: "60000",
  date: new Date(0),
  array: [60_000],
  bigint: 60_000n,
};

/** Scheduled actions: once and cron, listed and cancelled. */
function scheduledActor(options: ActorOptions) {
  return actor({
    state: { ticks: [] as string[], failures: 0, starts: 0 },
    onAuth: () => ({}),
    onStart: (c) => {
      c.state.starts++;
    },
    actions: {
      later: (c, ms: number, label: string) => c.schedule.after(ms, "tick", label),
      at: (c, timestamp: number, label: string) => c.schedule.at(timestamp, "tick", label),
      every: (c, expression: string, label: string) => c.schedule.cron(expression, "tick", label),
      tick: (c, label: string) => {
        c.state.ticks.push(label);
      },
      flaky: (c, failTimes: number, label: string) => {
        if (c.state.failures < failTimes) {
          c.state.failures++;
          throw new Error(`flaky failure ${c.state.failures}`);
        }
        c.state.ticks.push(label);
      },
      laterFlaky: (c, ms: number, failTimes: number, label: string) => c.schedule.after(ms, "flaky", failTimes, label),
      everyFlaky: (c, expression: string, failTimes: number, label: string) => c.schedule.cron(expression, "flaky", failTimes, label),
      /** Changes the state, then waits while runs are held: a run that a crash or a second alarm can overlap. */
      slowTick: async (c, label: string) => {
        c.state.ticks.push(label);
        slowRuns.started++;
        while (slowRuns.held) await new Promise((resolve) => setTimeout(resolve, 10));
      },
      everySlow: (c, expression: string, label: string) => c.schedule.cron(expression, "slowTick", label),
      /** Leaves a state storage cannot keep: the run fails when its state is saved. */
      unstorable: (c) => {
        (c.state as Record<string, unknown>).fn = () => 1;
      },
      everyUnstorable: (c, expression: string) => c.schedule.cron(expression, "unstorable"),
      /** Schedules any action with any time or expression (refusals, jobs that cancel jobs): `how` picks the method. */
      schedule: (c, how: "after" | "at" | "cron", action: string, when: unknown, ...args: unknown[]) =>
        how === "cron"
          ? c.schedule.cron(when as string, action, ...args)
          : how === "at"
            ? c.schedule.at(when as number, action, ...args)
            : c.schedule.after(when as number, action, ...args),
      scheduleBigint: (c, how: "after" | "cron") => (how === "cron" ? c.schedule.cron("* * * * *", "tick", 1n) : c.schedule.after(10, "tick", 1n)),
      scheduleMissing: (c) => c.schedule.after(10, "nope"),
      /** The same mistake with the promise left unawaited: it must still fail this action. */
      scheduleMissingUnawaited: (c) => {
        void c.schedule.after(10, "nope");
        return "scheduled";
      },
      /** Schedules `tick` with an argument JSON would change or drop. */
      scheduleOddArgument: (c, kind: "date" | "function" | "map" | "nan" | "nested") => {
        const argument = { date: new Date(0), function: () => 1, map: new Map(), nan: Number.NaN, nested: { list: [1, { at: new Date(0) }] } }[kind];
        return c.schedule.after(10, "tick", argument);
      },
      /** Schedules `tick` with a time the wire would not carry as it is (NaN, undefined, a Date). */
      scheduleOddTime: (c, how: "after" | "at", kind: keyof typeof oddTimes) =>
        how === "at" ? c.schedule.at(oddTimes[kind] as number, "tick", "x") : c.schedule.after(oddTimes[kind] as number, "tick", "x"),
      list: (c) => c.schedule.list(),
      cancel: (c, id: string) => c.schedule.cancel(id),
      read: (c) => c.state,
    },
    options,
  });
}
const scheduled = scheduledActor({ scheduleRetryDelay: 50 });
/** Retries wait an hour, so a test sees a job between its tries. */
const patientScheduled = scheduledActor({ scheduleRetryDelay: 3_600_000 });

/** onStart fails until the test calls healFragile() (the test shares this module with the worker). */
let failStarts = true;
/** Starts per key of the `fails-on-wake` actors: their second start (the first wake) fails. */
const startsByKey = new Map<string, number>();
const fragile = actor({
  state: { starts: 0 },
  onAuth: () => ({}),
  onStart: (c) => {
    const key = c.key[0] ?? "";
    if (key.startsWith("fails-on-wake")) {
      startsByKey.set(key, (startsByKey.get(key) ?? 0) + 1);
      if (startsByKey.get(key) === 2) throw new Error("secret wake failure");
    } else if (failStarts) {
      throw new Error("secret start failure");
    }
    c.state.starts++;
  },
  actions: {
    starts: (c) => c.state.starts,
  },
});
export const healFragile = () => {
  failStarts = false;
};

/**
 * Storage layouts across versions (storage-layout.test.ts): state of every shape the state store
 * keeps (plain fields, Map, Date, a field past one 1 MiB chunk, or all of it small) and scheduled jobs.
 */
const layout = actor({
  state: { count: 0, nested: { list: [] as number[], tags: new Map<string, Date>() }, big: "" },
  onAuth: () => ({}),
  actions: {
    fill: (c) => {
      c.state.count = 7;
      c.state.nested.list.push(1, 2, 3);
      c.state.nested.tags = new Map([["made", new Date(1_700_000_000_000)]]);
      c.state.big = "layout-".repeat(200_000);
    },
    /** Cuts `big` to its first 14 characters: the whole state is then small. */
    trim: (c) => {
      c.state.big = c.state.big.slice(0, 14);
    },
    read: (c) => ({
      count: c.state.count,
      list: c.state.nested.list,
      tags: [...c.state.nested.tags].map(([name, at]) => [name, at.toISOString()]),
      bigLength: c.state.big.length,
      bigStart: c.state.big.slice(0, 14),
      name: c.name,
      key: c.key,
    }),
    plan: async (c) => [await c.schedule.at(4_102_444_800_000, "tick", "far"), await c.schedule.at(4_102_444_800_001, "tick", "farther")],
    planCron: (c) => c.schedule.cron("0 0 1 1 *", "tick", "yearly"),
    jobs: (c) => c.schedule.list(),
    tick: (c, label: string) => {
      c.state.nested.list.push(label.length);
    },
    bump: (c) => ++c.state.count,
  },
});

/**
 * Calls other actors, and itself, through `c.client()`: actions, a connection with events,
 * errors, actors whose onAuth would refuse the call, and onFetch.
 */
const caller = actor({
  state: { bumps: 0, box: { items: [1, 2], tags: new Map([["a", 1]]) }, echoedAtCreate: null as unknown },
  createVars: () => ({ startError: null as string | null }),
  onAuth: () => ({}),
  // With a key starting `pass-at-create`, onCreate passes part of its state to another actor.
  onCreate: async (c) => {
    if (!c.key[0]?.startsWith("pass-at-create")) return;
    c.state.echoedAtCreate = await c.client<typeof registry>().echo.getOrCreate(c.key).echo(c.state.box);
  },
  // With a key starting `self-at-start`, onStart calls this very actor and records the refusal.
  onStart: async (c) => {
    if (!c.key[0]?.startsWith("self-at-start")) return;
    try {
      await c.client<typeof registry>().caller.getOrCreate(c.key).bump(1);
    } catch (error) {
      c.vars.startError = (error as ActorError).code;
    }
  },
  actions: {
    // A handler whose return expression uses a `c.client()` call writes its return type: the
    // registry's type depends on this actor's, so TypeScript cannot infer it from the call.
    increment: (c, key: string, amount: number): Promise<number> => c.client<typeof registry>().counter.getOrCreate(key).increment(amount),
    /** Connects to a counter and increments it until the `newCount` event arrives (the test pool may swap the subscription and the first call). */
    listen: async (c, key: string): Promise<{ events: number[]; results: number[] }> => {
      const conn = c.client<typeof registry>().counter.getOrCreate(key).connect();
      const events: number[] = [];
      conn.on("newCount", (count) => events.push(count as number));
      const results: number[] = [];
      try {
        do results.push(await conn.increment(1));
        while (events.length === 0 && results.length < 20);
      } finally {
        await conn.dispose();
      }
      return { events, results };
    },
    /** An error of the called actor, caught: what the caller sees. */
    caught: async (c, key: string) => {
      try {
        await c.client<typeof registry>().chatRoom.getOrCreate(key).fail();
        return null;
      } catch (error) {
        const { code, message, metadata } = error as ActorError;
        return { isActorError: error instanceof ActorError, code, message, metadata };
      }
    },
    /** An actor name the registry does not have (untyped access): refused before any object is asked. */
    caughtUnknown: async (c) => {
      try {
        await (c.client<typeof registry>() as unknown as Record<string, ActorAccessor>).nobody!.getOrCreate().resolve();
        return null;
      } catch (error) {
        return { isActorError: error instanceof ActorError, code: (error as ActorError).code };
      }
    },
    /** The same error, not caught: it leaves this action like any other exception. */
    uncaught: (c, key: string): Promise<void> => c.client<typeof registry>().chatRoom.getOrCreate(key).fail(),
    /** chatRoom's onAuth refuses the token `deny`; called from here, onAuth does not run. */
    whoami: (c, key: string): Promise<unknown> =>
      c
        .client<typeof registry>()
        .chatRoom.getOrCreate(key, { params: { name: "inner", token: "deny" } })
        .whoami(),
    /** privateActor has no onAuth at all. */
    fetchPrivate: async (c, key: string): Promise<unknown> => (await c.client<typeof registry>().privateActor.getOrCreate(key).fetch("/")).json(),
    /** Calls this very actor, by its own key, while this action waits. */
    bumpSelf: async (c, amount: number): Promise<{ after: number; seen: number }> => {
      const after = await c.client<typeof registry>().caller.getOrCreate(c.key).bump(amount);
      return { after, seen: c.state.bumps };
    },
    /** Passes part of its own state, as `c.state` hands it out, to another actor's action. */
    passState: async (c, key: string): Promise<unknown> => {
      const handle = c.client<typeof registry>().echo.getOrCreate(key, { createWithInput: c.state.box, params: { box: c.state.box } });
      const [box, tags] = (await handle.echo(c.state.box, c.state.box.tags)) as [typeof c.state.box, Map<string, number>];
      return { items: box.items, boxTags: [...box.tags], tags: [...tags] };
    },
    /** Another actor's answer, `shaped(kind)`, as `c.client()` gives it, or the error it gives instead. */
    shapedBy: async (c, key: string, kind: Shape): Promise<{ answer: unknown } | { code: string; message: string }> => {
      try {
        return { answer: await c.client<typeof registry>().echo.getOrCreate(key).shaped(kind) };
      } catch (error) {
        return { code: (error as ActorError).code, message: (error as ActorError).message };
      }
    },
    /** The same with a state change in the other actor, and how many it made. */
    moveBy: async (c, key: string, kind: Shape): Promise<{ answer: unknown; moves: number }> => {
      const echo = c.client<typeof registry>().echo.getOrCreate(key);
      return { answer: await echo.move(kind), moves: await echo.moves() };
    },
    startError: (c) => c.vars.startError,
    echoedAtCreate: (c) => c.state.echoedAtCreate,
    bump: (c, amount: number) => {
      c.state.bumps += amount;
      return c.state.bumps;
    },
  },
  async onFetch(c, request): Promise<Response> {
    const key = new URL(request.url).searchParams.get("counter") ?? "default";
    return Response.json({ count: await c.client<typeof registry>().counter.getOrCreate(key).increment(1) });
  },
});

/** Values a client cannot send in every encoding, made by the actor: `make(kind)` returns one. */
function made(kind: "bigint" | "bigints" | "cycle" | "halves" | "promise" | "function"): unknown {
  // A forgotten `await` inside an answer, and a function: no encoding carries either.
  if (kind === "promise") return { count: Promise.resolve(1) };
  if (kind === "function") return { f: () => 1 };
  if (kind === "bigint") return 5n;
  if (kind === "bigints") return new BigInt64Array([1n, -2n]);
  if (kind === "halves") return new Float16([1.5, 2]);
  const loop: Record<string, unknown> = { name: "loop" };
  loop.self = loop;
  return loop;
}

/** Sends its arguments back: values of every kind, both ways, on every wire. */
const echo = actor({
  state: { moves: 0 },
  onAuth: () => ({}),
  // `hooked`'s output leaves as a class instance made by the hook.
  onBeforeActionResponse: (_c, name, _args, output) => (name === "hooked" ? (new Point(1, 1) as typeof output) : output),
  actions: {
    echo: (_c, ...args: unknown[]) => args,
    nothing: () => undefined,
    make: (_c, kind: Parameters<typeof made>[0]) => made(kind),
    /** Values whose declared types JSON does not keep (the README's client section). */
    typed: () => ({ at: new Date(0), tags: new Set(["a"]), counts: new Map([["a", 1]]), bytes: new Uint8Array([1, 2]) }),
    shaped: (_c, kind: Shape) => shaped(kind),
    /** Changes the state, then answers with `shaped(kind)`. */
    move: (c, kind: Shape) => {
      c.state.moves++;
      return shaped(kind);
    },
    moves: (c) => c.state.moves,
    hooked: () => null,
    /** Changes the state, then answers a string of `length` characters. */
    moveLarge: (c, length: number) => {
      c.state.moves++;
      return "z".repeat(length);
    },
  },
});

/** Bound to a class declared with `new_classes` (key-value storage), which actors cannot use. */
const notSqlite = actor({ state: { n: 0 }, onAuth: () => ({}), actions: { read: (c) => c.state.n } });

/** The inspector's token in tests (a real Worker takes it from a secret). */
export const INSPECTOR_TOKEN = "test-inspector-token-0123456789";

export const registry = setup({
  inspector: { token: INSPECTOR_TOKEN },
  use: {
    myActor: httpActor,
    counter,
    inspector,
    privateActor,
    actionsOnly,
    lifecycle,
    socket,
    chatRoom,
    bigState,
    scheduled,
    patientScheduled,
    fragile,
    subscriber,
    tightSubscriber,
    layout,
    caller,
    todoList,
    sqlNotes,
    badMigration,
    echo,
    placed,
    doomed,
    background,
    sharing,
    notSqlite,
    configured,
    herald,
  },
});
