// The chat panel's connections through RivetKit's own client (npm `rivetkit`), for the page's
// `?client=rivetkit`. Bundled on its own into examples/demo/public/rivetkit.js (see build.mjs),
// which main.ts loads only then, so the default page carries actorflare's client alone.
import { createClient } from "rivetkit/client";
import type { ChatMessage } from "../actors/chat";
import type { JoinChat } from "./chat";

/**
 * RivetKit's client sends the body of every call over HTTP as a stream, and Chromium uploads a
 * streamed body only over HTTP/2 or later: against `wrangler dev`, which speaks HTTP/1.1, each
 * such call fails with "Failed to fetch" (connections are not affected). Reading the stream
 * first makes it a plain body. A deployed Worker is reached over HTTP/2 and needs none of this.
 */
export function bufferStreamedUploads(): void {
  const send = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    if (!(init?.body instanceof ReadableStream)) return send(input, init);
    const { duplex: _streamed, ...plain } = init as RequestInit & { duplex?: "half" };
    return send(input, { ...plain, body: await new Response(init.body).arrayBuffer() });
  };
}

/** Joins chat rooms with RivetKit's client; its endpoint is the Worker's origin followed by `/registry`. */
export function rivetkitChat(origin: string): JoinChat {
  bufferStreamedUploads();
  // On a page served from localhost or 127.0.0.1, RivetKit's client would load its inspector's
  // script from `{endpoint}/devtools/mod.js`, which actorflare does not serve.
  const client = createClient({ endpoint: `${origin}/registry`, devtools: false });
  return (room, name) => {
    // Untyped (RivetKit types a client by its own registry type, which actorflare's is not), so
    // each action's answer is typed below.
    const handle = client.chat.getOrCreate(room, { params: { name } });
    const conn = handle.connect();
    return {
      on: (event, listener) => conn.on(event, listener),
      onError: (listener) => conn.onError(listener),
      onLink: (listener) =>
        conn.onStatusChange((status) => {
          if (status === "disconnected") listener(false);
          if (status === "connected") listener(true);
        }),
      // Over HTTP rather than the connection, so that the page uses both of RivetKit's ways to call.
      history: () => handle.action<[], ChatMessage[]>({ name: "history", args: [] }),
      presence: () => conn.action<[], number>({ name: "presence", args: [] }),
      // RivetKit's `conn.send()` puts a message on a queue, so the `send` action goes by name.
      send: (text) => conn.action({ name: "send", args: [text] }),
      dispose: () => conn.dispose(),
    };
  };
}
