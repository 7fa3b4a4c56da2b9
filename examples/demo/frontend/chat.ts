import type { Client } from "../../../src/client/index";
import type { ChatMessage } from "../actors/chat";
import type { registry } from "../registry";
import { appendTo, byId, el, errorText, queryParam, setDisabled, setQuery, type Control } from "./dom";

/** The chat panel: one connection to the `chat` actor of a room, for actions and events. */
export function chatPanel(client: Client<typeof registry>): void {
  const joinForm = byId("chat-join-form");
  const roomInput = byId<Control>("chat-room");
  const nameInput = byId<Control>("chat-name");
  const leaveButton = byId<Control>("chat-leave");
  const sendForm = byId("chat-send-form");
  const textInput = byId<Control>("chat-text");
  const sendButton = byId<Control>("chat-send");
  const status = byId("chat-status");
  const presence = byId("chat-presence");
  const messages = byId("chat-messages");

  type Room = ReturnType<ReturnType<typeof client.chat.getOrCreate>["connect"]>;
  let room: Room | undefined;

  const show = (message: ChatMessage) => {
    const time = el("time", new Date(message.at).toLocaleTimeString());
    time.setAttribute("datetime", new Date(message.at).toISOString());
    appendTo(messages, el("li", el("strong", message.from), " ", time, " ", message.text));
  };

  async function join(roomName: string, name: string): Promise<void> {
    await leave();
    status.textContent = `Joining “${roomName}”…`;
    messages.replaceChildren();

    // A connection: actions and events over one WebSocket, reconnecting by itself.
    const conn = client.chat.getOrCreate(roomName, { params: { name } }).connect();
    room = conn;

    // Messages that arrive before the history are held, then shown unless the history had them.
    let shown: Set<string> | undefined;
    const held: ChatMessage[] = [];
    const idOf = (m: ChatMessage) => `${m.at}|${m.from}|${m.text}`;
    conn.on("message", (message) => {
      if (shown) show(message as ChatMessage);
      else held.push(message as ChatMessage);
    });
    conn.on("presence", (count) => {
      presence.textContent = String(count);
    });
    conn.onError((error) => {
      if (room === conn) status.textContent = `Connection problem: ${errorText(error)}`;
    });

    try {
      const past = await conn.history();
      const online = await conn.presence();
      if (room !== conn) return;
      past.forEach(show);
      shown = new Set(past.map(idOf));
      for (const message of held) if (!shown.has(idOf(message))) show(message);
      presence.textContent = String(online);
      status.textContent = `In room “${roomName}” as ${name}. ${past.length} earlier message${past.length === 1 ? "" : "s"}.`;
      setQuery({ room: roomName, name });
      setDisabled(false, textInput, sendButton, leaveButton);
      textInput.focus();
    } catch (error) {
      if (room === conn) status.textContent = `Could not join: ${errorText(error)}`;
    }
  }

  async function leave(): Promise<void> {
    const conn = room;
    room = undefined;
    setDisabled(true, textInput, sendButton, leaveButton);
    presence.textContent = "–";
    if (!conn) return;
    await conn.dispose();
    status.textContent = "Not in a room.";
  }

  joinForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const roomName = roomInput.value.trim();
    const name = nameInput.value.trim();
    if (roomName && name) void join(roomName, name);
  });

  leaveButton.addEventListener("click", () => void leave());

  sendForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = textInput.value.trim();
    if (!room || !text) return;
    room.send(text).then(
      () => {
        textInput.value = "";
      },
      (error) => {
        status.textContent = `Not sent: ${errorText(error)}`;
      },
    );
  });

  // `?room=…&name=…` (set on join): a reload rejoins the room, and its history comes back.
  const [roomName, name] = [queryParam("room"), queryParam("name")];
  if (roomName) roomInput.value = roomName;
  if (name) nameInput.value = name;
  if (roomName && name) void join(roomName, name);
}
