import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import NodeWebSocket from "ws";
import type { WebSocketConstructor } from "../../src/client/index";
import { startWranglerDev, tempPersistDir, trackTempDir } from "../node/wrangler-dev";

/**
 * `wrangler dev` of the demo worker for the stress tests: test/node/wrangler-dev.ts (detached
 * process group; stop = SIGTERM, kill = SIGKILL to the group; restart on the same persist
 * folder and port), with two additions:
 *
 * - It runs a snapshot of the repository (src/, examples/, wrangler.toml, package.json and
 *   tsconfig.json copied to a temp folder, node_modules linked) taken once per test file.
 *   `wrangler dev` rebuilds and restarts the Worker whenever a file of its bundle changes; a
 *   restart closes every socket and drops requests in flight. A snapshot keeps edits made to
 *   the working tree during a long run from restarting the runtime under load.
 * - It exposes the two workerd processes behind an instance (memory), the runtime's own
 *   address behind wrangler's dev proxy, and wrangler's inspector port (inspector.ts).
 */

export interface Runtime {
  /** e.g. `http://127.0.0.1:43123` (wrangler's public port, served by its dev proxy) */
  readonly url: string;
  readonly port: number;
  /** wrangler's DevTools inspector port (see inspector.ts). */
  readonly inspectorPort: number;
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

const REPO_ROOT = join(__dirname, "..", "..");
const READY_TIMEOUT_MS = 60_000;

let snapshot: { path: string; remove(): Promise<void> } | undefined;

/** The repository as it is now, copied once per test file (see above). */
function repositorySnapshot(): string {
  if (snapshot) return snapshot.path;
  snapshot = trackTempDir(mkdtempSync(join(tmpdir(), "actorflare-stress-src-")));
  for (const entry of ["src", "examples", "wrangler.toml", "package.json", "tsconfig.json"]) {
    cpSync(join(REPO_ROOT, entry), join(snapshot.path, entry), { recursive: true });
  }
  // The installed packages, linked rather than copied: they do not change while tests run, and
  // wrangler.toml's [build] step (the demo page's RivetKit bundle) needs esbuild and rivetkit.
  symlinkSync(join(REPO_ROOT, "node_modules"), join(snapshot.path, "node_modules"), "dir");
  return snapshot.path;
}

/** Removes the snapshot (call it in afterAll, once every instance of the file is stopped). */
export async function removeSnapshot(): Promise<void> {
  await snapshot?.remove();
  snapshot = undefined;
}

export { tempPersistDir };

export async function startRuntime(persistTo: string, requestedPort?: number): Promise<Runtime> {
  const server = await startWranglerDev({ persistTo, port: requestedPort, cwd: repositorySnapshot(), readyTimeoutMs: READY_TIMEOUT_MS });
  const { port } = server;
  const processes = () => {
    const { proxy, runtime } = workerdProcesses(port);
    return {
      proxy: proxy === undefined ? undefined : { pid: proxy, rss: rssOf(proxy) },
      runtime: runtime === undefined ? undefined : { pid: runtime, rss: rssOf(runtime) },
    };
  };
  return {
    url: server.url,
    port,
    inspectorPort: server.inspectorPort,
    stop: server.stop,
    kill: server.kill,
    workerdRss: processes,
    directUrl: () => findDirectUrl(port),
  };
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

export { sleep, waitFor } from "../node/wait";

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
