// The demo page's entry point, bundled into examples/demo/public/app.js (see build.mjs).
import { createClient } from "../../../src/client/index";
import type { DemoRegistry } from "../actors/index";
import { chatPanel, type JoinChat } from "./chat";
import { byId, origin, queryParam } from "./dom";
import { rawHttpPanel } from "./raw-http";
import { rawWebSocketPanel } from "./raw-websocket";

// The Worker that serves this page also serves the actors, so the endpoint is the page's origin.
const client = createClient<DemoRegistry>(origin);

// The chat's connection to a room: actions and events over one WebSocket, reconnecting by itself.
const joinChat: JoinChat = (room, name) => {
  const conn = client.chat.getOrCreate(room, { params: { name } }).connect();
  return {
    on: (event, listener) => conn.on(event, listener),
    onError: (listener) => conn.onError(listener),
    onLink: (listener) =>
      conn.onStatusChange((status) => {
        if (status === "reconnecting") listener(false);
        if (status === "open") listener(true);
      }),
    history: () => conn.history(),
    presence: () => conn.presence(),
    send: (text) => conn.send(text),
    dispose: () => conn.dispose(),
  };
};

// `?client=rivetkit` runs the chat on RivetKit's own client instead, from a bundle of its own
// (rivetkit.ts, built into public/rivetkit.js) that only this fetches.
async function chatClient(): Promise<JoinChat> {
  if (queryParam("client") !== "rivetkit") return joinChat;
  const { rivetkitChat }: typeof import("./rivetkit") = await import(new URL("./rivetkit.js", import.meta.url).href);
  byId("chat-client").textContent = "This panel runs on RivetKit's client (rivetkit/client).";
  return rivetkitChat(origin);
}

chatPanel(await chatClient());
rawWebSocketPanel(client);
rawHttpPanel(client);

// For the browser console: `actorflare.client.counter.getOrCreate("a").increment(1)`.
Object.assign(globalThis, { actorflare: { client, createClient } });
