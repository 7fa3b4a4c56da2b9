/**
 * Calls `callback` each time a browser says its network is back (the window's `online` event),
 * so that a connection waiting out a reconnect backoff of up to 30 s tries at once instead.
 * Elsewhere (Node, Workers) nothing says so, and this does nothing. Returns a function that
 * stops listening.
 */
export function onNetworkBack(callback: () => void): () => void {
  const target = (globalThis as { window?: Partial<EventTarget> }).window;
  if (typeof target?.addEventListener !== "function" || typeof target.removeEventListener !== "function") return () => {};
  target.addEventListener("online", callback);
  return () => target.removeEventListener?.("online", callback);
}
