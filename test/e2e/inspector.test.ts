import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { eventually, screenshotPath, unique, useDemoInChromium } from "./browser";
import { leaves, openInspector as openOn, pick, signIn, status, unexpected } from "./inspector-page";

/**
 * The inspector page (/registry/inspector) of the demo worker in headless Chromium against a
 * real `wrangler dev`, with the dev-only token of wrangler.toml. Actors are driven meanwhile from
 * the demo page in another browser context, as another person's app would.
 */

const TOKEN = "dev-only-inspector-token-do-not-deploy";

const demo = useDemoInChromium();
/** How the demo page's bundled client looks to this test (the page puts it on globalThis). */
interface PageConnection {
  increment(amount: number): Promise<number>;
  getCount(): Promise<number>;
  readonly connectionId: string | undefined;
  onStatusChange(callback: (status: string) => void): () => void;
}
interface PageGlobals {
  actorflare: { client: { counter: { getOrCreate(key: string, options?: { params: unknown }): { getCount(): Promise<number>; connect(): PageConnection } } } };
  conn: PageConnection;
  statuses: string[];
}

/** Another person's app: the demo page in a context of its own, with a connection to the counter `key`. */
async function connectElsewhere(key: string): Promise<Page> {
  const page = await (await demo.browser.newContext()).newPage();
  await page.goto(`${demo.server.url}/`);
  await page.waitForFunction(() => "actorflare" in globalThis);
  await page.evaluate((key) => {
    const globals = globalThis as unknown as PageGlobals;
    globals.statuses = [];
    globals.conn = globals.actorflare.client.counter.getOrCreate(key, { params: { from: "another page" } }).connect();
    globals.conn.onStatusChange((status) => globals.statuses.push(status));
  }, key);
  return page;
}

const increment = (page: Page, amount: number) => page.evaluate((amount) => (globalThis as unknown as PageGlobals).conn.increment(amount), amount);
const countOf = (page: Page) => page.evaluate(() => (globalThis as unknown as PageGlobals).conn.getCount());
const connectionIdOf = (page: Page) => page.evaluate(() => (globalThis as unknown as PageGlobals).conn.connectionId);
const statusesOf = (page: Page) => page.evaluate(() => (globalThis as unknown as PageGlobals).statuses);

/** The inspector page of the demo; `confirm()` before a state edit is answered yes. */
const openInspector = (viewport?: { width: number; height: number }) => openOn(demo.browser, demo.server.url, viewport);

describe("the inspector page", () => {
  it("refuses a wrong token, then signs in with the right one; every control has a label", async () => {
    const { page, problems } = await openInspector();
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeTruthy();
    await signIn(page, "not-the-right-token-at-all");
    await eventually(() => status(page)).toBe("That token is not the inspector's.");
    expect(await page.locator("#inspector-view").isHidden()).toBe(true);

    await signIn(page, TOKEN);
    await eventually(() => page.locator("#inspector-view").isVisible()).toBe(true);
    expect(await page.getByLabel("Name").locator("option").allTextContents()).toEqual(expect.arrayContaining(["counter", "chat"]));
    const unlabelled = await page
      .locator("input, select, textarea, button")
      .evaluateAll((controls) =>
        controls
          .filter((control) => !(control as HTMLInputElement).labels?.length && !control.textContent?.trim() && !control.getAttribute("aria-label"))
          .map((control) => control.id),
      );
    expect(unlabelled).toEqual([]);
    expect(await page.locator("[aria-live]").evaluateAll((regions) => regions.map((region) => region.id))).toEqual(
      expect.arrayContaining(["status", "action-result"]),
    );
    // The cookie is the page's only credential, and it is not readable by the page's script.
    expect(await page.evaluate(() => document.cookie)).toBe("");

    // The listing: the actors of a name, each one a click from its inspection.
    const key = unique("listed");
    const elsewhere = await connectElsewhere(key);
    expect(await increment(elsewhere, 4)).toBe(4);
    await page.getByLabel("Name").selectOption("counter");
    await page.getByRole("button", { name: "List actors of this name" }).click();
    await page.getByRole("button", { name: `Inspect counter ${JSON.stringify([key])}` }).click();
    await eventually(() => leaves(page)).toEqual(["count: 4"]);
    expect(await page.locator("#summary").textContent()).toContain(key);
    expect(unexpected(problems)).toEqual([]);
  });

  it("shows state live, calls actions, edits state across a restart, disconnects a client; screenshots at 1280×800 and phone width", async () => {
    const key = unique("inspected");
    const elsewhere = await connectElsewhere(key);
    expect(await increment(elsewhere, 2)).toBe(2);
    const firstId = (await connectionIdOf(elsewhere))!;

    const { page, problems } = await openInspector();
    await signIn(page, TOKEN);
    await pick(page, "counter", key);
    await eventually(() => leaves(page)).toEqual(["count: 2"]);
    await eventually(() => page.locator("#live").textContent()).toBe("Live");
    await eventually(() => page.getByRole("button", { name: `Disconnect ${firstId}` }).count()).toBe(1);

    // Live: a client elsewhere calls an action; the page follows.
    await increment(elsewhere, 3);
    await eventually(() => leaves(page)).toEqual(["count: 5"]);
    await eventually(() => page.locator("#activity").textContent()).toContain("newCount");

    // An action from the page.
    await page.getByLabel("Action", { exact: true }).fill("increment");
    await page.getByLabel("Arguments (a JSON array)").fill("[10]");
    await page.getByRole("button", { name: "Call" }).click();
    await eventually(() => page.locator("#action-result").textContent()).toBe("15");
    expect(await countOf(elsewhere)).toBe(15);

    // Bad input is shown and changes nothing.
    await page.getByLabel("Arguments (a JSON array)").fill("[10");
    await page.getByRole("button", { name: "Call" }).click();
    await eventually(() => page.locator("#action-result").textContent()).toContain("not valid");
    await page.getByLabel("Arguments (a JSON array)").fill('["many"]');
    await page.getByRole("button", { name: "Call" }).click();
    await eventually(() => page.locator("#action-result").textContent()).toContain("invalid_argument");
    await page.getByLabel("New state (JSON)").fill("{ count: 1 }");
    await page.getByRole("button", { name: "Replace state…" }).click();
    await eventually(() => status(page)).toContain("not valid JSON");
    expect(await countOf(elsewhere)).toBe(15);

    // A state edit, confirmed.
    await page.getByLabel("New state (JSON)").fill('{ "count": 100 }');
    await page.getByRole("button", { name: "Replace state…" }).click();
    await eventually(() => status(page)).toBe("State replaced.");
    await eventually(() => leaves(page)).toEqual(["count: 100"]);
    expect(await countOf(elsewhere)).toBe(100);
    await page.screenshot({ path: screenshotPath("inspector.png") });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: screenshotPath("inspector-phone.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    // A disconnect reaches the client, which connects again with a new id.
    await page.getByRole("button", { name: `Disconnect ${firstId}` }).click();
    await eventually(() => statusesOf(elsewhere)).toContain("reconnecting");
    await eventually(async () => [undefined, firstId].includes(await connectionIdOf(elsewhere))).toBe(false);
    expect(unexpected(problems)).toEqual([]);
    await elsewhere.close();

    // The edit is stored: it outlives a restart of the whole runtime. The page's live view drops
    // with the server and comes back by itself.
    await demo.restart(async () => {
      await eventually(() => page.locator("#live").textContent()).toBe("Not live: reconnecting…");
    });
    await expect.poll(() => page.locator("#live").textContent(), { timeout: 30_000, interval: 200 }).toBe("Live");
    const after = await connectElsewhere(key);
    expect(await countOf(after)).toBe(100);
    await increment(after, 1);
    await eventually(() => leaves(page)).toEqual(["count: 101"]);
  });
});

describe("the inspector page and other actors, other origins", () => {
  it("clears the previous actor when the next one cannot be read, and shows the real error", async () => {
    const key = unique("shown");
    const elsewhere = await connectElsewhere(key);
    expect(await increment(elsewhere, 7)).toBe(7);
    const { page, problems } = await openInspector();
    await signIn(page, TOKEN);
    await pick(page, "counter", key);
    await eventually(() => leaves(page)).toEqual(["count: 7"]);
    await eventually(() => page.locator("#live").textContent()).toBe("Live");

    await pick(page, "counter", unique("missing"));
    await eventually(() => status(page)).toMatch(/^actor_not_found: /);
    expect(await page.locator("#summary").textContent()).toBe("");
    expect(await leaves(page)).toEqual([]);
    expect(await page.locator("#connections, #schedule, #activity").allTextContents()).toEqual(["", "", ""]);
    expect(await page.locator("#live").textContent()).toBe("Not live.");
    // Nothing on screen acts on the previous actor, or on the one that is not there.
    for (const name of ["Copy current state", "Replace state…", "Call"])
      expect(await page.getByRole("button", { name, exact: true }).isDisabled(), name).toBe(true);
    // The live view is not opened for an actor that could not be read, so its refusal does not replace the error.
    expect(await status(page)).toMatch(/^actor_not_found: /);

    // Picking it again shows it again, and the controls come back.
    await pick(page, "counter", key);
    await eventually(() => leaves(page)).toEqual(["count: 7"]);
    expect(await page.getByRole("button", { name: "Call", exact: true }).isDisabled()).toBe(false);

    // A state that is not an object is refused, and the page says why.
    await page.getByLabel("New state (JSON)").fill('"str"');
    await page.getByRole("button", { name: "Replace state…" }).click();
    await eventually(() => status(page)).toContain("invalid_request: The actor's state is an object, and the new state is a string");
    expect(await countOf(elsewhere)).toBe(7);
    expect(unexpected(problems).filter((problem) => !/status of 404/.test(problem))).toEqual([]);
  });

  it("a page on another port of the same host cannot use the signed-in cookie, nor read the inspector under the app's CORS", async () => {
    const key = unique("csrf");
    const elsewhere = await connectElsewhere(key);
    expect(await increment(elsewhere, 1)).toBe(1);
    const { page } = await openInspector();
    await signIn(page, TOKEN);
    await eventually(() => page.locator("#inspector-view").isVisible()).toBe(true);

    // Another app on the same host, another port: the same site, so the browser sends the SameSite=Strict cookie along.
    const otherApp = createServer((_request, response) =>
      response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>other app</title>"),
    ).listen(0, "127.0.0.1");
    await once(otherApp, "listening");
    const attacker = await page.context().newPage();
    try {
      await attacker.goto(`http://127.0.0.1:${(otherApp.address() as AddressInfo).port}/`);
    } finally {
      otherApp.close();
    }
    const outcome = await attacker.evaluate(
      async ({ target, key }) => {
        const query = encodeURIComponent(JSON.stringify({ getForKey: { name: "counter", key: [key] } }));
        const action = `${target}/registry/inspector/api/actor/action?query=${query}`;
        const body = JSON.stringify({ name: "increment", args: [1000] });
        const tries: [string, RequestInit][] = [
          ["text/plain", { method: "POST", credentials: "include", headers: { "content-type": "text/plain" }, body }],
          ["no-cors", { method: "POST", mode: "no-cors", credentials: "include", body }],
          ["json", { method: "POST", credentials: "include", headers: { "content-type": "application/json" }, body }],
          ["read", { credentials: "include" }],
        ];
        const results: Record<string, string> = {};
        for (const [label, init] of tries) {
          try {
            const response = await fetch(label === "read" ? `${target}/registry/inspector/api/actors` : action, init);
            results[label] = `${response.type} ${response.status}`;
          } catch (error) {
            results[label] = `refused: ${error instanceof Error ? error.name : error}`;
          }
        }
        return results;
      },
      { target: demo.server.url, key },
    );
    // Opaque or blocked either way: the page learns nothing.
    expect(outcome).toEqual({ "text/plain": "refused: TypeError", "no-cors": "opaque 0", json: "refused: TypeError", read: "refused: TypeError" });
    expect(await countOf(elsewhere)).toBe(1);
  });
});
