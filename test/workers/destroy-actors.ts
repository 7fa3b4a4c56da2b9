import type { ActorListPage } from "../../src/client/index";
import { actor, Forbidden } from "../../src/index";
import type { registry } from "./registry";

/** What `onDestroy` saw, per key: the actor's own state is deleted with it, so tests read it here. */
export const destroyedLog = new Map<string, { count: number; label: string; conns: number }[]>();
/** How often each key was created (createState ran): a new actor after a destroy counts again. */
export const creations = new Map<string, number>();
/** Test hooks by key: `onCreate` and `onStart` call `<key>:onCreate` / `<key>:onStart` (a crash, set with the object's ctx). */
export const hooks = new Map<string, () => void>();
/** An `onDestroy` waits on the promise set for its key (a destroy held half-way). */
export const destroyHolds = new Map<string, Promise<void>>();
/** Keys whose `onDestroy` has begun. */
export const destroyStarted = new Set<string>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Destroy and listing under test: `onDestroy`, `c.destroy()`, a slow action to race a destroy,
 * schedules, `c.sql`, a raw socket. Its `onAuth` lets only `{ role: "admin" }` destroy or list.
 */
export const doomed = actor({
  createState: (c, input: { label?: string } | undefined) => {
    const key = c.key[0] ?? "";
    creations.set(key, (creations.get(key) ?? 0) + 1);
    return { count: 0, label: input?.label ?? "fresh" };
  },
  onAuth: ({ intents }, params: { role?: string } | null | undefined) => {
    if ((intents.has("destroy") || intents.has("list")) && params?.role !== "admin") throw new Forbidden("Only an admin destroys or lists.");
    return { role: params?.role ?? "user" };
  },
  onCreate: (c) => hooks.get(`${c.key[0]}:onCreate`)?.(),
  onStart: (c) => hooks.get(`${c.key[0]}:onStart`)?.(),
  onDestroy: async (c) => {
    const key = c.key[0] ?? "";
    destroyStarted.add(key);
    await destroyHolds.get(key);
    destroyedLog.set(key, [...(destroyedLog.get(key) ?? []), { count: c.state.count, label: c.state.label, conns: c.conns.size }]);
    if (c.state.label === "throws") throw new Error("onDestroy fails on purpose");
  },
  onWebSocket: (_c, ws) => {
    ws.addEventListener("message", (event) => ws.send(event.data));
  },
  actions: {
    increment: (c, by = 1) => {
      c.state.count += by;
      c.broadcast("count", c.state.count);
      return c.state.count;
    },
    read: (c) => ({ ...c.state }),
    /** Destroys the actor and still answers. */
    selfDestruct: (c) => {
      c.destroy();
      return "bye";
    },
    /** Increments after `ms`: a request still running when a destroy begins. */
    slow: async (c, ms: number) => {
      await sleep(ms);
      c.state.count++;
      return c.state.count;
    },
    later: (c, ms: number) => c.schedule.after(ms, "increment", 1),
    /** A scheduled job that destroys the actor, with another job due after it. */
    destroyLater: async (c, ms: number) => {
      await c.schedule.after(ms, "selfDestruct");
      await c.schedule.after(ms + 1, "increment", 100);
    },
    note: (c, text: string) => {
      c.sql`CREATE TABLE IF NOT EXISTS notes (text TEXT)`;
      c.sql`INSERT INTO notes (text) VALUES (${text})`;
    },
    /** Through c.client(): refused, since the destroy would wait for this very action. */
    destroyThroughClient: async (c): Promise<string> => {
      try {
        await c.client<typeof registry>().doomed.get(c.key).destroy();
        return "destroyed";
      } catch (error) {
        return (error as { code: string }).code;
      }
    },
    /** Destroys another actor, and lists this kind, through c.client() (no onAuth). */
    destroyOther: (c, key: string): Promise<void> => c.client<typeof registry>().doomed.get(key).destroy(),
    listKind: (c, cursor?: string, limit?: number): Promise<ActorListPage> => c.client<typeof registry>().doomed.list({ cursor, limit }),
  },
  options: { actionTimeout: 5_000 },
});
