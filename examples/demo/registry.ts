import { setup } from "../../src/index";
import { chat } from "./actors/chat";
import { counter } from "./actors/counter";
import { httpActor } from "./actors/http-actor";
import { todoList } from "./actors/todo-list";
import { websocketActor } from "./actors/websocket-actor";

// The samples of RivetKit's "Fetch and WebSocket Handler" docs page call the HTTP actor `myActor`;
// it is also registered as `httpActor`.
export const registry = setup({ use: { myActor: httpActor, httpActor, counter, websocketActor, chat, todoList } });
