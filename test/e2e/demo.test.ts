import type { Page, WebSocket } from "playwright-core";
import { describe, expect, it } from "vitest";
import { eventually, problemsOf, screenshotPath, unique, useDemoInChromium } from "./browser";

/**
 * The demo page (examples/demo/public, served by the demo worker with Workers static assets) in
 * headless Chromium against a real `wrangler dev`. Each test launches and closes its own
 * browser; the file shares one wrangler dev, stopped at the end.
 */

const demo = useDemoInChromium();

interface Opened {
  page: Page;
  /** Console errors and uncaught exceptions on the page; a test that ends well expects none. */
  problems: string[];
}

/** A new browser context (its own cookies and storage, like another person) on the demo page. */
async function openDemo(query = ""): Promise<Opened> {
  const context = await demo.browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const problems = problemsOf(page);
  await page.goto(`${demo.server.url}/${query}`);
  // app.js is a module script: it has run once it exposes `actorflare` for the console.
  await page.waitForFunction(() => "actorflare" in globalThis);
  return { page, problems };
}

const chatOf = (page: Page) => page.getByRole("region", { name: "Chat" });
const wsOf = (page: Page) => page.getByRole("region", { name: "Raw WebSocket" });
const httpOf = (page: Page) => page.getByRole("region", { name: "Raw HTTP" });

async function joinChat(page: Page, room: string, name: string): Promise<void> {
  const chat = chatOf(page);
  await chat.getByRole("textbox", { name: "Room" }).fill(room);
  await chat.getByRole("textbox", { name: "Your name" }).fill(name);
  await chat.getByRole("button", { name: "Join" }).click();
  await eventually(() => chat.locator("#chat-status").textContent()).toContain(`In room “${room}” as ${name}.`);
}

async function say(page: Page, text: string): Promise<void> {
  const input = chatOf(page).getByRole("textbox", { name: "Chat message" });
  await input.fill(text);
  await chatOf(page).getByRole("button", { name: "Send" }).click();
  // The input clears once the actor answered the `send` action.
  await eventually(() => input.inputValue()).toBe("");
}

/** The chat log as `from: text` lines. */
function chatLog(page: Page): Promise<string[]> {
  return chatOf(page)
    .getByRole("log", { name: "Chat messages" })
    .locator("li")
    .evaluateAll((items) => items.map((li) => `${li.querySelector("strong")?.textContent}: ${li.lastChild?.textContent}`));
}

const presence = (page: Page) => chatOf(page).locator("#chat-presence").textContent();

async function useRawWebSocket(page: Page, key: string, messages: string[]): Promise<void> {
  const panel = wsOf(page);
  await panel.getByRole("textbox", { name: "Actor key" }).fill(key);
  await panel.getByRole("button", { name: "Connect", exact: true }).click();
  await eventually(() => panel.locator("#ws-status").textContent()).toBe(`Connected to websocketActor “${key}”.`);
  for (const message of messages) {
    await panel.getByRole("textbox", { name: "WebSocket message" }).fill(message);
    await panel.getByRole("button", { name: "Send" }).click();
    await eventually(() => wsLog(page)).toContain(`echo: ${message}`);
  }
}

const wsLog = (page: Page) => wsOf(page).getByRole("log", { name: "WebSocket messages" }).locator("li").allTextContents();
const wsCount = (page: Page) => wsOf(page).locator("#ws-count").textContent();
const httpResult = (page: Page) => httpOf(page).locator("#http-result").textContent();

describe("the demo page in Chromium", () => {
  it("serves the page and its bundle as static assets, while /registry and /forward still reach the Worker", async () => {
    const page = await (await fetch(`${demo.server.url}/`)).text();
    expect(page).toContain("<title>actorflare demo</title>");
    const bundle = await fetch(`${demo.server.url}/app.js`);
    expect(bundle.headers.get("content-type")).toMatch(/javascript/);
    expect(await (await fetch(`${demo.server.url}/registry`)).text()).toMatch(/^actorflare registry: /);
    const counter = await fetch(`${demo.server.url}/forward/${unique("assets")}/increment`, { method: "POST" });
    expect((await counter.json()) as { count: number }).toMatchObject({ count: 1 });
  });

  it("two people chat in one room: each sees the other's messages and a presence of 2", async () => {
    const room = unique("room");
    const ada = await openDemo();
    const grace = await openDemo();
    await joinChat(ada.page, room, "ada");
    await joinChat(grace.page, room, "grace");
    await eventually(() => presence(ada.page)).toBe("2");
    await eventually(() => presence(grace.page)).toBe("2");

    await say(ada.page, "hello grace");
    await eventually(() => chatLog(grace.page)).toEqual(["ada: hello grace"]);
    await say(grace.page, "hi ada <b>not bold</b>");
    const both = ["ada: hello grace", "grace: hi ada <b>not bold</b>"];
    await eventually(() => chatLog(ada.page)).toEqual(both);
    await eventually(() => chatLog(grace.page)).toEqual(both);
    // Chat text is shown as text, never parsed as HTML.
    expect(await chatOf(ada.page).locator("#chat-messages b").count()).toBe(0);

    // Leaving closes grace's connection; the actor broadcasts the new count.
    await chatOf(grace.page).getByRole("button", { name: "Leave" }).click();
    await eventually(() => presence(ada.page)).toBe("1");
    expect(ada.problems).toEqual([]);
    expect(grace.problems).toEqual([]);
  });

  it("the chat says when its connection is lost, and once back shows what was said meanwhile", async () => {
    const room = unique("room");
    const ada = await openDemo();
    const grace = await openDemo();
    await joinChat(ada.page, room, "ada");
    await joinChat(grace.page, room, "grace");
    await say(ada.page, "before");
    const status = (page: Page) => chatOf(page).locator("#chat-status").textContent();

    await demo.restart(async () => {
      await eventually(() => status(ada.page)).toBe(`Connection lost; reconnecting to “${room}”…`);
    });
    await eventually(() => status(grace.page)).toBe(`Back in room “${room}” as grace.`);
    await say(grace.page, "said while ada may still be away");
    await eventually(() => status(ada.page)).toBe(`Back in room “${room}” as ada.`);
    await eventually(() => chatLog(ada.page)).toEqual(["ada: before", "grace: said while ada may still be away"]);
    // The page logged the dropped sockets; nothing else went wrong.
    for (const { problems } of [ada, grace]) expect(problems.filter((problem) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(problem))).toEqual([]);
  });

  it("reloading the page keeps the room's history: it lives in the actor's state", async () => {
    const room = unique("room");
    const { page, problems } = await openDemo();
    await joinChat(page, room, "ada");
    await say(page, "first");
    await say(page, "second");
    await eventually(() => chatLog(page)).toEqual(["ada: first", "ada: second"]);
    expect(new URL(page.url()).searchParams.get("room")).toBe(room);

    // The URL remembers the room, so the reload rejoins it and fetches the history again.
    await page.reload();
    await eventually(() => chatOf(page).locator("#chat-status").textContent()).toBe(`In room “${room}” as ada. 2 earlier messages.`);
    expect(await chatLog(page)).toEqual(["ada: first", "ada: second"]);

    // Someone else, in a fresh browser context, gets the same history.
    const lin = await openDemo();
    await joinChat(lin.page, room, "lin");
    expect(await chatLog(lin.page)).toEqual(["ada: first", "ada: second"]);
    expect(problems).toEqual([]);
    expect(lin.problems).toEqual([]);
  });

  it("the raw WebSocket panel echoes and shows the actor's message count, which survives reconnecting", async () => {
    const key = unique("socket");
    const { page, problems } = await openDemo();
    await useRawWebSocket(page, key, ["one", "two"]);
    await eventually(() => wsLog(page)).toEqual(["welcome: 1 open socket(s), 0 message(s) so far", "sent: one", "echo: one", "sent: two", "echo: two"]);
    expect(await wsCount(page)).toBe("2");

    await wsOf(page).getByRole("button", { name: "Disconnect" }).click();
    await eventually(() => wsOf(page).locator("#ws-status").textContent()).toBe("Closed (code 1000).");

    // A new socket: the welcome carries the count the actor saved.
    await useRawWebSocket(page, key, []);
    await eventually(() => wsLog(page)).toContain("welcome: 1 open socket(s), 2 message(s) so far");
    expect(await wsCount(page)).toBe("2");
    expect(problems).toEqual([]);
  });

  it("the raw HTTP panel shows the actor's hello and its echo", async () => {
    const { page, problems } = await openDemo();
    const panel = httpOf(page);
    await panel.getByRole("textbox", { name: "Actor key" }).fill(unique("http"));

    await panel.getByRole("button", { name: "GET /api/hello" }).click();
    await eventually(() => httpResult(page)).toBe('GET /api/hello → 200\ncontent-type: application/json\n\n{"message":"Hello from actor!"}');

    await panel.getByRole("textbox", { name: "Echo message" }).fill("echo from Chromium");
    await panel.getByRole("button", { name: "POST /api/echo" }).click();
    await eventually(() => httpResult(page)).toMatch(/^POST \/api\/echo → 200\ncontent-type: application\/json\n\n/);
    const body = JSON.parse((await httpResult(page))!.split("\n\n")[1]!) as { message: string; timestamp: number };
    expect(body.message).toBe("echo from Chromium");
    expect(problems).toEqual([]);
  });

  it("every control has a label and incoming messages are in live regions; screenshot of the page in use", async () => {
    const room = unique("room");
    const { page, problems } = await openDemo();
    const unlabelled = await page
      .locator("input, button")
      .evaluateAll((controls) =>
        controls.filter((control) => !(control as HTMLInputElement).labels?.length && !control.textContent?.trim()).map((control) => control.id),
      );
    expect(unlabelled).toEqual([]);
    const live = await page.locator("[aria-live]").evaluateAll((regions) => regions.map((region) => region.id));
    expect(live).toEqual(expect.arrayContaining(["chat-messages", "chat-presence", "ws-log", "ws-count", "http-result"]));

    const grace = await openDemo();
    await joinChat(page, room, "ada");
    await joinChat(grace.page, room, "grace");
    await say(grace.page, "Welcome to the demo!");
    await say(page, "Thanks, it works.");
    await eventually(() => chatLog(page)).toHaveLength(2);
    await eventually(() => presence(page)).toBe("2");
    await useRawWebSocket(page, unique("socket"), ["ping"]);
    await eventually(() => wsCount(page)).toBe("1");
    await httpOf(page).getByRole("button", { name: "POST /api/echo" }).click();
    await eventually(() => httpResult(page)).toContain("→ 200");

    await page.screenshot({ path: screenshotPath("demo.png"), fullPage: true });
    expect(problems).toEqual([]);
  });

  // Chromium uploads a streamed body only over HTTP/2; the client reads bodies first in browsers,
  // so a POST through handle.fetch() works over wrangler dev's HTTP/1.1.
  it("handle.fetch() POSTs a body from Chromium over HTTP/1.1", async () => {
    const { page, problems } = await openDemo();
    const answer = await page.evaluate(async () => {
      type Bare = { myActor: { getOrCreate(key: string): { fetch(path: string, init: RequestInit): Promise<Response> } } };
      const { createClient } = (globalThis as unknown as { actorflare: { createClient(endpoint: string): Bare } }).actorflare;
      const response = await createClient(location.origin).myActor.getOrCreate("bare").fetch("/api/echo", { method: "POST", body: "ping" });
      return `${response.status} ${await response.text()}`;
    });
    expect(answer).toBe("200 ping");
    expect(problems).toEqual([]);
  });
});

/** The WebSockets a page opens, in order (playwright reports each with its URL and its close). */
function socketsOf(page: Page): WebSocket[] {
  const sockets: WebSocket[] = [];
  page.on("websocket", (socket) => sockets.push(socket));
  return sockets;
}

describe("the chat panel on RivetKit's client (`?client=rivetkit`, npm rivetkit in public/rivetkit.js)", () => {
  it("two people chat through RivetKit's gateway; history survives a reload; leaving and unloading close the connection", async () => {
    const room = unique("room");
    const ada = await openDemo("?client=rivetkit");
    const grace = await openDemo("?client=rivetkit");
    const [adaSockets, graceSockets] = [socketsOf(ada.page), socketsOf(grace.page)];
    expect(await chatOf(ada.page).locator("#chat-client").textContent()).toBe("This panel runs on RivetKit's client (rivetkit/client).");

    await joinChat(ada.page, room, "ada");
    await say(ada.page, "before grace");
    await joinChat(grace.page, room, "grace");
    await eventually(() => chatOf(grace.page).locator("#chat-status").textContent()).toBe(`In room “${room}” as grace. 1 earlier message.`);
    await eventually(() => presence(ada.page)).toBe("2");

    // An action from one page, the event on the other; both logs agree.
    await say(grace.page, "hello from grace");
    const both = ["ada: before grace", "grace: hello from grace"];
    await eventually(() => chatLog(ada.page)).toEqual(both);
    await eventually(() => chatLog(grace.page)).toEqual(both);
    // Every connection went through RivetKit's gateway route, not actorflare's own.
    for (const socket of [...adaSockets, ...graceSockets]) expect(new URL(socket.url()).pathname).toMatch(/^\/registry\/gateway\/[^/]+\/connect$/);
    expect(adaSockets).toHaveLength(1);

    // The URL keeps `client=rivetkit` beside the room: the reload rejoins through RivetKit's
    // client and gets the history from the actor's state. The unload closed the old connection:
    // with the new one open, the actor counts 2 people, not 3.
    await grace.page.reload();
    await eventually(() => chatOf(grace.page).locator("#chat-status").textContent()).toBe(`In room “${room}” as grace. 2 earlier messages.`);
    expect(await chatLog(grace.page)).toEqual(both);
    expect(new URL(grace.page.url()).searchParams.get("client")).toBe("rivetkit");
    expect(graceSockets).toHaveLength(2);
    await eventually(() => presence(ada.page)).toBe("2");
    await eventually(() => presence(grace.page)).toBe("2");

    // Leave disposes the connection: its socket closes and the actor counts one person fewer.
    await chatOf(grace.page).getByRole("button", { name: "Leave" }).click();
    await eventually(() => chatOf(grace.page).locator("#chat-status").textContent()).toBe("Not in a room.");
    await eventually(() => graceSockets[1]!.isClosed()).toBe(true);
    await eventually(() => presence(ada.page)).toBe("1");

    // Someone on actorflare's own client (the default page) joins the same room and sees it all.
    const lin = await openDemo();
    const linSockets = socketsOf(lin.page);
    await joinChat(lin.page, room, "lin");
    expect(await chatLog(lin.page)).toEqual(both);
    await eventually(() => presence(ada.page)).toBe("2");
    expect(new URL(linSockets[0]!.url()).pathname).not.toContain("/gateway/");

    // Closing ada's page (an unload) closes her connection: lin is alone.
    await ada.page.close({ runBeforeUnload: true });
    await eventually(() => presence(lin.page)).toBe("1");
    expect(ada.problems).toEqual([]);
    expect(grace.problems).toEqual([]);
    expect(lin.problems).toEqual([]);
  });
});
