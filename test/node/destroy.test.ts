import { randomUUID } from "node:crypto";
import { afterEach, expect, it } from "vitest";
import { ActorError, createClient } from "../../src/client/index";
import type { registry } from "../../test/workers/registry";
import { startWranglerDev, TEST_WORKER_DIR, tempPersistDir, type WranglerDev } from "./wrangler-dev";

// Destroy and listing under a real `wrangler dev` (the test worker, test/workers): a destroyed
// actor leaves its connections and the listing, and a crash of the whole runtime while actors
// are being created leaves the listing and the actors in agreement after the restart.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function start(persistTo: string): Promise<WranglerDev> {
  const server = await startWranglerDev({ persistTo, cwd: TEST_WORKER_DIR });
  cleanups.push(server.stop);
  return server;
}

const admin = { params: { role: "admin" } };

function clientOf(server: WranglerDev) {
  const client = createClient<typeof registry>({ endpoint: server.url, actionTimeout: 15_000 });
  cleanups.push(() => client.dispose());
  return client;
}

/** The keys (first parts) of every listed `doomed` actor whose key starts with `prefix`, over all pages. */
async function listedKeys(client: ReturnType<typeof clientOf>, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.doomed.list({ ...admin, cursor, limit: 3 });
    keys.push(...page.actors.map((actor) => actor.key[0]!).filter((key) => key.startsWith(prefix)));
    cursor = page.cursor;
  } while (cursor);
  return keys.sort();
}

async function exists(client: ReturnType<typeof clientOf>, key: string): Promise<boolean> {
  return client.doomed
    .get([key])
    .read()
    .then(
      () => true,
      (error: ActorError) => (error.code === "actor_not_found" ? false : Promise.reject(error)),
    );
}

it("destroy closes the actor's connection, leaves the listing, and frees the key; listing pages stay right after a restart", async () => {
  const dir = await tempPersistDir();
  cleanups.push(dir.remove);
  const server = await start(dir.path);
  const client = clientOf(server);
  const prefix = `wd-${randomUUID()}`;
  const keys = [0, 1, 2, 3].map((i) => `${prefix}-${i}`);
  for (const key of keys) await client.doomed.create([key]);
  expect(await listedKeys(client, prefix)).toEqual(keys);

  const connection = client.doomed.get([keys[1]!]).connect();
  const codes: string[] = [];
  connection.onError((error) => codes.push(error.code));
  expect(await connection.increment(7)).toBe(7);
  await client.doomed.get([keys[1]!], admin).destroy();
  const ended = Date.now() + 15_000;
  while (connection.status !== "disposed" && Date.now() < ended) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(connection.status).toBe("disposed");
  expect(codes).toContain("actor_destroyed");
  expect(await exists(client, keys[1]!)).toBe(false);
  expect(await listedKeys(client, prefix)).toEqual([keys[0], keys[2], keys[3]]);
  const missing = await client.doomed
    .get([keys[1]!], admin)
    .destroy()
    .catch((error: ActorError) => error);
  expect(missing).toBeInstanceOf(ActorError);
  expect((missing as ActorError).code).toBe("actor_not_found");
  expect(await client.doomed.getOrCreate([keys[1]!]).read()).toEqual({ count: 0, label: "fresh" });

  await server.stop();
  const again = clientOf(await start(dir.path));
  expect(await listedKeys(again, prefix)).toEqual(keys);
});

it("a crash of the runtime while actors are being created: after the restart every listed actor exists, and every actor is listed", async () => {
  const dir = await tempPersistDir();
  cleanups.push(dir.remove);
  const server = await start(dir.path);
  const client = clientOf(server);
  const prefix = `crash-${randomUUID()}`;
  const keys = Array.from({ length: 12 }, (_, i) => `${prefix}-${String(i).padStart(2, "0")}`);
  // Creations in flight; the crash comes once the first of them has answered.
  const creations = keys.map((key) =>
    client.doomed
      .getOrCreate([key])
      .read()
      .catch(() => undefined),
  );
  await Promise.race(creations);
  await server.kill();
  await Promise.all(creations);

  const after = clientOf(await start(dir.path));
  const listed = await listedKeys(after, prefix);
  const existing: string[] = [];
  for (const key of keys) if (await exists(after, key)) existing.push(key);
  expect(existing.length).toBeGreaterThan(0);
  expect(listed).toEqual(existing);
});
