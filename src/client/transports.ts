import { createParser } from "eventsource-parser";
import type { Encoding } from "../protocol/encoding";
import { HEADER_ACTOR, HEADER_CONN, HEADER_CONN_TOKEN, HEADER_ENCODING } from "../protocol/headers";
import type { ToClient, ToServer } from "../protocol/messages";
import type { ClientTransport, TransportHandlers } from "./driver";
import { ActorError, errorFromResponse, isForeignNotFound } from "./errors";
import { byteLength, decodeSseData, decodeToClient, encodeForServer } from "./frames";
import { type HeartbeatOptions, type Liveness, watchLiveness } from "./liveness";
import { closedUnanswered } from "./protocol-request";
import { isWorkersRuntime } from "./websocket";

/** What a drop found by the heartbeat reports (liveness.ts): the socket died without a close. */
const HEARTBEAT_DROP = { code: 1006, reason: "heartbeat_timeout" };

/** A connection over a W3C WebSocket (opening or open). */
export function webSocketTransport(socket: WebSocket, encoding: Encoding, handlers: TransportHandlers, heartbeat: HeartbeatOptions = {}): ClientTransport {
  socket.binaryType = "arraybuffer";
  let liveness: Liveness | undefined;
  let reported = false;
  // Every ping gets its own pong, in order: a `flushed` waits for the pong of the ping it sent,
  // not for the next pong to come, which may answer a ping sent before the frames it waits on.
  let pingsSent = 0;
  let pongsHeard = 0;
  /** Those waiting for a `pong` (`flushed`), each with the count of pongs that includes its own. */
  const awaitingPong: Array<{ pongs: number; resolve: () => void }> = [];
  const ping = () => {
    if (sendPing(socket)) pingsSent++;
  };
  const pongCame = () => {
    pongsHeard++;
    while (awaitingPong[0] && awaitingPong[0].pongs <= pongsHeard) awaitingPong.shift()?.resolve();
  };
  // Once: a socket the heartbeat gave up on may still send its close event much later.
  const report = (reason: { code: number; reason: string }) => {
    if (reported) return;
    reported = true;
    liveness?.stop();
    for (const { resolve } of awaitingPong.splice(0)) resolve(); // nothing waits on a socket that ended
    handlers.onClose(reason);
  };
  // The runtime does not finish a close the actor starts (`conn.disconnect()`, a destroy) on a
  // hibernatable socket that has not received a frame yet: the client would see it only when the
  // actor leaves memory. One `ping`, answered by the runtime without waking the actor, avoids it.
  const opened = () => {
    ping();
    liveness = watchLiveness(heartbeat, ping, () => {
      report(HEARTBEAT_DROP);
      closeDead(socket);
    });
  };
  if (socket.readyState === OPEN) opened();
  else socket.addEventListener("open", opened);
  socket.addEventListener("message", (event) => {
    liveness?.heard(event.data === PONG);
    if (event.data === PONG) return pongCame();
    let message: ToClient;
    try {
      message = decodeToClient(encoding, event.data as string | ArrayBuffer);
    } catch {
      return socket.close(1011, "malformed_message");
    }
    // Outside the try: only a frame that does not decode is the server's fault.
    handlers.onMessage(message);
  });
  socket.addEventListener("close", (event) => report({ code: event.code, reason: event.reason }));
  // The close event that follows an error carries what matters. Listening here also keeps Node's
  // `ws` from turning an unheard error (a refused reconnect) into an uncaught exception.
  socket.addEventListener("error", () => {});
  return {
    send: (message) => {
      const data = encodeForServer(encoding, message);
      // Sent at once: nothing can have given up on it since it was handed over.
      handlers.onSending?.(message);
      try {
        socket.send(data);
      } catch {
        // A socket that closed meanwhile (Workers throws then); its close event reports the drop.
      }
      return byteLength(data);
    },
    close: () => {
      liveness?.stop();
      socket.close(1000, "client disposed");
      // On a dead network the close handshake never ends, and Node's `ws` would hold the process
      // for its 30 s close timeout: cut the socket if the handshake has not ended soon.
      const terminate = terminateOf(socket);
      if (terminate) (setTimeout(terminate, CLOSE_HANDSHAKE_MS) as { unref?: () => void }).unref?.();
    },
    probe: () => liveness?.probe(),
    // The runtime reads a socket's frames in order, hands each to the actor before reading the
    // next, and answers `ping` when it reads it: once this ping's pong is back, a request another
    // client makes reaches the actor after every frame sent here so far.
    flushed: () =>
      new Promise<void>((resolve) => {
        if (reported) return resolve();
        ping();
        awaitingPong.push({ pongs: pingsSent, resolve });
        if (pingsSent <= pongsHeard) awaitingPong.pop()?.resolve();
      }),
  };
}

/** How long a client's close handshake may take before `ws`'s socket is cut (browsers have no such call). */
const CLOSE_HANDSHAKE_MS = 2_000;

/** `ws`'s `terminate()`, which ends a socket at once; browsers and Workers have none. */
function terminateOf(socket: WebSocket): (() => void) | undefined {
  const terminate = (socket as { terminate?: unknown }).terminate;
  return typeof terminate === "function" ? () => terminate.call(socket) : undefined;
}

/** Ends a socket whose network is dead: at once where the runtime can, else by a close that may take a while. */
export function closeDead(socket: WebSocket): void {
  const terminate = terminateOf(socket);
  if (terminate) terminate();
  else socket.close(1000, "heartbeat timed out");
}

/** How long a socket given up in its handshake may take to open and be closed cleanly before it is cut. */
const ABANDONED_HANDSHAKE_MS = 2_000;

/**
 * Gives up a socket that is still in its handshake, which the server may already have accepted.
 * Closing it now would drop the TCP connection without a close frame, and something in between
 * (a dev server's proxy) may not pass that on: the server would keep a connection whose client
 * left, and browsers warn of a socket "closed before the connection is established". So it is
 * closed with `close` (a clean 1000) once it opens, and cut only if it has not opened soon.
 */
export function abandonOpening(socket: WebSocket, close: () => void): void {
  const cut = setTimeout(() => closeDead(socket), ABANDONED_HANDSHAKE_MS);
  (cut as { unref?: () => void }).unref?.();
  const settled = () => clearTimeout(cut);
  socket.addEventListener("open", () => {
    settled();
    close();
  });
  socket.addEventListener("close", settled);
}

/** WebSocket's OPEN, spelled out: Node 20 has no global WebSocket to read it from. */
const OPEN = 1;
const PING = "ping";
const PONG = "pong";

/** Sends a ping; false when the socket closed meanwhile (its close event reports the drop). */
function sendPing(socket: WebSocket): boolean {
  try {
    socket.send(PING);
    return true;
  } catch {
    return false;
  }
}

/** How long the stream of a connection the server called gone may take to end by itself. */
const GONE_STREAM_GRACE_MS = 5_000;

/** How long a stream that ended waits for its message POSTs in flight before cutting them. */
const POSTS_GRACE_MS = 5_000;

/** Answers to a message POST that say the connection itself is gone on the server. */
const CONNECTION_GONE: ReadonlySet<string> = new Set(["conn_not_found", "incorrect_conn_token", "actor_not_found"]);

/**
 * The stream's GET bypasses the HTTP cache. Every connection to actors of a name shares its URL
 * (the key travels in a header), and a browser joins a new request to the cache entry of one
 * still running at that URL: a stream opened while another closes reached the actor twice, and
 * one of the two connections was never read. Workers' fetch takes no `cache` field unless a
 * compatibility flag allows it, and has no cache to bypass.
 */
const NOT_FROM_CACHE: { cache?: "no-store" } = isWorkersRuntime() ? {} : { cache: "no-store" };

export interface SseOptions {
  /** A fetch that follows no redirect: the stream's GET carries the query and conn params. */
  fetch: typeof fetch;
  streamUrl: string;
  messageUrl: string;
  headers: Headers;
  encoding: Encoding;
  heartbeat?: HeartbeatOptions | undefined;
  /** How long one message POST may take, answer included (the client's actionTimeout); none when undefined. */
  postTimeout?: number | undefined;
}

/**
 * A connection over SSE: a streamed GET for server→client messages, a POST per client→server
 * message, authenticated by the ids and token of the init message.
 */
export function sseTransport(options: SseOptions, handlers: TransportHandlers): ClientTransport {
  const abort = new AbortController();
  // Message POSTs are cut when the network is dead (the heartbeat) or the client disposes the
  // connection; when the server ends the stream, their answers are awaited for a while.
  const cutPosts = new AbortController();
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let identity: { ai: string; ci: string; ct: string } | undefined;
  let closed = false;
  // Each message is its own POST, and requests in flight together can reach the actor in any
  // order: a subscription could land after the action whose event it was meant to catch. So
  // messages go one at a time; the server answers a POST once it has taken the message in (an
  // action's result comes later, on the stream), so this costs one round trip, not an action's run.
  let queue = Promise.resolve();
  // Set once a POST finds the connection gone: later messages are not sent, and the stream is
  // read to its end, which carries the answers of the actions still running (the server ends it
  // after them); if it does not end, it is dropped after a while.
  let gone: ReturnType<typeof setTimeout> | undefined;
  const finish = (reason?: { code: number; reason: string }) => {
    if (closed) return;
    closed = true;
    liveness.stop();
    clearTimeout(gone);
    abort.abort();
    // Cancelling the body tells the server the stream is gone, where an abort alone may not reach it.
    reader?.cancel().catch(() => {});
    // Reported once the POSTs in flight are answered: one the server refused did not run, and
    // its call should say so rather than fail as lost with the stream. One that stalls is cut
    // after a while, or it would hold the reconnect for ever.
    const grace = setTimeout(() => cutPosts.abort(), POSTS_GRACE_MS);
    void queue.then(() => {
      clearTimeout(grace);
      handlers.onClose(reason);
    });
  };
  const receive = (message: ReturnType<typeof decodeSseData>) => {
    if ("i" in message.b) identity = message.b.i;
    handlers.onMessage(message);
  };
  /** A refusal the server answered over HTTP, handed on as the error message it stands for (`ai`: the action it refused). */
  const receiveRefusal = (error: ActorError, ai?: number) => receive({ b: { e: { c: error.code, m: error.message, md: error.metadata, ai } } });

  // The server writes to the stream every `sseKeepAlive` ms: silence means the network is gone.
  const liveness = watchLiveness(
    options.heartbeat ?? {},
    () => {},
    () => {
      cutPosts.abort();
      finish(HEARTBEAT_DROP);
    },
  );

  void (async () => {
    try {
      const headers = new Headers(options.headers);
      headers.set("accept", "text/event-stream");
      const response = await options.fetch(options.streamUrl, { headers, signal: abort.signal, ...NOT_FROM_CACHE });
      const answered = response.ok && !response.redirected;
      if (!answered || !response.body || !response.headers.get("content-type")?.startsWith("text/event-stream")) {
        // A refusal of ours before the stream (a wrong endpoint's route_not_found, a redirect), or a
        // foreign 404 (nothing of ours there), says why; other answers are retried.
        const error = answered ? undefined : await errorFromResponse(response);
        if (error && (error.code !== "http_error" || isForeignNotFound(error))) receiveRefusal(error);
        return finish({ code: response.status, reason: `unexpected answer ${response.status}` });
      }
      const parser = createParser({
        onEvent: (event) => {
          // `event: error` carries only a code: the server could not say more in the encoding.
          if (event.event === "error") receive({ b: { e: { c: event.data, m: event.data } } });
          else receive(decodeSseData(options.encoding, event.data));
        },
      });
      reader = response.body.getReader();
      const decoder = new TextDecoder();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        liveness.heard(true);
        parser.feed(decoder.decode(chunk.value, { stream: true }));
      }
      finish();
    } catch {
      finish();
    }
  })();

  const post = async (message: ToServer, body: string | Uint8Array<ArrayBuffer>) => {
    if (!identity || closed || gone) return handlers.onUnsent?.(message);
    if (handlers.onSending?.(message) === false) return;
    const headers = new Headers({
      [HEADER_ACTOR]: identity.ai,
      [HEADER_CONN]: identity.ci,
      [HEADER_CONN_TOKEN]: identity.ct,
      [HEADER_ENCODING]: options.encoding,
    });
    // Each POST has a deadline (the client's actionTimeout): one that stalls would hold every
    // message after it, since they go one at a time.
    const cut = new AbortController();
    const cutThis = () => cut.abort();
    cutPosts.signal.addEventListener("abort", cutThis);
    let stalled = false;
    const deadline =
      options.postTimeout === undefined
        ? undefined
        : setTimeout(() => {
            stalled = true;
            cut.abort();
          }, options.postTimeout);
    try {
      const response = await options.fetch(options.messageUrl, { method: "POST", headers, body, signal: cut.signal });
      // Read to its end (it is `{}`): cancelling it cuts the socket while the server still writes.
      if (response.ok && !response.redirected) return void (await response.arrayBuffer());
      const error = await errorFromResponse(response);
      // The connection is gone (the actor is closing it, say): the message did not run, and goes
      // out again on the next connection.
      if (CONNECTION_GONE.has(error.code)) {
        handlers.onUnsent?.(message);
        gone ??= setTimeout(() => finish({ code: response.status, reason: "message refused" }), GONE_STREAM_GRACE_MS);
        return;
      }
      // A message refused alone (over the size limit, malformed) did not run: its action fails
      // with the server's reason, and the connection goes on.
      if (error.code !== "http_error") receiveRefusal(error, "ar" in message.b ? message.b.ar.i : undefined);
      else
        lostPost(message, `was answered ${response.status} by something other than the Worker (a proxy in front of it)`, {
          code: response.status,
          reason: "message refused",
        });
    } catch (error) {
      // A connection closed before any answer (a kept-alive one the server dropped, say) may have
      // carried the message; anything else (refused, no network) ends the connection as before.
      if (closed) return;
      if (stalled) lostPost(message, `got no answer within ${options.postTimeout} ms (the client's actionTimeout), so it was cut`);
      else if (closedUnanswered(error)) lostPost(message, `lost its connection before any answer (${(error as Error & { cause: Error }).cause.message})`);
      else finish();
    } finally {
      clearTimeout(deadline);
      cutPosts.signal.removeEventListener("abort", cutThis);
    }
  };

  /**
   * A POST whose connection closed unanswered, or that something in front of the Worker answered
   * (a proxy's 503): the stream may be fine, so an action fails alone, as possibly run; a
   * subscription change, which the connection cannot do without, ends it (the next one
   * subscribes again).
   */
  const lostPost = (message: ToServer, what: string, reason?: { code: number; reason: string }) => {
    if (!("ar" in message.b)) return finish(reason);
    const lost = new ActorError(
      "connection_lost",
      `The POST that carried action '${message.b.ar.n}' ${what}: it may or may not have run. The connection stays open.`,
    );
    receiveRefusal(lost, message.b.ar.i);
  };

  return {
    send: (message) => {
      // Encoded here, so that a message the encoding cannot carry throws to its sender and the
      // stream goes on.
      const body = encodeForServer(options.encoding, message);
      queue = queue.then(() => post(message, body));
      return byteLength(body);
    },
    close: () => {
      cutPosts.abort();
      finish({ code: 1000, reason: "client disposed" });
    },
    probe: () => liveness.probe(),
    flushed: () => queue,
  };
}
