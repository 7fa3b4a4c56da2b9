import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import NodeWebSocket from "ws";
import type { WebSocketConstructor } from "../../src/client/index";

/**
 * `wrangler dev` of the demo worker for the stress tests. The process handling follows
 * test/node/wrangler-dev.ts (detached process group; stop = SIGTERM, kill = SIGKILL to the
 * group; restart on the same persist folder and port), with two differences:
 *
 * - It runs a snapshot of the repository (src/, examples/, wrangler.toml, package.json,
 *   tsconfig.json and the Worker's runtime dependencies copied to a temp folder) taken once per
 *   test file. `wrangler dev` rebuilds and restarts the Worker whenever a file of its bundle
 *   changes, and that includes the repository's package.json (found from node_modules); a
 *   restart closes every socket and drops requests in flight. A snapshot keeps edits made to
 *   the working tree during a long run from restarting the runtime under load. (Dependencies
 *   are copied, not linked: through a link esbuild would watch the repository's files again.)
 * - It exposes the two workerd processes behind an instance (memory) and the runtime's own
 *   address behind wrangler's dev proxy.
 */

export interface Runtime {
  /** e.g. `http://127.0.0.1:43123` (wrangler's public port, served by its dev proxy) */
  readonly url: string;
  readonly port: number;
  /** Graceful: SIGTERM to wrangler; resolves once the whole group is gone. */
  stop(): Promise<void>;
  /** A crash: SIGKILL to the whole process group (wrangler and both workerd). */
  kill(): Promise<void>;
  /**
   * Resident memory of the two workerd processes behind this instance, in bytes: `proxy` is
   * wrangler's dev proxy (it listens on the public port and forwards every request), `runtime`
   * runs the Worker and its Durable Objects.
   */
  workerdRss(): { proxy?: { pid: number; rss: number }; runtime?: { pid: number; rss: number } };
  /**
   * The runtime's own HTTP address, behind wrangler's dev proxy: requests sent there reach the
   * Worker as they would in production, where no such proxy exists.
   */
  directUrl(): Promise<string>;
}

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const OUTPUT_LIMIT = 20_000;

const liveGroups = new Set<number>();
const liveDirs = new Set<string>();
let snapshot: string | undefined;

/** The repository as it is now, copied once per test file (see above). */
function repositorySnapshot(): string {
  if (snapshot) return snapshot;
  installExitCleanup();
  const dir = mkdtempSync(join(tmpdir(), "actorflare-stress-src-"));
  liveDirs.add(dir);
  for (const entry of ["src", "examples", "wrangler.toml", "package.json", "tsconfig.json"]) {
    cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
  }
  // The bundle's packages: the runtime dependencies (hono, zod, cbor-x, ws), a few MiB.
  const { dependencies = {} } = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  for (const name of Object.keys(dependencies)) {
    cpSync(join(REPO_ROOT, "node_modules", name), join(dir, "node_modules", name), { recursive: true, dereference: true });
  }
  snapshot = dir;
  return dir;
}

/** Removes the snapshot (call it in afterAll, once every instance of the file is stopped). */
export function removeSnapshot(): void {
  if (!snapshot) return;
  rmSync(snapshot, { recursive: true, force: true });
  liveDirs.delete(snapshot);
  snapshot = undefined;
}

/** A fresh folder for Durable Object storage, and a function that removes it. */
export function tempPersistDir(): { path: string; remove(): Promise<void> } {
  installExitCleanup();
  const path = mkdtempSync(join(tmpdir(), "actorflare-stress-state-"));
  liveDirs.add(path);
  return {
    path,
    remove: async () => {
      rmSync(path, { recursive: true, force: true });
      liveDirs.delete(path);
    },
  };
}

export async function startRuntime(persistTo: string, requestedPort?: number): Promise<Runtime> {
  const cwd = repositorySnapshot();
  const port = requestedPort ?? (await freePort());
  const inspectorPort = await freePort();
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort), "--persist-to", persistTo, "--log-level", "warn"];
  // wrangler itself runs from the repository (its own files are not part of the bundle).
  const child = spawn(join(REPO_ROOT, "node_modules", ".bin", "wrangler"), args, {
    cwd,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  });
  if (child.pid === undefined) throw new Error("could not spawn wrangler");
  const pgid = child.pid;
  liveGroups.add(pgid);
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const url = `http://127.0.0.1:${port}`;
  const kill = once(() => killGroup(pgid, exited));
  const stop = once(() => terminate(child, pgid, exited));
  try {
    await waitUntilReady(url, child, () => output);
  } catch (error) {
    await kill();
    throw error;
  }
  const processes = () => {
    const { proxy, runtime } = workerdProcesses(port);
    return {
      proxy: proxy === undefined ? undefined : { pid: proxy, rss: rssOf(proxy) },
      runtime: runtime === undefined ? undefined : { pid: runtime, rss: rssOf(runtime) },
    };
  };
  return { url, port, stop, kill, workerdRss: processes, directUrl: () => findDirectUrl(port) };
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wrangler dev exited (${child.exitCode ?? child.signalCode}) before serving ${url}/registry. Output:\n${output()}`);
    }
    try {
      const response = await fetch(`${url}/registry`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`wrangler dev did not answer 200 on ${url}/registry within ${READY_TIMEOUT_MS} ms. Output:\n${output()}`);
}

async function terminate(child: ChildProcess, pgid: number, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) sendSignal(child.pid!, "SIGTERM", false);
  const stopped = await Promise.race([exited.then(() => waitForGroupExit(pgid, STOP_TIMEOUT_MS)), sleep(STOP_TIMEOUT_MS).then(() => false)]);
  if (!stopped) await killGroup(pgid, exited);
  liveGroups.delete(pgid);
}

async function killGroup(pgid: number, exited: Promise<void>): Promise<void> {
  sendSignal(pgid, "SIGKILL", true);
  await exited;
  if (!(await waitForGroupExit(pgid, STOP_TIMEOUT_MS))) throw new Error(`process group ${pgid} survived SIGKILL`);
  liveGroups.delete(pgid);
}

function sendSignal(pid: number, signal: NodeJS.Signals, wholeGroup: boolean): void {
  try {
    process.kill(wholeGroup ? -pid : pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (listProcesses().some((p) => p.pgrp === pgid && p.state !== "Z" && p.state !== "X")) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

let cleanupInstalled = false;

/** Kills the groups and removes the folders still around if this process goes away first. */
function installExitCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  const cleanUp = () => {
    for (const pgid of liveGroups) sendSignal(pgid, "SIGKILL", true);
    liveGroups.clear();
    for (const dir of liveDirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // best effort
      }
    }
    liveDirs.clear();
  };
  process.on("exit", cleanUp);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      cleanUp();
      process.removeListener(signal, onSignal);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no port assigned"))));
    });
  });
}

function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= action());
}

// ---------------------------------------------------------------------------------------------
// The processes behind an instance
// ---------------------------------------------------------------------------------------------

interface ProcessInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
  comm: string;
  cmdline: string;
}

function listProcesses(): ProcessInfo[] {
  const result: ProcessInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      // Fields after "(comm)": state ppid pgrp ...
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmdline = existsSync(`/proc/${entry}/cmdline`) ? readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ") : "";
      result.push({ pid: Number(entry), ppid: Number(ppid), pgrp: Number(pgrp), state, comm, cmdline });
    } catch {
      // exited meanwhile
    }
  }
  return result;
}

/**
 * wrangler runs two workerd processes side by side, both children of its inner node process:
 * its dev proxy, whose command line names the public port, and the runtime of the Worker.
 */
function workerdProcesses(port: number): { proxy?: number; runtime?: number } {
  const all = listProcesses();
  const proxy = all.find((p) => p.comm === "workerd" && p.cmdline.includes(`--socket-addr=entry=127.0.0.1:${port} `));
  if (!proxy) return {};
  const runtime = all.find((p) => p.comm === "workerd" && p.ppid === proxy.ppid && p.pid !== proxy.pid);
  return { proxy: proxy.pid, runtime: runtime?.pid };
}

function rssOf(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The runtime's listening sockets (from /proc), tried one by one for the registry's banner. */
async function findDirectUrl(port: number): Promise<string> {
  const { runtime } = workerdProcesses(port);
  if (runtime === undefined) throw new Error("the runtime's workerd process was not found");
  for (const candidate of listeningPorts(runtime)) {
    try {
      const response = await fetch(`http://127.0.0.1:${candidate}/registry`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200 && (await response.text()).startsWith("actorflare registry")) return `http://127.0.0.1:${candidate}`;
    } catch {
      // not this one
    }
  }
  throw new Error(`no listening socket of workerd ${runtime} serves /registry`);
}

function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    // local_address is HEX_IP:HEX_PORT; state 0A is LISTEN; field 9 is the inode.
    if (fields.length > 9 && fields[3] === "0A" && inodes.has(fields[9])) ports.push(parseInt(fields[1].split(":")[1], 16));
  }
  return ports;
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

export const MiB = 1024 * 1024;
export const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `condition` holds, failing after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * `ws` as the client uses it on Node 20, counting the sockets it opens and nothing else: an
 * "error" event still goes where the client's own listener sends it (before be5d870 the
 * client had none, and `ws` threw a refused reconnect as an uncaught exception).
 */
export function countingWebSocket(): { WebSocket: WebSocketConstructor; created: NodeWebSocket[] } {
  const created: NodeWebSocket[] = [];
  class CountingWebSocket extends NodeWebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      created.push(this);
    }
  }
  return { WebSocket: CountingWebSocket as unknown as WebSocketConstructor, created };
}
