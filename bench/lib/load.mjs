// Closed-loop load generators: each worker sends one operation, waits for its answer, repeats.
// Closed loops never queue work the server has not answered, so when a run ends there is
// nothing in flight, and the CPU read after it belongs exactly to the operations counted.
import http from "node:http";
import WebSocket from "ws";

/**
 * Runs `ops` (one async function per concurrent worker) until `durationMs` has passed. An
 * operation started before the deadline is awaited and counted; a thrown or wrong answer is
 * counted as an error, not as an operation.
 */
export async function closedLoop(ops, durationMs) {
  const latencies = [];
  let errors = 0;
  let firstError;
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    ops.map(async (op) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await op();
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          firstError ??= error;
        }
      }
    }),
  );
  return { latencies, errors, firstError, elapsedMs: performance.now() - start };
}

/** An HTTP client over keep-alive sockets, one per concurrent worker, as a browser or proxy would hold. */
export function httpClient(concurrency) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  /** Sends one request; resolves with the body once the status was checked. */
  const request = (url, { method = "GET", headers = {}, body } = {}) =>
    new Promise((resolve, reject) => {
      const req = http.request(url, { method, headers, agent }, (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks);
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${text.toString().slice(0, 200)}`));
          else resolve(text);
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  return { request, close: () => agent.destroy() };
}

/**
 * Opens a WebSocket and waits for the server's welcome message. `roundTrip(message)` sends
 * one text message and resolves with the next message received (the echo).
 */
export function openEchoSocket(url, protocols = []) {
  return new Promise((resolve, reject) => {
    // No permessage-deflate: compressing tiny frames would add the same CPU to both systems
    // and only blur the difference between them.
    const ws = new WebSocket(url, protocols, { perMessageDeflate: false });
    let waiting = (welcome) => resolve({ welcome: welcome.toString(), roundTrip, close });
    let failed = reject;
    ws.on("message", (data) => {
      const settle = waiting;
      waiting = undefined;
      settle?.(data);
    });
    ws.on("error", (error) => failed?.(error));
    ws.on("close", (code, reason) => failed?.(new Error(`socket closed: ${code} ${reason}`)));

    function roundTrip(message) {
      return new Promise((resolveEcho, rejectEcho) => {
        waiting = (data) => {
          failed = undefined;
          const text = data.toString();
          if (text === message) resolveEcho();
          else rejectEcho(new Error(`echo mismatch: ${text.slice(0, 100)}`));
        };
        failed = rejectEcho;
        ws.send(message);
      });
    }

    function close() {
      failed = undefined;
      return new Promise((done) => {
        if (ws.readyState === WebSocket.CLOSED) return done();
        ws.once("close", () => done());
        ws.close(1000, "bench done");
        // A server that never answers the close must not hang the run.
        setTimeout(() => {
          ws.terminate();
          done();
        }, 1000).unref();
      });
    }
  });
}

/**
 * Opens a connection that speaks the actions protocol's JSON frames (docs/protocol.md §5.3, §6): the
 * server's first frame is the init `{"b":{"i":…}}`; `call(name, args)` sends
 * `{"b":{"ar":{"i","n","a"}}}` and resolves with the `o` of the matching `{"b":{"ar":{"i","o"}}}`.
 * Calls may overlap; anything else the server sends fails the calls waiting.
 */
export function openActionSocket(url, protocols = []) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { perMessageDeflate: false });
    const pending = new Map();
    let nextId = 1;
    let opened = false;
    const failAll = (error) => {
      if (!opened) reject(error);
      for (const { reject: fail } of pending.values()) fail(error);
      pending.clear();
    };
    ws.on("message", (data) => {
      const text = data.toString();
      if (!opened) {
        opened = true;
        if (text.includes('"i"')) resolve({ call, close });
        else reject(new Error(`expected an init frame, got: ${text.slice(0, 100)}`));
        return;
      }
      const reply = JSON.parse(text).b?.ar;
      const waiter = reply && pending.get(reply.i);
      if (!waiter) return failAll(new Error(`unexpected frame: ${text.slice(0, 100)}`));
      pending.delete(reply.i);
      waiter.resolve(reply.o);
    });
    ws.on("error", failAll);
    ws.on("close", (code, reason) => failAll(new Error(`socket closed: ${code} ${reason}`)));

    function call(name, args) {
      return new Promise((resolveCall, rejectCall) => {
        const id = nextId++;
        pending.set(id, { resolve: resolveCall, reject: rejectCall });
        ws.send(JSON.stringify({ b: { ar: { i: id, n: name, a: args } } }));
      });
    }

    function close() {
      return new Promise((done) => {
        ws.removeAllListeners("close");
        if (ws.readyState === WebSocket.CLOSED) return done();
        ws.once("close", () => done());
        ws.close(1000, "bench done");
        setTimeout(() => {
          ws.terminate();
          done();
        }, 1000).unref();
      });
    }
  });
}

/** Latency percentile (nearest rank) of an unsorted array, in the array's unit. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
