import { randomUUID } from "node:crypto";
import { decode, encode } from "cbor-x";
import WebSocket from "ws";
import { expect } from "vitest";

// What protocol-compat.test.ts's sections share: requests, sockets and SSE streams built by hand
// as RivetKit's 2.0.x client sends them (docs/protocol.md), and the checks on their answers.

/** The `wrangler dev` the sections talk to; protocol-compat.test.ts sets its url once it started. */
export const target = { url: "" };

export const MESSAGE_TIMEOUT_MS = 10_000;

export type Encoding = "json" | "cbor";
export type ErrorBody = { c: string; m: string; md?: unknown };
export type Init = { ai: string; ci: string; ct: string };

/** Keys unique per test, so tests do not see each other's actors. */
export const uniqueKey = (prefix: string) => `${prefix}-${randomUUID()}`;
export const counterQuery = (key: string) => ({ getOrCreateForKey: { name: "counter", key: [key] } });
export const chatQuery = (key: string) => ({ getOrCreateForKey: { name: "chat", key: [key] } });
export const pct = (value: unknown) => encodeURIComponent(JSON.stringify(value));

export const HEX_ID = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A protocol POST as RivetKit's client sends it: query + encoding headers, body in the encoding. */
export async function protocolPost(
  path: string,
  options: { query?: unknown; encoding?: Encoding; body?: unknown; headers?: Record<string, string> },
): Promise<Response> {
  const encoding = options.encoding ?? "json";
  const headers: Record<string, string> = {
    "X-RivetKit-Encoding": encoding,
    "Content-Type": encoding === "json" ? "application/json" : "application/octet-stream",
    ...options.headers,
  };
  if (options.query !== undefined) headers["X-RivetKit-Query"] = JSON.stringify(options.query);
  const payload = options.body ?? {};
  const body = encoding === "json" ? JSON.stringify(payload) : encode(payload);
  return fetch(`${target.url}${path}`, { method: "POST", headers, body, signal: AbortSignal.timeout(MESSAGE_TIMEOUT_MS) });
}

export async function bodyOf(response: Response, encoding: Encoding): Promise<unknown> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  return encoding === "json" ? JSON.parse(new TextDecoder().decode(bytes)) : decode(bytes);
}

/** Reads an error body and checks it has exactly the §7 shape `{c, m, md?}`. */
export async function errorBody(response: Response, encoding: Encoding): Promise<ErrorBody> {
  const body = (await bodyOf(response, encoding)) as ErrorBody;
  expect(typeof body.c).toBe("string");
  expect(typeof body.m).toBe("string");
  for (const field of Object.keys(body)) expect(["c", "m", "md"]).toContain(field);
  return body;
}

export async function resolveId(query: unknown, encoding: Encoding = "json"): Promise<string> {
  const response = await protocolPost("/registry/actors/resolve", { query, encoding });
  expect(response.status).toBe(200);
  return ((await bodyOf(response, encoding)) as { i: string }).i;
}

export async function callAction(query: unknown, name: string, args: unknown[], encoding: Encoding = "json"): Promise<unknown> {
  const response = await protocolPost(`/registry/actors/actions/${encodeURIComponent(name)}`, { query, encoding, body: { a: args } });
  expect(response.status).toBe(200);
  return ((await bodyOf(response, encoding)) as { o?: unknown }).o;
}

type Frame = { data: Buffer; binary: boolean };
type CloseInfo = { code: number; reason: string };

/** Every socket a test opened; the test file's afterEach terminates what is still open. */
const sockets = new Set<WireSocket>();

export async function disposeOpenSockets(): Promise<void> {
  await Promise.all([...sockets].map((socket) => socket.dispose()));
  sockets.clear();
}

/** A `ws` socket to the connect route, with an ordered queue of frames. */
class WireSocket {
  readonly socket: WebSocket;
  readonly encoding: Encoding;
  /** Resolves on `open`, rejects if the handshake fails. */
  readonly opened: Promise<void>;
  readonly closed: Promise<CloseInfo>;
  readonly #queue: Frame[] = [];
  readonly #waiters: Array<{ resolve(frame: Frame): void; reject(error: Error): void }> = [];
  #closeInfo: CloseInfo | undefined;

  constructor(socket: WebSocket, encoding: Encoding) {
    this.socket = socket;
    this.encoding = encoding;
    sockets.add(this);
    socket.on("message", (data: Buffer, isBinary: boolean) => {
      const frame = { data: Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer), binary: isBinary };
      const waiter = this.#waiters.shift();
      if (waiter) waiter.resolve(frame);
      else this.#queue.push(frame);
    });
    this.opened = new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", (error) => reject(error));
      socket.once("unexpected-response", (_request, response) => reject(new Error(`handshake answered ${response.statusCode}`)));
    });
    this.opened.catch(() => {});
    this.closed = new Promise<CloseInfo>((resolve) => {
      socket.once("close", (code: number, reason: Buffer) => {
        this.#closeInfo = { code, reason: reason.toString() };
        for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error(`socket closed (${code} ${reason.toString()}) while waiting for a frame`));
        resolve(this.#closeInfo);
      });
    });
  }

  next(timeoutMs = MESSAGE_TIMEOUT_MS): Promise<Frame> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#closeInfo) return Promise.reject(new Error(`socket already closed (${this.#closeInfo.code} ${this.#closeInfo.reason})`));
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(new Error(`no frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        resolve: (frame: Frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#waiters.push(waiter);
    });
  }

  /** The next message, checked to travel in the right frame type (JSON: text, CBOR: binary). */
  async message<T = unknown>(): Promise<T> {
    const frame = await this.next();
    if (this.encoding === "json") {
      expect(frame.binary, "JSON messages travel in text frames").toBe(false);
      return JSON.parse(frame.data.toString("utf8")) as T;
    }
    expect(frame.binary, "CBOR messages travel in binary frames").toBe(true);
    return decode(frame.data) as T;
  }

  async init(): Promise<Init> {
    const message = await this.message<{ b: { i: Init } }>();
    expect(Object.keys(message.b)).toEqual(["i"]);
    return message.b.i;
  }

  send(message: unknown): void {
    this.socket.send(this.encoding === "json" ? JSON.stringify(message) : encode(message));
  }

  waitClosed(timeoutMs = MESSAGE_TIMEOUT_MS): Promise<CloseInfo> {
    return withTimeout(this.closed, timeoutMs, "close event");
  }

  /** No frame arrives within `ms`. */
  async expectSilence(ms: number): Promise<void> {
    await expect(this.next(ms)).rejects.toThrow(/no frame within/);
  }

  async dispose(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(1000, "done");
    else this.socket.terminate();
    try {
      await withTimeout(this.closed, 2_000, "close in cleanup");
    } catch {
      this.socket.terminate();
    }
  }
}

interface ConnectOptions {
  encoding?: Encoding;
  params?: unknown;
  /** Offer the `rivetkit` marker (default true). */
  rivetkit?: boolean;
  /** Replace the whole subprotocol list (undefined entries: none offered). */
  protocols?: string[] | null;
  headers?: Record<string, string>;
  onOpen?: (socket: WebSocket) => void;
}

/** Opens `/registry/actors/connect/websocket` as RivetKit's client does (§5.3 subprotocols, in order). */
export function connectWire(query: unknown, options: ConnectOptions = {}): WireSocket {
  const encoding = options.encoding ?? "json";
  let protocols: string[] | undefined;
  if (options.protocols === null) protocols = undefined;
  else if (options.protocols) protocols = options.protocols;
  else {
    protocols = [`query.${pct(query)}`, `encoding.${encoding}`];
    if (options.params) protocols.push(`conn_params.${pct(options.params)}`);
    if (options.rivetkit ?? true) protocols.push("rivetkit");
  }
  const wsUrl = `${target.url.replace(/^http/, "ws")}/registry/actors/connect/websocket`;
  const socket = protocols ? new WebSocket(wsUrl, protocols, { headers: options.headers }) : new WebSocket(wsUrl, { headers: options.headers });
  if (options.onOpen) socket.once("open", () => options.onOpen!(socket));
  return new WireSocket(socket, encoding);
}

/** One parsed SSE block: its raw lines plus the joined `data:` and the `event:` name. */
type SseBlock = { lines: string[]; data: string; event?: string };

/** `GET /registry/actors/connect/sse`, read block by block (comment-only blocks skipped). */
export class SseStream {
  readonly response: Response;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #abort: AbortController;
  readonly #decoder = new TextDecoder();
  #buffer = "";
  #done = false;

  private constructor(response: Response, abort: AbortController) {
    this.response = response;
    this.#abort = abort;
    this.#reader = response.body!.getReader();
  }

  static async open(headers: Record<string, string>): Promise<SseStream> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), MESSAGE_TIMEOUT_MS);
    try {
      const response = await fetch(`${target.url}/registry/actors/connect/sse`, { headers: { Accept: "text/event-stream", ...headers }, signal: abort.signal });
      const stream = new SseStream(response, abort);
      streams.add(stream);
      return stream;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The next event with data, or undefined once the stream ended. */
  async next(timeoutMs = MESSAGE_TIMEOUT_MS): Promise<SseBlock | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.#buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        const lines = block.split("\n");
        const data = lines.filter((line) => line.startsWith("data:")).map((line) => line.slice(5).replace(/^ /, ""));
        if (data.length === 0) continue; // a `: ping` comment
        const eventLine = lines.find((line) => line.startsWith("event:"));
        return { lines, data: data.join("\n"), event: eventLine?.slice(6).trim() };
      }
      if (this.#done) return undefined;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no SSE event within ${timeoutMs} ms`);
      const chunk = await withTimeout(this.#reader.read(), remaining, "SSE event");
      if (chunk.done) this.#done = true;
      else this.#buffer += this.#decoder.decode(chunk.value, { stream: true }).replace(/\r\n/g, "\n");
    }
  }

  /** The next protocol message, decoded from JSON text or base64 CBOR. */
  async message<T = unknown>(encoding: Encoding): Promise<T> {
    const block = await this.next();
    if (!block) throw new Error("SSE stream ended");
    // Only `data:` fields (no `event:`, no `id:`).
    expect(block.lines.every((line) => line.startsWith("data:"))).toBe(true);
    if (encoding === "json") return JSON.parse(block.data) as T;
    expect(block.data).toMatch(BASE64);
    return decode(Buffer.from(block.data, "base64")) as T;
  }

  close(): void {
    this.#abort.abort();
    this.#reader.cancel().catch(() => {});
  }
}

/** Every SSE stream a test opened; the test file's afterEach closes them. */
const streams = new Set<SseStream>();
export function closeOpenStreams(): void {
  for (const stream of streams) stream.close();
  streams.clear();
}

export function sseHeaders(query: unknown, encoding: Encoding, params?: unknown): Record<string, string> {
  const headers: Record<string, string> = { "X-RivetKit-Query": JSON.stringify(query), "X-RivetKit-Encoding": encoding };
  if (params !== undefined) headers["X-RivetKit-Conn-Params"] = JSON.stringify(params);
  return headers;
}

/** `POST /registry/actors/message` as RivetKit's client sends it: no Content-Type. */
export function postMessage(
  init: Init,
  message: unknown,
  encoding: Encoding,
  override: Partial<Record<"actor" | "conn" | "token", string>> = {},
): Promise<Response> {
  return fetch(`${target.url}/registry/actors/message`, {
    method: "POST",
    headers: {
      "X-RivetKit-Actor": override.actor ?? init.ai,
      "X-RivetKit-Conn": override.conn ?? init.ci,
      "X-RivetKit-Conn-Token": override.token ?? init.ct,
      "X-RivetKit-Encoding": encoding,
    },
    body: encoding === "json" ? JSON.stringify(message) : encode(message),
    signal: AbortSignal.timeout(MESSAGE_TIMEOUT_MS),
  });
}

export function expectInitShape(init: Init): void {
  expect(init.ai).toMatch(HEX_ID);
  expect(init.ci).toMatch(UUID);
  expect(init.ct).toMatch(BASE64);
  expect(Buffer.from(init.ct, "base64")).toHaveLength(32);
}
