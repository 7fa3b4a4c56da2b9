// @vitest-environment jsdom
import { createElement, useState } from "react";
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/index";
import { createActorHooks } from "../../src/react/index";
import { waitFor } from "../node/wait";
import { startWranglerDev, tempPersistDir, type WranglerDev } from "../node/wrangler-dev";
import { eventually, untilEveryoneHears } from "./eventually";

/** The DOM calls this test makes (jsdom provides them; see tsconfig.json for why they are declared). */
interface TestElement {
  textContent: string | null;
  append(child: TestElement): void;
  querySelector(selector: string): TestElement | null;
}
const { document } = globalThis as unknown as { document: { body: TestElement; createElement(tag: "div"): TestElement } };

// React's act() needs to know it runs in a test environment.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let server: WranglerDev;
let dir: { path: string; remove(): Promise<void> };

beforeAll(async () => {
  dir = await tempPersistDir();
  server = await startWranglerDev({ persistTo: dir.path });
});

afterAll(async () => {
  await server?.stop();
  await dir?.remove();
});

describe("actorflare/react against wrangler dev (jsdom)", () => {
  it("useActor holds a connection while mounted; useActorEvent delivers events; unmounting disposes it", async () => {
    // Untyped here: this test is type-checked with the DOM's types, apart from the Workers-typed server code.
    const client = createClient(server.url);
    const { useActor, useActorEvent } = createActorHooks(client);
    const room = `react-${crypto.randomUUID()}`;
    // Each component's own `send`: whichever rendered last would be a different sender from run to run.
    const sends: Record<string, (text: string) => Promise<unknown>> = {};

    function Room({ name }: { name: string }) {
      const { connection, state } = useActor({ name: "chat", key: room, params: { name } });
      const [lines, setLines] = useState<string[]>([]);
      useActorEvent(connection, "message", (message) => {
        const { from, text } = message as { from: string; text: string };
        setLines((previous) => [...previous, `${from}: ${text}`]);
      });
      if (connection) sends[name] = connection.send;
      return createElement("p", { id: `room-${name}` }, `${state}|${lines.join(",")}`);
    }

    const container = document.createElement("div");
    document.body.append(container);
    let root: Root;
    await act(async () => {
      root = createRoot(container as unknown as Parameters<typeof createRoot>[0]);
      root.render(createElement("div", null, createElement(Room, { name: "ada" }), createElement(Room, { name: "bob" })));
    });
    const text = (name: string) => container.querySelector(`#room-${name}`)?.textContent ?? "";

    await eventually(() => text("ada").startsWith("open|") && text("bob").startsWith("open|"), "both connections to open");
    expect(await client.chat.getOrCreate(room).presence()).toBe(2);

    const heard = (name: string) => text(name).includes(": warm-up");
    await untilEveryoneHears(
      (attempt) => sends.bob!(`warm-up ${attempt}`),
      () => heard("ada") && heard("bob"),
      "both subscriptions",
    );
    await act(async () => {
      await sends.bob!("hello from react");
    });
    await eventually(() => text("ada").endsWith("hello from react") && text("bob").endsWith("hello from react"), "the broadcast");
    expect(text("ada")).toMatch(/^open\|.*,bob: hello from react$/);

    await act(async () => root.unmount());
    // The hooks disposed both connections when the component unmounted.
    const presence = client.chat.getOrCreate(room);
    await waitFor(async () => (await presence.presence()) === 0, "the room to have no connection open");
    expect(await presence.presence()).toBe(0);
  });

  it("a render after the key changed never hands out the old key's connection", async () => {
    const client = createClient(server.url);
    const { useActor } = createActorHooks(client);
    const renders: Array<{ room: string; connection: unknown; state: string }> = [];
    const exposed: { setRoom?: (room: string) => void } = {};

    function Room() {
      const [room, setRoom] = useState(`react-a-${crypto.randomUUID()}`);
      exposed.setRoom = setRoom;
      const { connection, state } = useActor({ name: "chat", key: room, params: { name: "ada" } });
      renders.push({ room, connection, state });
      return createElement("p", { id: "room" }, `${room}|${state}`);
    }

    const container = document.createElement("div");
    document.body.append(container);
    let root: Root;
    await act(async () => {
      root = createRoot(container as unknown as Parameters<typeof createRoot>[0]);
      root.render(createElement(Room));
    });
    const text = () => container.querySelector("#room")?.textContent ?? "";
    await eventually(() => text().endsWith("|open"), "the first connection to open");
    const first = renders.at(-1)!;

    const next = `react-b-${crypto.randomUUID()}`;
    await act(async () => exposed.setRoom!(next));
    await eventually(() => text() === `${next}|open`, "the second connection to open");

    const afterSwitch = renders.filter((render) => render.room === next);
    // The first render for the new key comes before its effect connects: no connection yet.
    expect(afterSwitch[0]).toMatchObject({ connection: undefined, state: "connecting" });
    expect(afterSwitch.every((render) => render.connection !== first.connection)).toBe(true);
    await act(async () => root.unmount());
  });
});
