import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

// Plain Node HTTP servers on 127.0.0.1 that stand where a client's endpoint points and answer
// badly: by redirecting elsewhere, with what is not an answer of the protocol, or not at all.

export interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
}

export interface TestServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request and upgrade it received, in order. */
  seen: Seen[];
  close(): Promise<void>;
}

type Answer = (request: IncomingMessage, response: ServerResponse) => void;

/** A server that answers requests with `answer` and upgrades with `upgrade` (raw HTTP bytes), recording both. */
export async function startServer(answer: Answer, upgrade: (request: IncomingMessage) => string | undefined = () => undefined): Promise<TestServer> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const record = (request: IncomingMessage) => seen.push({ method: request.method, url: request.url, headers: request.headers });
  const server = createServer((request, response) => {
    record(request);
    answer(request, response);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("upgrade", (request: IncomingMessage, socket: Socket) => {
    record(request);
    const reply = upgrade(request);
    if (reply === undefined) socket.destroy();
    else socket.end(reply);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => {
      // Sockets held open on purpose (a server that never answers) would keep close() waiting.
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers every request with 200 and `body(request)` as JSON. */
export function startAnswering(body: (request: IncomingMessage) => string): Promise<TestServer> {
  return startServer((request, response) => {
    request.resume();
    response.writeHead(200, { "content-type": "application/json" }).end(body(request));
  });
}

/** Answers every request and upgrade with `307 Location: <to>/steal<path>`. */
export function startRedirecting(to: string): Promise<TestServer> {
  const location = (request: IncomingMessage) => `${to}/steal${request.url}`;
  return startServer(
    (request, response) => {
      request.resume();
      response.writeHead(307, { location: location(request) }).end();
    },
    (request) => `HTTP/1.1 307 Temporary Redirect\r\nLocation: ${location(request)}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
  );
}

/** Takes every request in and never answers it. */
export function startSilent(): Promise<TestServer> {
  return startServer((request) => request.resume());
}

/** Answers every request with a 200 JSON head and the first bytes of its body, then nothing more. */
export function startHalfAnswering(): Promise<TestServer> {
  return startServer((request, response) => {
    request.resume();
    response.writeHead(200, { "content-type": "application/json", "content-length": "64" });
    response.write('{"o":');
  });
}

/** Answers every request with a 200 JSON head and the first bytes of its body, then drops the connection (a server killed mid-answer). */
/** Reads each request, then closes its connection without a word (a server that stopped mid-request, or a kept-alive connection gone stale). */
export function startClosingUnanswered(): Promise<TestServer> {
  return startServer((request) => {
    request.resume();
    request.on("end", () => request.socket.destroy());
  });
}

export function startDyingHalfway(): Promise<TestServer> {
  return startServer((request, response) => {
    request.resume();
    response.writeHead(200, { "content-type": "application/json", "content-length": "64" });
    response.write('{"o":', () => request.socket.destroy());
  });
}
