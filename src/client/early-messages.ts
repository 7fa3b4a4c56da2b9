type MessageListener = EventListenerOrEventListenerObject;

/**
 * Keeps the messages that arrive between `open` and the caller's first `message` listener.
 * `websocket()` resolves once the socket is open, so a message the actor sends at once (a
 * welcome) could otherwise fire before the caller had a chance to listen, e.g. while awaiting
 * several sockets with Promise.all. Held messages go, in order, to the listeners added first.
 */
export function holdEarlyMessages(socket: WebSocket): void {
  const held: MessageEvent[] = [];
  const hold = (event: MessageEvent) => held.push(event);
  socket.addEventListener("message", hold);

  const add = socket.addEventListener.bind(socket) as (type: string, listener: MessageListener, options?: unknown) => void;
  const firstListeners: MessageListener[] = [];
  socket.addEventListener = ((type: string, listener: MessageListener, options?: unknown) => {
    add(type, listener, options);
    if (type !== "message" || !listener) return;
    firstListeners.push(listener);
    if (firstListeners.length > 1) return;
    // Replay before any later frame: frames are tasks, this is a microtask.
    queueMicrotask(() => {
      socket.removeEventListener("message", hold);
      for (const event of held.splice(0)) {
        for (const target of firstListeners) {
          if (typeof target === "function") target.call(socket, event);
          else target.handleEvent(event);
        }
      }
    });
  }) as WebSocket["addEventListener"];
}
