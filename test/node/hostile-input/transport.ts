import { request as httpRequest } from "node:http";
import { decode as cborDecode } from "cbor-x";
import WebSocket from "ws";
import { expect } from "vitest";

// How the hostile-input table reaches the server, byte for byte (node:http, `ws`, fetch for SSE),
// and the checks every error answer gets: a `{ c, m }` body that leaks nothing.

/** The `wrangler dev` every helper here talks to; hostile-input.test.ts sets its port in beforeAll. */
export const target = { port: 0 };

interface RawResponse {
  status: number;
  contentType: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTP request with the path and method exactly as given. */
export function send(method: string, path: string, headers: Record<string, string> = {}, body?: string | Uint8Array, timeoutMs = 20_000): Promise<RawResponse> {
  // Bodies go with a Content-Length, as browsers and fetch send them. (A chunked upload that the
  // Worker refuses before reading it all is answered 503 by wrangler dev's own proxy; the
  // workerd suite covers the chunked cut-off, test/workers/limits.test.ts.)
  if (body !== undefined) headers = { ...headers, "Content-Length": String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: target.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer to ${method} ${path} within ${timeoutMs} ms`)));
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Decodes an error body in the format its content type says. */
export function errorBodyOf(response: RawResponse): { c: unknown; m: unknown; md?: unknown } {
  const value = response.contentType.includes("octet-stream") ? cborDecode(response.body) : JSON.parse(response.body.toString("utf8"));
  return value as { c: unknown; m: unknown };
}

/** No stack frames, no file system paths, no source locations. */
export function expectNoLeak(text: string): void {
  expect(text).not.toMatch(/\n\s*at\s/);
  expect(text).not.toMatch(/\bat [^\n]*:\d+:\d+/);
  expect(text).not.toMatch(/file:\/\/|node_modules|\/work\/|\/home\/|\/root\/|\/tmp\/|\bsrc\/|\.ts:\d|\.js:\d/);
}

export function expectErrorBody(body: { c: unknown; m: unknown }, code: string): void {
  expect(body).toEqual(expect.objectContaining({ c: code, m: expect.any(String) }));
  expect(Object.keys(body).every((k) => ["c", "m", "md"].includes(k))).toBe(true);
  expect((body.m as string).length).toBeGreaterThan(5);
  expectNoLeak(JSON.stringify(body));
}

type WsOutcome = { kind: "close"; code: number; reason: string; messages: Array<string | Buffer> } | { kind: "http"; response: RawResponse };

/** Opens a WebSocket, sends `frames` (after the first message when `afterFirstMessage`), and reports how it ended. */
export function openSocket(
  path: string,
  protocols: string[] | undefined,
  headers: Record<string, string>,
  frames: Array<string | Uint8Array>,
  afterFirstMessage: boolean,
  timeoutMs = 15_000,
): Promise<WsOutcome> {
  return new Promise((resolve, reject) => {
    const address = `ws://127.0.0.1:${target.port}${path}`;
    const socket = protocols === undefined ? new WebSocket(address, { headers }) : new WebSocket(address, protocols, { headers });
    const messages: Array<string | Buffer> = [];
    let sent = false;
    const sendFrames = () => {
      if (sent) return;
      sent = true;
      for (const frame of frames) socket.send(frame, { binary: typeof frame !== "string" });
    };
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`${path}: no close within ${timeoutMs} ms (messages: ${messages.length})`));
    }, timeoutMs);
    socket.on("open", () => {
      if (!afterFirstMessage) sendFrames();
    });
    socket.on("message", (data: Buffer, isBinary: boolean) => {
      messages.push(isBinary ? data : data.toString("utf8"));
      if (afterFirstMessage) sendFrames();
    });
    socket.on("unexpected-response", (_req, res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({
          kind: "http",
          response: { status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), headers: res.headers, body: Buffer.concat(chunks) },
        });
        socket.terminate();
      });
    });
    socket.on("error", () => {}); // the close (or unexpected-response) carries what matters
    socket.on("close", (code, reason) => {
      clearTimeout(timer);
      resolve({ kind: "close", code, reason: reason.toString("utf8"), messages });
    });
  });
}

/** Reads an SSE response to its end (the server must end it on a setup error). */
export async function readSse(
  path: string,
  headers: Record<string, string>,
  timeoutMs = 15_000,
): Promise<{ status: number; contentType: string; text: string }> {
  const response = await fetch(`http://127.0.0.1:${target.port}${path}`, { headers, signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", text: await response.text() };
}
