/**
 * A connection whose network dies without a close (a laptop that sleeps, a dropped Wi-Fi, a
 * proxy that stops forwarding) reports nothing: the socket stays open and calls only time out.
 * So each transport watches for silence. After `interval` ms without hearing anything it asks
 * (a WebSocket sends `ping`, which the runtime answers without waking the actor; an SSE stream
 * needs no asking, the server writes to it every `sseKeepAlive` ms), and when `timeout` more ms
 * pass without a word, the transport counts as dead: it reports a drop and the connection reconnects.
 */
export interface HeartbeatOptions {
  /** Silence (ms) after which a connection is checked; default 15 s. */
  interval?: number | undefined;
  /** How long (ms) the check may go unanswered before the connection counts as dead; default 10 s. */
  timeout?: number | undefined;
}

export const DEFAULT_HEARTBEAT = { interval: 15_000, timeout: 10_000 } as const;

/** A timer this late means the process was stalled (a long task, a suspended tab), not the network. */
const STALL_MS = 1_000;

export interface Liveness {
  /**
   * Something arrived. Whether it `answers` the check: over WebSocket only the `pong` does, since
   * events still flowing in say nothing of whether what the client sends gets out.
   */
  heard(answers: boolean): void;
  /** Checks now rather than after the interval (a call went unanswered). */
  probe(): void;
  stop(): void;
}

/**
 * Calls `ask` after `interval` ms of silence and `dead` (once) if `timeout` more pass unheard.
 * `heard()` only notes the time, since it runs on every message; the one timer reads it.
 */
export function watchLiveness(options: HeartbeatOptions, ask: () => void, dead: () => void): Liveness {
  const interval = options.interval ?? DEFAULT_HEARTBEAT.interval;
  const timeout = options.timeout ?? DEFAULT_HEARTBEAT.timeout;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let lastHeard = Date.now();
  /** When the pending check was asked, and whether anything came since. */
  let askedAt: number | undefined;
  let heardSinceAsk = false;
  let dueAt = 0;
  const schedule = (ms: number) => {
    clearTimeout(timer);
    dueAt = Date.now() + ms;
    timer = setTimeout(tick, Math.max(ms, 1));
  };
  const askNow = () => {
    askedAt = Date.now();
    heardSinceAsk = false;
    ask();
    schedule(timeout);
  };
  const tick = () => {
    if (stopped) return;
    const now = Date.now();
    // Late by more than a moment, this process was stalled: what arrived meanwhile is still
    // unread (timers run before I/O), so look again once it has been.
    if (now - dueAt > STALL_MS) return schedule(0);
    if (askedAt !== undefined && !heardSinceAsk) {
      if (now - askedAt < timeout) return schedule(askedAt + timeout - now);
      stopped = true;
      return dead();
    }
    askedAt = undefined;
    const silent = now - lastHeard;
    if (silent < interval) return schedule(interval - silent);
    askNow();
  };
  schedule(interval);
  return {
    heard: (answers) => {
      lastHeard = Date.now();
      if (answers) heardSinceAsk = true;
    },
    probe: () => {
      if (!stopped && (askedAt === undefined || heardSinceAsk)) askNow();
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
