import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { problemsOf, unique, useDemoInChromium } from "./browser";

/**
 * WebSockets from Chromium's own WebSocket against the demo worker under `wrangler dev`: a plain
 * `close()` is answered at once, and `handle.websocket()` hands the actor's welcome to
 * `onmessage` or to a listener, whenever the caller sets it; a connection disposed while its socket
 * opens closes it cleanly.
 */

const demo = useDemoInChromium();

/** The demo page (it exposes `actorflare.client` and `actorflare.createClient`), and what it reports as broken. */
async function openDemo(): Promise<{ page: Page; problems: string[] }> {
  const page = await demo.browser.newPage();
  const problems = problemsOf(page);
  await page.goto(`${demo.server.url}/`);
  await page.waitForFunction(() => "actorflare" in globalThis);
  return { page, problems };
}

/** How the page sees the demo's client (the bundle puts it on globalThis). */
interface PageSocket {
  readonly readyState: number;
  onmessage: ((event: MessageEvent) => void) | null;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  send(data: string): void;
  close(): void;
}
interface PageClient {
  websocketActor: { getOrCreate(key: string): { websocket(path: string): Promise<PageSocket> } };
}
interface PageGlobals {
  actorflare: { client: PageClient; createClient(options: { endpoint: string; WebSocket: typeof WebSocket }): PageClient };
}

describe("a plain close() from Chromium", () => {
  const cases: [string, string, string][] = [
    ["raw socket", "/registry/actors/raw/websocket/", "websocketActor"],
    ["connection socket", "/registry/actors/connect/websocket", "counter"],
  ];

  it.each(cases)("%s: answered with 1005, cleanly, within 1 s", async (_label, path, name) => {
    const { page, problems } = await openDemo();
    const query = { getOrCreateForKey: { name, key: [unique("close")] } };
    const protocols = [`query.${encodeURIComponent(JSON.stringify(query))}`, "encoding.json", "rivetkit"];
    const result = await page.evaluate(
      async ({ path, protocols }) => {
        const ws = new WebSocket(location.origin.replace(/^http/, "ws") + path, protocols);
        await new Promise<void>((resolve, reject) => {
          ws.onmessage = () => resolve();
          ws.onclose = (event) => reject(new Error(`closed (${event.code}) before its first message`));
        });
        const closed = new Promise<CloseEvent>((resolve) => (ws.onclose = resolve));
        const started = performance.now();
        ws.close();
        // An unanswered close would keep Chromium waiting far longer; stop looking after 5 s.
        const event = await Promise.race([closed, new Promise<undefined>((resolve) => setTimeout(resolve, 5_000))]);
        return { ms: performance.now() - started, close: event && { code: event.code, reason: event.reason, wasClean: event.wasClean } };
      },
      { path, protocols },
    );
    expect(result.close).toEqual({ code: 1005, reason: "", wasClean: true });
    expect(result.ms).toBeLessThan(1_000);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("handle.websocket() in Chromium", () => {
  it.each(["onmessage", "addEventListener"] as const)("%s gets the websocketActor's welcome, then the echoes", async (how) => {
    const { page, problems } = await openDemo();
    const got = await page.evaluate(
      async ({ key, how }) => {
        const ws = await (globalThis as unknown as PageGlobals).actorflare.client.websocketActor.getOrCreate(key).websocket("/");
        const got: string[] = [];
        const record = (event: MessageEvent) => got.push(String(event.data));
        if (how === "onmessage") ws.onmessage = record;
        else ws.addEventListener("message", record);
        const until = async (count: number) => {
          const deadline = Date.now() + 10_000;
          while (got.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
        };
        await until(1);
        ws.send("echo me");
        await until(2);
        ws.close();
        return got;
      },
      { key: unique("welcome"), how },
    );
    expect(JSON.parse(got[0]!)).toMatchObject({ type: "welcome", connectionCount: 1, messageCount: 0 });
    expect(got.slice(1)).toEqual(["echo me"]);
    expect(problems).toEqual([]);
    await page.close();
  });

  // Deterministic: the page's WebSocket counts what reaches it underneath the client's wrapper,
  // so the caller sets its handler only after the welcome is surely in.
  it.each(["onmessage", "addEventListener"] as const)("%s set after the welcome arrived still gets it first; a late listener gets no replay", async (how) => {
    const { page, problems } = await openDemo();
    const result = await page.evaluate(
      async ({ key, how }) => {
        let underneath: (WebSocket & { received: number }) | undefined;
        class Counting extends WebSocket {
          received = 0;
          constructor(url: string | URL, protocols?: string | string[]) {
            super(url, protocols);
            underneath = this;
            this.addEventListener("message", () => this.received++);
          }
        }
        const until = async (done: () => boolean) => {
          const deadline = Date.now() + 10_000;
          while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
        };
        const client = (globalThis as unknown as PageGlobals).actorflare.createClient({ endpoint: location.origin, WebSocket: Counting });
        const ws = await client.websocketActor.getOrCreate(key).websocket("/");
        await until(() => (underneath?.received ?? 0) >= 1);
        const arrivedBefore = underneath?.received ?? 0;

        const first: string[] = [];
        const record = (event: MessageEvent) => first.push(String(event.data));
        if (how === "onmessage") ws.onmessage = record;
        else ws.addEventListener("message", record);
        await until(() => first.length >= 1);

        const late: string[] = [];
        ws.addEventListener("message", (event) => late.push(String(event.data)));
        ws.send("after");
        await until(() => first.length >= 2 && late.length >= 1);
        ws.close();
        return { arrivedBefore, first, late };
      },
      { key: unique("held"), how },
    );
    expect(result.arrivedBefore).toBe(1);
    expect(JSON.parse(result.first[0]!)).toMatchObject({ type: "welcome" });
    expect(result.first.slice(1)).toEqual(["after"]);
    expect(result.late).toEqual(["after"]);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("a connection disposed while its WebSocket opens, in Chromium", () => {
  // Closing a socket still in its handshake drops it without a close frame: Chromium logs "closed
  // before the connection is established", and a proxy in between (a dev server's) may never tell
  // the server, which then keeps a connection whose client left. The client waits for the open
  // and closes with 1000 instead. The page's WebSocket disposes the connection in a microtask
  // after it is made, before the open event can arrive (that needs a task of its own).
  it("is closed cleanly with 1000 once it opens, and Chromium logs nothing", async () => {
    const { page, problems } = await openDemo();
    const result = await page.evaluate(async (key) => {
      interface Conn {
        dispose(): Promise<void>;
      }
      let conn: Conn | undefined;
      let stateAtDispose = -1;
      let closed!: Promise<{ code: number; reason: string; wasClean: boolean }>;
      class DisposedWhileOpening extends WebSocket {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          closed = new Promise((resolve) => this.addEventListener("close", ({ code, reason, wasClean }) => resolve({ code, reason, wasClean })));
          queueMicrotask(() => {
            stateAtDispose = this.readyState;
            void conn?.dispose();
          });
        }
      }
      const client = (globalThis as unknown as PageGlobals).actorflare.createClient({
        endpoint: location.origin,
        WebSocket: DisposedWhileOpening,
      }) as unknown as {
        counter: { getOrCreate(key: string): { connect(): Conn } };
      };
      conn = client.counter.getOrCreate(key).connect();
      // The first attempt starts after this task; `closed` exists once the socket does.
      while (stateAtDispose === -1) await new Promise((resolve) => setTimeout(resolve, 10));
      return { stateAtDispose, close: await closed };
    }, unique("opening"));
    expect(result.stateAtDispose).toBe(0); // CONNECTING
    expect(result.close).toEqual({ code: 1000, reason: "client disposed", wasClean: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});
