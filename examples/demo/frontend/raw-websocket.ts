import type { ActorWebSocket, Client } from "../../../src/client/index";
import type { DemoRegistry } from "../actors/index";
import { appendTo, byId, el, errorText, setDisabled, type Control } from "./dom";

interface Welcome {
  type: "welcome";
  connectionCount: number;
  messageCount: number;
}

/** The raw WebSocket panel: a W3C-style WebSocket to the `websocketActor`'s onWebSocket. */
export function rawWebSocketPanel(client: Client<DemoRegistry>): void {
  const connectForm = byId("ws-connect-form");
  const keyInput = byId<Control>("ws-key");
  const connectButton = byId<Control>("ws-connect");
  const disconnectButton = byId<Control>("ws-disconnect");
  const sendForm = byId("ws-send-form");
  const textInput = byId<Control>("ws-text");
  const sendButton = byId<Control>("ws-send");
  const status = byId("ws-status");
  const count = byId("ws-count");
  const log = byId("ws-log");

  let socket: ActorWebSocket | undefined;
  const note = (text: string) => appendTo(log, el("li", text));

  async function open(key: string): Promise<void> {
    socket?.close();
    setDisabled(true, connectButton);
    status.textContent = "Connecting…";
    let ws: ActorWebSocket;
    try {
      // Resolves once the socket is open; the actor's welcome is held until we listen.
      ws = await client.websocketActor.getOrCreate(key).websocket("/");
    } catch (error) {
      status.textContent = `Could not connect: ${errorText(error)}`;
      setDisabled(false, connectButton);
      return;
    }
    socket = ws;
    // The actor counts every message in its state and echoes it; the welcome carries the count so far.
    let counted: number | undefined;
    ws.addEventListener("message", (event) => {
      const data = typeof event.data === "string" ? event.data : `(${event.data.byteLength} bytes)`;
      if (counted === undefined) {
        const welcome = JSON.parse(data) as Welcome;
        counted = welcome.messageCount;
        note(`welcome: ${welcome.connectionCount} open socket(s), ${welcome.messageCount} message(s) so far`);
      } else {
        counted++;
        note(`echo: ${data}`);
      }
      count.textContent = String(counted);
    });
    ws.addEventListener("close", (event) => {
      if (socket !== ws) return;
      socket = undefined;
      status.textContent = `Closed (code ${event.code}).`;
      setDisabled(true, textInput, sendButton, disconnectButton);
      setDisabled(false, connectButton);
    });
    status.textContent = `Connected to websocketActor “${key}”.`;
    setDisabled(false, textInput, sendButton, disconnectButton, connectButton);
    textInput.focus();
  }

  connectForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = keyInput.value.trim();
    if (key) void open(key);
  });

  disconnectButton.addEventListener("click", () => socket?.close(1000, "bye"));

  sendForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = textInput.value;
    if (!socket || !text) return;
    socket.send(text);
    note(`sent: ${text}`);
    textInput.value = "";
  });
}
