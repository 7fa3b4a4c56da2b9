import NodeWebSocket from "ws";
import { describe, expect, it } from "vitest";
import { TEST_WORKER_DIR } from "../node/wrangler-dev";
import { eventually, screenshotPath, unique, useDemoInChromium } from "./browser";
import { callFromPage, leaves, openInspector, pick, signIn, status, unexpected } from "./inspector-page";

/**
 * The inspector page against the test worker (test/workers) under a real `wrangler dev`, for
 * actors the demo does not have: one whose wake fails (`configured`). Actors are driven from
 * Node meanwhile, as another person's app would.
 */

const TOKEN = "test-inspector-token-0123456789";
const app = useDemoInChromium({ cwd: TEST_WORKER_DIR });

/** Calls an action over HTTP, creating the actor (with `input`) if it does not exist. */
async function actorCall(
  name: string,
  key: string,
  action: string,
  args: unknown[],
  input?: unknown,
): Promise<{ status: number; body: { o?: unknown; c?: string } }> {
  const response = await fetch(`${app.server.url}/registry/actors/actions/${action}`, {
    method: "POST",
    headers: {
      "X-RivetKit-Query": JSON.stringify({ getOrCreateForKey: { name, key: [key], ...(input === undefined ? {} : { input }) } }),
      "X-RivetKit-Encoding": "json",
      "content-type": "application/json",
    },
    body: JSON.stringify({ a: args }),
  });
  return { status: response.status, body: (await response.json()) as { o?: unknown; c?: string } };
}

async function destroy(name: string, key: string): Promise<number> {
  const response = await fetch(`${app.server.url}/registry/actors/destroy`, {
    method: "POST",
    headers: { "X-RivetKit-Query": JSON.stringify({ getForKey: { name, key: [key] } }), "X-RivetKit-Encoding": "json" },
  });
  await response.body?.cancel();
  return response.status;
}

const isDisabled = (page: Awaited<ReturnType<typeof openInspector>>["page"], name: string) => page.getByRole("button", { name, exact: true }).isDisabled();
/** The page's failed requests that the tests provoke: an action of an actor that cannot start (500). */
const besides500 = (problems: string[]) => unexpected(problems).filter((problem) => !/status of 500/.test(problem));

describe("the inspector page and an actor whose wake fails", () => {
  it("shows its stored state and why it failed, replaces the state without starting it, and the next wake uses it", async () => {
    const key = unique("broken");
    // Made with a state its onStart cannot read: the actor exists, and every call fails to start it.
    expect(await actorCall("configured", key, "count", [], { config: null })).toMatchObject({ status: 500, body: { c: "actor_start_failed" } });
    const { page, problems, dialogs } = await openInspector(app.browser, app.server.url);
    await signIn(page, TOKEN);
    await pick(page, "configured", key);
    await eventually(() => leaves(page)).toEqual(expect.arrayContaining(["config: null", "count: 0"]));
    expect(await page.locator("#summary").textContent()).toContain("not awake (read from storage)");

    // A call needs it awake: it fails, and the page says why the actor does not start.
    await callFromPage(page, "count", "[]");
    await eventually(() => page.locator("#action-result").textContent()).toContain("actor_start_failed");
    await eventually(() => page.getByRole("alert").textContent()).toMatch(/failed to start .*actor_start_failed.*TypeError/);
    await page.screenshot({ path: screenshotPath("inspector-start-failed.png") });

    await page.getByRole("button", { name: "Copy current state" }).click();
    await page.getByLabel("New state (JSON)").fill('{ "config": { "limit": 3 }, "count": 0, "startPeer": null, "callPeer": null }');
    await page.getByRole("button", { name: "Replace state…" }).click();
    await eventually(() => status(page)).toBe("State replaced.");
    expect(dialogs.at(-1)).toBe("Replace the actor's whole state with this JSON?");
    await eventually(() => leaves(page)).toEqual(expect.arrayContaining(["limit: 3"]));

    await callFromPage(page, "bump", "[]");
    await eventually(() => page.locator("#action-result").textContent()).toBe("1");
    await eventually(() => page.getByRole("alert").isHidden()).toBe(true);
    await eventually(() => page.locator("#summary").textContent()).toContain("· awake ·");
    expect(besides500(problems)).toEqual([]);
  });
});

describe("the inspector page and a destroyed actor", () => {
  it("hears of the destroy at once, says so, lets nothing act on it, and does not write its copied state silently into the next actor of its key", async () => {
    const key = unique("doomed");
    expect((await actorCall("counter", key, "increment", [5])).body).toEqual({ o: 5 });
    const { page, problems, dialogs } = await openInspector(app.browser, app.server.url);
    await signIn(page, TOKEN);
    await pick(page, "counter", key);
    await eventually(() => leaves(page)).toEqual(["count: 5"]);
    await eventually(() => page.locator("#live").textContent()).toBe("Live");
    await page.getByRole("button", { name: "Copy current state" }).click();

    const destroyedAt = Date.now();
    expect(await destroy("counter", key)).toBe(200);
    await eventually(() => page.locator("#live").textContent()).toBe("Destroyed.");
    // As fast as an ordinary connection hears it (the runtime would otherwise hold the close ~10 s).
    expect(Date.now() - destroyedAt).toBeLessThan(3_000);
    expect(await page.getByRole("alert").textContent()).toContain("was destroyed");
    expect(await status(page)).toBe("The actor was destroyed.");
    for (const name of ["Copy current state", "Replace state…", "Call"]) expect(await isDisabled(page, name), name).toBe(true);

    // The key made again is another actor: a draft copied from the old one is not written into it unasked.
    expect((await actorCall("counter", key, "increment", [1])).body).toEqual({ o: 1 });
    await pick(page, "counter", key);
    await eventually(() => leaves(page)).toEqual(["count: 1"]);
    expect(await page.getByRole("alert").isHidden()).toBe(true);
    await page.getByRole("button", { name: "Replace state…" }).click();
    await eventually(() => dialogs.at(-1)).toMatch(/^This JSON was copied from another actor/);
    expect(unexpected(problems)).toEqual([]);
  });
});

describe("the inspector page's edits, status and layout", () => {
  it("asks before replacing a state that changed since the copy; the status says the latest outcome, with an error's metadata; times are UTC", async () => {
    const key = unique("edited");
    await actorCall("counter", key, "increment", [1]);
    const { page, problems, dialogs } = await openInspector(app.browser, app.server.url);
    await signIn(page, TOKEN);
    await pick(page, "counter", key);
    await eventually(() => leaves(page)).toEqual(["count: 1"]);
    await page.getByRole("button", { name: "Copy current state" }).click();
    await actorCall("counter", key, "increment", [30]);
    await eventually(() => leaves(page)).toEqual(["count: 31"]);
    await page.getByRole("button", { name: "Replace state…" }).click();
    await eventually(() => dialogs.at(-1)).toMatch(/^The actor's state changed since you copied it/);
    // Said yes to: the copy replaces what changed.
    await eventually(() => leaves(page)).toEqual(["count: 1"]);

    // A failed call's status, with its metadata; then a call with bad arguments replaces it.
    await callFromPage(page, "increment", '["many"]');
    await eventually(() => status(page)).toMatch(/^invalid_argument: .* \(metadata: \{"argument":"amount"\}\)$/);
    expect(await page.locator("#action-result").textContent()).toContain('(metadata: {"argument":"amount"})');
    await callFromPage(page, "increment", "[1");
    await eventually(() => status(page)).toBe("Action increment not called: its arguments are not valid.");

    await callFromPage(page, "incrementLater", "[3600000, 2]");
    await eventually(() => page.locator("#schedule td").first().textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);

    await page.getByLabel("or id").fill("0".repeat(64));
    await page.getByRole("button", { name: "Inspect" }).click();
    await eventually(() => status(page)).toBe("Give a key or an id, not both: clear one of them.");
    expect(unexpected(problems)).toEqual([]);
  });

  it("fits the connections table in its card at 1280 and 1920 px, its Disconnect button in view", async () => {
    const key = unique("wide");
    await actorCall("counter", key, "increment", [1]);
    const query = encodeURIComponent(JSON.stringify({ getForKey: { name: "counter", key: [key] } }));
    const params = encodeURIComponent(JSON.stringify({ who: "someone-with-a-rather-long-name", note: "x".repeat(120) }));
    const client = new NodeWebSocket(`${app.server.url.replace(/^http/, "ws")}/registry/actors/connect/websocket`, [
      `query.${query}`,
      "encoding.json",
      "rivetkit",
      `conn_params.${params}`,
    ]);
    try {
      await new Promise((resolve, reject) => client.once("message", resolve).once("error", reject));
      const { page } = await openInspector(app.browser, app.server.url);
      await signIn(page, TOKEN);
      await pick(page, "counter", key);
      const disconnect = page.getByRole("button", { name: /^Disconnect / });
      await eventually(() => disconnect.count()).toBe(1);
      for (const width of [1280, 1920]) {
        await page.setViewportSize({ width, height: 900 });
        const fits = await page.evaluate(() => {
          const card = document.getElementById("connections")!.closest("section")!.getBoundingClientRect();
          const table = document.querySelector("#connections table")!.getBoundingClientRect();
          const button = document.querySelector("#connections button")!.getBoundingClientRect();
          return { table: table.right <= card.right, button: button.right <= card.right && button.width > 0 };
        });
        expect(fits, `${width} px`).toEqual({ table: true, button: true });
      }
    } finally {
      client.terminate();
    }
  });
});
