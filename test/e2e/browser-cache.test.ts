import { build } from "esbuild";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { TEST_WORKER_DIR } from "../node/wrangler-dev";
import { unique, useDemoInChromium } from "./browser";

/**
 * Chromium's HTTP cache against the test worker (test/workers) under `wrangler dev`. Every actor
 * of a name shares the URLs of raw HTTP and of SSE streams (the key travels in a header), and
 * the browser's cache keys by URL: answers must vary by the headers that name the actor, and a
 * stream must not be joined to another one's cache entry.
 */

const app = useDemoInChromium({ cwd: TEST_WORKER_DIR });

/** actorflare's client, bundled for the page from the sources as an app's bundler would. */
let clientBundle = "";
beforeAll(async () => {
  const built = await build({
    entryPoints: ["src/client/index.ts"],
    bundle: true,
    format: "iife",
    globalName: "actorflareClient",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "error",
  });
  clientBundle = built.outputFiles[0]!.text;
});

/**
 * A page of the Worker's own origin (the registry's plain-text banner) with the client on it
 * (`actorflareClient`). Not a page served by `page.route`: Playwright turns the HTTP cache off
 * while requests are routed.
 */
async function openPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await app.browser.newPage();
  const problems: string[] = [];
  page.on("console", (message) => {
    // The page's favicon.ico, which the Worker does not have, is the one 404 expected.
    if (message.type() === "error" && !message.location().url.endsWith("/favicon.ico")) problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  await page.goto(`${app.server.url}/registry`);
  await page.addScriptTag({ content: clientBundle });
  return { page, problems };
}

describe("the browser's HTTP cache", () => {
  it("handle.fetch() gets each actor's own answer when onFetch lets the browser keep it (Cache-Control: max-age)", async () => {
    const { page, problems } = await openPage();
    const [alice, bob] = [unique("alice"), unique("bob")];
    const keys = await page.evaluate(
      async ([alice, bob]) => {
        type Handle = { fetch(path: string): Promise<Response> };
        type Client = { inspector: { getOrCreate(key: string): Handle } };
        const { createClient } = (globalThis as unknown as { actorflareClient: { createClient(endpoint: string): Client } }).actorflareClient;
        const client = createClient(location.origin);
        const keyOf = async (key: string) => ((await (await client.inspector.getOrCreate(key).fetch("/cached")).json()) as { key: string[] }).key[0];
        return [await keyOf(alice), await keyOf(bob), await keyOf(alice)];
      },
      [alice, bob],
    );
    expect(keys).toEqual([alice, bob, alice]);
    expect(problems).toEqual([]);
  });

  it("an SSE connection opened while another to the same actor name closes reaches its actor once", async () => {
    const { page, problems } = await openPage();
    const stats = await page.evaluate(
      async ([first, second]) => {
        type Stats = { connects: number; open: number };
        type Connection = { on(event: string, listener: () => void): void; stats(): Promise<Stats>; dispose(): Promise<void> };
        type Client = { chatRoom: { getOrCreate(key: string): { connect(): Connection } } };
        type Create = (options: { endpoint: string; transport: "sse" }) => Client;
        const { createClient } = (globalThis as unknown as { actorflareClient: { createClient: Create } }).actorflareClient;
        const client = createClient({ endpoint: location.origin, transport: "sse" });
        // Both subscribe before they open: their streams have the same URL.
        const leaving = client.chatRoom.getOrCreate(first).connect();
        leaving.on("message", () => {});
        await leaving.stats();
        const disposed = leaving.dispose();
        const joining = client.chatRoom.getOrCreate(second).connect();
        joining.on("message", () => {});
        const seen = await joining.stats();
        await Promise.all([disposed, joining.dispose()]);
        return seen;
      },
      [unique("leaving"), unique("joining")],
    );
    // With the stream joined to the closing one's cache entry, a second copy of it had reached the actor first.
    expect(stats).toMatchObject({ connects: 1, open: 1 });
    expect(problems).toEqual([]);
  });
});
