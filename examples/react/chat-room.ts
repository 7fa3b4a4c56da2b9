// A chat room as a React component, with actorflare/react's hooks (plain createElement, no JSX build needed).
import { createElement, useState } from "react";
import { createClient } from "../../src/client/index";
import { createActorHooks } from "../../src/react/index";
import type { DemoRegistry } from "../demo/actors/index";

const client = createClient<DemoRegistry>("http://127.0.0.1:8787");
const { useActor, useActorEvent } = createActorHooks(client);

export function ChatRoom({ room, name }: { room: string; name: string }) {
  // One connection while mounted; disposed on unmount or when room or name change.
  const { connection, state } = useActor({ name: "chat", key: room, params: { name } });
  const [lines, setLines] = useState<string[]>([]);
  useActorEvent(connection, "message", (message) => {
    const { from, text } = message as { from: string; text: string };
    setLines((previous) => [...previous, `${from}: ${text}`]);
  });
  const send = () => connection?.send(`hello from ${name}`);
  return createElement(
    "section",
    null,
    createElement("p", null, `Connection: ${state}`),
    createElement("button", { type: "button", onClick: send, disabled: state !== "open" }, "Say hello"),
    createElement("ul", null, ...lines.map((line, i) => createElement("li", { key: i }, line))),
  );
}
