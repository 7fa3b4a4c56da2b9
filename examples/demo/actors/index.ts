import type { Registry } from "../../../src/index";
import { chat } from "./chat";
import { counter } from "./counter";
import { httpActor } from "./http-actor";
import { reminders } from "./reminders";
import { todoList } from "./todo-list";
import { websocketActor } from "./websocket-actor";

// The samples of RivetKit's "Fetch and WebSocket Handler" docs page call the HTTP actor `myActor`;
// it is also registered as `httpActor`.
export const actors = { myActor: httpActor, httpActor, counter, websocketActor, chat, todoList, reminders };

// The registry's type, for clients: `createClient<DemoRegistry>(url)`. Nothing this module imports
// names a Workers module or type, so browser and Node code takes it without the Workers types;
// registry.ts, which reads the Worker's env, would bring `cloudflare:workers` along.
export type DemoRegistry = Registry<typeof actors>;
