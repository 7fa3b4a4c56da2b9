// The chat panel's connections through RivetKit's own client (npm `rivetkit`), for the page's
// `?client=rivetkit`. Bundled on its own into examples/demo/public/rivetkit.js (see build.mjs),
// which main.ts loads only then, so the default page carries actorflare's client alone.
import { createClient } from "rivetkit/client";
import type { ChatMessage } from "../actors/chat";
import type { JoinChat } from "./chat";

/** Joins chat rooms with RivetKit's client; its endpoint is the Worker's origin followed by `/registry`. */
export function rivetkitChat(origin: string): JoinChat {
  // On a page served from localhost or 127.0.0.1, RivetKit's client would load its inspector's
  // script from `{endpoint}/devtools/mod.js`, which actorflare does not serve.
  const client = createClient({ endpoint: `${origin}/registry`, devtools: false });
  return (room, name) => {
    // Untyped (RivetKit types a client by its own registry type, which actorflare's is not), so
    // each action's answer is typed below.
    const conn = client.chat.getOrCreate(room, { params: { name } }).connect();
    return {
      on: (event, listener) => conn.on(event, listener),
      onError: (listener) => conn.onError(listener),
      onLink: (listener) =>
        conn.onStatusChange((status) => {
          if (status === "disconnected") listener(false);
          if (status === "connected") listener(true);
        }),
      history: () => conn.action<[], ChatMessage[]>({ name: "history", args: [] }),
      presence: () => conn.action<[], number>({ name: "presence", args: [] }),
      // RivetKit's `conn.send()` puts a message on a queue, so the `send` action goes by name.
      send: (text) => conn.action({ name: "send", args: [text] }),
      dispose: () => conn.dispose(),
    };
  };
}
