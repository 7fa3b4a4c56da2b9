import type { ChatMessage } from "../actors/chat";
import { appendTo, byId, el, errorText, queryParam, setDisabled, setQuery, type Control } from "./dom";

/** A connection to the `chat` actor of a room, as the panel uses it; actorflare's client and RivetKit's each give one. */
export interface ChatRoom {
  /** Events arrive as the actor broadcast them, unchecked. */
  on(event: "message" | "presence", listener: (...args: unknown[]) => void): unknown;
  onError(listener: (error: unknown) => void): unknown;
  /** `false` when the connection dropped and is retrying, `true` when it is open again. */
  onLink(listener: (up: boolean) => void): unknown;
  history(): Promise<ChatMessage[]>;
  presence(): Promise<number>;
  send(text: string): Promise<unknown>;
  dispose(): Promise<void>;
}

/** Opens a connection to a room's `chat` actor as `name` (its conn params). */
export type JoinChat = (room: string, name: string) => ChatRoom;

/** The chat panel: one connection to the `chat` actor of a room, for actions and events. */
export function chatPanel(joinRoom: JoinChat): void {
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

  let room: ChatRoom | undefined;

  const show = (message: ChatMessage) => {
    const time = el("time", new Date(message.at).toLocaleTimeString());
    time.setAttribute("datetime", new Date(message.at).toISOString());
    appendTo(messages, el("li", el("strong", message.from), " ", time, " ", message.text));
  };

  async function join(roomName: string, name: string): Promise<void> {
    await leave();
    status.textContent = `Joining “${roomName}”…`;
    messages.replaceChildren();

    const conn = joinRoom(roomName, name);
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
    // While the connection is down, messages sent by others are missed: once it is back, the
    // log is shown again from the history.
    let dropped = false;
    conn.onError((error) => {
      // Failed attempts while reconnecting are expected: the status already says so.
      if (room === conn && !dropped) status.textContent = `Connection problem: ${errorText(error)}`;
    });
    conn.onLink((up) => {
      if (room !== conn) return;
      if (!up) {
        dropped = true;
        status.textContent = `Connection lost; reconnecting to “${roomName}”…`;
        return;
      }
      if (!dropped) return;
      dropped = false;
      void Promise.all([conn.history(), conn.presence()]).then(([past, online]) => {
        if (room !== conn) return;
        messages.replaceChildren();
        past.forEach(show);
        presence.textContent = String(online);
        status.textContent = `Back in room “${roomName}” as ${name}.`;
      });
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
