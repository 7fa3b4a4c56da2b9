import { env } from "cloudflare:workers";
import { setup } from "../../src/index";
import { chat } from "./actors/chat";
import { counter } from "./actors/counter";
import { httpActor } from "./actors/http-actor";
import { reminders } from "./actors/reminders";
import { todoList } from "./actors/todo-list";
import { websocketActor } from "./actors/websocket-actor";

// The inspector (/registry/inspector) is on when a token is set: a deployed Worker takes it from
// the secret INSPECTOR_TOKEN (`wrangler secret put INSPECTOR_TOKEN`); `npm run dev` falls back to
// wrangler.toml's DEV_INSPECTOR_TOKEN, which is public and for local development only.
const { INSPECTOR_TOKEN, DEV_INSPECTOR_TOKEN } = env as { INSPECTOR_TOKEN?: string; DEV_INSPECTOR_TOKEN?: string };
const inspectorToken = INSPECTOR_TOKEN ?? DEV_INSPECTOR_TOKEN;

// The samples of RivetKit's "Fetch and WebSocket Handler" docs page call the HTTP actor `myActor`;
// it is also registered as `httpActor`.
export const registry = setup({
  use: { myActor: httpActor, httpActor, counter, websocketActor, chat, todoList, reminders },
  inspector: inspectorToken ? { token: inspectorToken } : undefined,
});
