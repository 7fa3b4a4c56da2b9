// The demo page's entry point, bundled into examples/demo/public/app.js (see build.mjs).
import { createClient } from "../../../src/client/index";
import type { registry } from "../registry";
import { chatPanel } from "./chat";
import { origin } from "./dom";
import { rawHttpPanel } from "./raw-http";
import { rawWebSocketPanel } from "./raw-websocket";

// The Worker that serves this page also serves the actors, so the endpoint is the page's origin.
const client = createClient<typeof registry>(origin);

chatPanel(client);
rawWebSocketPanel(client);
rawHttpPanel(client);

// For the browser console: `actorflare.client.counter.getOrCreate("a").increment(1)`.
Object.assign(globalThis, { actorflare: { client, createClient } });
