import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/index";

// What actorflare's client puts on the wire from Node for a raw `handle.fetch()`, seen by a
// plain Node HTTP server standing in for the Worker: Node's fetch, unlike workerd's, streams a
// body it is handed as a stream without a length.

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let endpoint = "";
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      seen.push({ method: request.method, url: request.url, headers: request.headers, body: Buffer.concat(chunks).toString() });
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("handle.fetch() from Node", () => {
  it("sends a string or bytes body with its Content-Length, not chunked", async () => {
    const handle = createClient(endpoint).store.getOrCreate("k");
    for (const body of ["hello", new TextEncoder().encode("hello")]) {
      seen.length = 0;
      await (await handle.fetch("/put", { method: "PUT", body })).text();
      expect(seen[0]).toMatchObject({ method: "PUT", url: "/registry/actors/raw/http/put", body: "hello" });
      expect(seen[0]?.headers["content-length"]).toBe("5");
      expect(seen[0]?.headers["transfer-encoding"]).toBeUndefined();
    }
  });

  it("a Request's body too, alone or with an init (Node sends a Request's stream without its length)", async () => {
    const handle = createClient(endpoint).store.getOrCreate("k");
    for (const call of [
      () => handle.fetch(new Request("http://x/put", { method: "PUT", body: "hello" })),
      () => handle.fetch(new Request("http://x/put", { method: "PUT", body: "hello" }), { headers: { "X-A": "1" } }),
      () => handle.fetch("/put", new Request("http://x/ignored", { method: "PUT", body: "hello" })),
    ]) {
      seen.length = 0;
      await (await call()).text();
      expect(seen[0]).toMatchObject({ method: "PUT", body: "hello" });
      expect(seen[0]?.headers["content-length"]).toBe("5");
    }
  });

  it("a key or params past Latin-1 go in the headers as JSON escapes, which fetch accepts", async () => {
    seen.length = 0;
    await (
      await createClient(endpoint)
        .store.getOrCreate(["é😀", "鍵"], { params: { name: "Zoë 🚀" } })
        .fetch("/k")
    ).text();
    const headers = seen[0]?.headers ?? {};
    expect(JSON.parse(String(headers["x-rivetkit-query"]))).toEqual({ getOrCreateForKey: { name: "store", key: ["é😀", "鍵"] } });
    expect(JSON.parse(String(headers["x-rivetkit-conn-params"]))).toEqual({ name: "Zoë 🚀" });
  });

  it("passes credentials on when asked, in an init or a Request, so a browser sends the page's cookies; leaves the default alone", async () => {
    const asked: (string | undefined)[] = [];
    const client = createClient(endpoint, {
      fetch: (input, init) => {
        asked.push((init as { credentials?: string } | undefined)?.credentials);
        return fetch(input, init);
      },
    });
    const handle = client.store.getOrCreate("k");
    // Cast: this project's fetch types are the Workers', which leave `credentials` out.
    const including = { credentials: "include" } as RequestInit;
    await (await handle.fetch("/a", including)).text();
    await (await handle.fetch(new Request(`${endpoint}/b`, including))).text();
    await (await handle.fetch("/c", { credentials: "omit" } as RequestInit)).text();
    await (await handle.fetch("/d")).text();
    await (await handle.fetch(new Request(`${endpoint}/e`))).text();
    expect(asked).toEqual(["include", "include", "omit", undefined, undefined]);
  });

  it("keeps dot segments inside the actor's raw path", async () => {
    seen.length = 0;
    await (await createClient(endpoint).store.getOrCreate("k").fetch("../../destroy", { method: "POST" })).text();
    expect(seen[0]?.url).toBe("/registry/actors/raw/http/destroy");
  });
});
