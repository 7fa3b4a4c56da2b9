import WebSocket from "ws";

/**
 * The Worker's V8 isolate through wrangler's DevTools inspector (Chrome DevTools Protocol over
 * a WebSocket), for memory measurements: a full garbage collection, then the JS heap in use.
 *
 * - wrangler's inspector serves one client at a time, and relays what it sends itself (a
 *   keep-alive every 10 s), so replies to ids this client did not use are ignored.
 * - workerd runs the collection the inspector asks for as a task of the isolate, and runs
 *   that task only when the isolate has something to do: `collectGarbage` therefore sends
 *   requests (`wake`) until the reply comes.
 * - An attached inspector keeps the last 1,000 console messages and uncaught exceptions with
 *   their objects (V8's console message storage). wrangler attaches one whenever it runs, so
 *   that much is retained under `wrangler dev` anyway; it is bounded.
 */
export interface Inspector {
  /** A full collection (V8 collects until nothing more is freed), then returns. */
  collectGarbage(wake: () => Promise<void>): Promise<void>;
  /** The isolate's JS heap: bytes in use and bytes reserved. */
  heapUsage(): Promise<{ usedSize: number; totalSize: number }>;
  close(): void;
}

const REPLY_TIMEOUT_MS = 30_000;

export async function connectInspector(inspectorPort: number): Promise<Inspector> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { webSocketDebuggerUrl: string }[];
  if (targets.length === 0) throw new Error(`wrangler's inspector on port ${inspectorPort} lists no Worker`);
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });

  // Ids far above wrangler's own, so its relayed replies never match one of ours.
  let nextId = 1_000_000;
  const pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  socket.on("message", (data) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id!);
    if (message.error) waiter.reject(new Error(`inspector: ${message.error.message}`));
    else waiter.resolve(message.result);
  });
  socket.on("close", () => {
    for (const waiter of pending.values()) waiter.reject(new Error("the inspector connection closed"));
    pending.clear();
  });

  const send = <T>(method: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      socket.send(JSON.stringify({ id, method, params: {} }));
    });

  return {
    async collectGarbage(wake) {
      // Set from the reply's callbacks, so an object: TypeScript does not narrow its field.
      const reply: { outcome: "pending" | "done" | Error } = { outcome: "pending" };
      send("HeapProfiler.collectGarbage").then(
        () => (reply.outcome = "done"),
        (error: Error) => (reply.outcome = error),
      );
      const deadline = Date.now() + REPLY_TIMEOUT_MS;
      while (reply.outcome === "pending") {
        if (Date.now() > deadline) throw new Error(`no garbage collection within ${REPLY_TIMEOUT_MS} ms`);
        await wake();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (reply.outcome instanceof Error) throw reply.outcome;
    },
    heapUsage: () => send("Runtime.getHeapUsage"),
    close: () => socket.close(),
  };
}
