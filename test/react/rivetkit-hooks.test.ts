import { createRivetKit } from "@rivetkit/react";
import { JSDOM } from "jsdom";
import { act, createElement } from "react";
import { afterAll, beforeAll, expect, it } from "vitest";
import NodeWebSocket from "ws";
import { waitFor } from "../node/wait";
import { eventually, untilEveryoneHears } from "./eventually";
import { startWranglerDev, tempPersistDir, type WranglerDev } from "../node/wrangler-dev";

// RivetKit's own React hooks (@rivetkit/react 2.3.11, with the rivetkit 2.3.11 it pins) against
// the demo under `wrangler dev`: what a React app written for RivetKit does with actorflare.

// A page for React to render into, set up by hand rather than with vitest's jsdom environment:
// that one swaps Node's globals for jsdom's, and RivetKit's client then takes the frames `ws`
// hands it (ArrayBuffers of Node's realm) for malformed. Sockets are `ws`'s, as in Node: RivetKit
// 2.3 opens them with an http: URL, which browsers accept and jsdom's WebSocket refuses
// (test/e2e runs RivetKit's client in Chromium).
const page = new JSDOM("<!doctype html><body></body>", { url: "http://127.0.0.1/" }).window;
const pageGlobals = { window: page, document: page.document, navigator: page.navigator, WebSocket: NodeWebSocket };
// react-dom reads `navigator` when it loads: it is imported once the page's globals are set.
let createRoot: typeof import("react-dom/client").createRoot;

/** The DOM calls this test makes (jsdom provides them; see tsconfig.json for why they are declared). */
interface TestElement {
  textContent: string | null;
  append(child: TestElement): void;
}
const document = page.document as { body: TestElement; createElement(tag: "div"): TestElement };

// React's act() needs to know it runs in a test environment.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let server: WranglerDev;
let dir: { path: string; remove(): Promise<void> };
/** Unmounted at the end even when the test fails half-way: React must not run once the page's globals are gone. */
let root: import("react-dom/client").Root | undefined;

beforeAll(async () => {
  Object.assign(globalThis, pageGlobals);
  ({ createRoot } = await import("react-dom/client"));
  dir = await tempPersistDir();
  server = await startWranglerDev({ persistTo: dir.path });
});

afterAll(async () => {
  await act(async () => root?.unmount());
  for (const name of Object.keys(pageGlobals)) Reflect.deleteProperty(globalThis, name);
  await server?.stop();
  await dir?.remove();
});

/** What the test uses of `useActor`'s answer: with an untyped registry, actions are called by name. */
interface Member {
  isConnected: boolean;
  connStatus: string;
  connection: { action(call: { name: string; args: unknown[] }): Promise<unknown> } | null;
  handle: { action(call: { name: string; args: unknown[] }): Promise<unknown> } | null;
  useEvent(event: string, listener: (message: { from: string; text: string }) => void): void;
}

it("useActor connects two components to one chat room; useEvent delivers each message to both; unmounting closes both connections", async () => {
  // Untyped: RivetKit's hooks take RivetKit's registry type, which actorflare's is not.
  // `devtools: false`: on a localhost page RivetKit's client would load a script actorflare does not serve.
  const { useActor } = createRivetKit({ endpoint: `${server.url}/registry`, devtools: false });
  const room = `rivetkit-react-${crypto.randomUUID()}`;
  const seen: string[] = [];
  const actors: Record<string, Member> = {};

  function MemberView({ name }: { name: string }) {
    const actor: Member = useActor({ name: "chat", key: [room], params: { name } });
    actor.useEvent("message", (message: { from: string; text: string }) => seen.push(`${name} saw ${message.from}: ${message.text}`));
    actors[name] = actor;
    return createElement("p", null, `${name} ${actor.connStatus};`);
  }

  const container = document.createElement("div");
  document.body.append(container);
  const mounted = createRoot(container as unknown as Element);
  root = mounted;
  await act(async () => mounted.render(createElement("div", null, createElement(MemberView, { name: "ann" }), createElement(MemberView, { name: "bob" }))));
  await eventually(() => Boolean(actors.ann?.isConnected && actors.bob?.isConnected), "both components to connect");
  expect(container.textContent).toBe("ann connected;bob connected;");

  // The demo's action is named `send`, which RivetKit's connection keeps for queues: call it by name.
  const send = (text: string) => actors.ann!.connection!.action({ name: "send", args: [text] });
  const heardBy = (name: string) => seen.some((line) => line.startsWith(`${name} saw`));
  await untilEveryoneHears(
    (attempt) => send(`warm-up ${attempt}`),
    () => heardBy("ann") && heardBy("bob"),
    "both subscriptions",
  );
  await act(async () => {
    await send("hello");
  });
  const hello = () => seen.filter((line) => line.endsWith(": hello")).sort();
  await eventually(() => hello().length === 2, "the message to reach both components");
  expect(hello()).toEqual(["ann saw ann: hello", "bob saw ann: hello"]);
  const history = (await actors.bob!.handle!.action({ name: "history", args: [] })) as unknown[];
  expect(history.at(-1)).toEqual({ from: "ann", text: "hello", at: expect.any(Number) });

  // Unmounting disposes the hooks' connections: the room is left with none open.
  const handle = actors.ann!.handle!;
  await act(async () => mounted.unmount());
  root = undefined;
  await waitFor(async () => (await handle.action({ name: "presence", args: [] })) === 0, "the room to have no connection open");
});
