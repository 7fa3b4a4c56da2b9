import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";

/**
 * Runs the demo worker under a real `wrangler dev` (wrangler.toml at the repo root), for
 * end-to-end tests from Node. Each instance gets its own ports, so test files can run in parallel.
 */
export interface WranglerDev {
  /** e.g. `http://127.0.0.1:43123` */
  readonly url: string;
  readonly port: number;
  /** What wrangler and workerd printed lately (the last 20,000 characters), colour codes included. */
  output(): string;
  /** wrangler's DevTools inspector (`/json` lists the Worker's CDP WebSocket); one client at a time. */
  readonly inspectorPort: number;
  /** Graceful: SIGTERM to wrangler (which stops workerd), resolves once the whole group is gone. */
  stop(): Promise<void>;
  /** A crash: SIGKILL to the whole process group (wrangler and workerd), resolves once it is gone. */
  kill(): Promise<void>;
}

export interface StartOptions {
  /** Where Durable Object storage lives; start again on the same folder to simulate a restart. */
  persistTo: string;
  /** Port to listen on (default: a free one). Pass a previous instance's port to restart "the same" server. */
  port?: number;
  /** The folder wrangler runs in (default: the repository); its wrangler.toml names the Worker. */
  cwd?: string;
  /** How long to wait for `/registry` to answer (default 30 s). */
  readyTimeoutMs?: number;
  /** The wrangler to run (default: this repository's); another project runs its own. */
  wranglerBin?: string;
  /** A wrangler config other than the one in `cwd` (`--config`). */
  config?: string;
}

// From the file's folder, not import.meta.url: under jsdom (the React test) that is a page URL.
const REPO_ROOT = join(__dirname, "..", "..");
// Run the bin directly, not through npx: the child's pid is then wrangler's own, and (spawned
// detached) it leads a process group that also holds wrangler's inner node and workerd.
const WRANGLER_BIN = join(REPO_ROOT, "node_modules", ".bin", "wrangler");
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const OUTPUT_LIMIT = 20_000;

/** Process groups still running, killed if this process goes away before the tests stop them. */
const liveGroups = new Set<number>();
/** Temp folders not removed yet, removed on the same occasion. */
const liveDirs = new Set<string>();

export async function startWranglerDev(options: StartOptions): Promise<WranglerDev> {
  installExitCleanup();
  // A start that hangs anywhere fails here, naming its last step, rather than as a hook's
  // timeout that says nothing (twice a beforeAll ran out its 150 s without spawning wrangler).
  const progress: StartProgress = { attempt: 0, step: "not begun" };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void progress.kill?.();
      reject(new Error(`wrangler dev did not start within ${START_TIMEOUT_MS} ms; the last step was, in attempt ${progress.attempt}: ${progress.step}`));
    }, START_TIMEOUT_MS);
  });
  try {
    return await Promise.race([attempts(options, progress), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Below the Node tests' 150 s hook timeout, so that this error is the one reported. */
const START_TIMEOUT_MS = 120_000;
const PORT_ATTEMPTS = 4;

/** Where a start is, for the error of one that hangs. */
interface StartProgress {
  attempt: number;
  step: string;
  /** Kills the wrangler of the current attempt, once there is one. */
  kill?: () => Promise<void>;
}

async function attempts(options: StartOptions, progress: StartProgress): Promise<WranglerDev> {
  // A port from freePort() is only free until someone binds it: an outgoing connection of another
  // test may take it as its ephemeral port first. Then wrangler exits at once; try again with
  // fresh ports (a requested port is kept: a restart must come back where it was).
  for (let attempt = 1; ; attempt++) {
    try {
      progress.attempt = attempt;
      progress.step = "picking ports";
      return await launch(options, options.port ?? (await freePort()), await freePort(), progress);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === PORT_ATTEMPTS) throw error;
      // Said, so that a start that fails in the end shows every attempt, not only the last.
      console.warn(`wrangler dev, attempt ${attempt} of ${PORT_ATTEMPTS}: ${error.message.slice(0, 2_000)}`);
      await sleep(250 * attempt);
    }
  }
}

/** wrangler could not listen: one of its ports was taken after we picked it. */
class PortTakenError extends Error {}

async function launch(
  { persistTo, cwd = REPO_ROOT, readyTimeoutMs = READY_TIMEOUT_MS, wranglerBin = WRANGLER_BIN, config }: StartOptions,
  port: number,
  inspectorPort: number,
  progress: StartProgress,
): Promise<WranglerDev> {
  const args = [
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    persistTo,
    "--log-level",
    "warn",
  ];
  if (config) args.push("--config", config);
  // By default wrangler runs from the repository (its own files are not part of the bundle).
  const child = spawn(wranglerBin, args, {
    cwd,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${wranglerBin}`);
  const pgid = child.pid;
  liveGroups.add(pgid);
  progress.step = `spawned wrangler (pid ${pgid}), waiting for ${port}/registry to answer`;

  // Keep the tail of the output for error messages; reading the pipes also keeps them from filling up.
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const url = `http://127.0.0.1:${port}`;
  const stop = once(() => terminate(child, pgid, exited));
  const kill = once(() => killGroup(pgid, exited));
  progress.kill = kill;
  try {
    await waitUntilReady(url, child, () => output, readyTimeoutMs);
  } catch (error) {
    progress.step += `; failed (${(error as Error).message.split("\n")[0]}), killing it`;
    await kill();
    if (/Address already in use/.test(output)) throw new PortTakenError((error as Error).message);
    throw error;
  }
  return { url, port, inspectorPort, output: () => output, stop, kill };
}

/** A fresh folder for `persistTo`, and a function that removes it. */
export async function tempPersistDir(): Promise<{ path: string; remove(): Promise<void> }> {
  return trackTempDir(await mkdtemp(join(tmpdir(), "actorflare-e2e-")));
}

/** Takes charge of a temp folder: removed by `remove()`, or when this process goes away first. */
export function trackTempDir(path: string): { path: string; remove(): Promise<void> } {
  installExitCleanup();
  liveDirs.add(path);
  const remove = async () => {
    await rm(path, { recursive: true, force: true });
    liveDirs.delete(path);
  };
  return { path, remove };
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wrangler dev exited (${child.exitCode ?? child.signalCode}) before serving ${url}/registry. Output:\n${output()}`);
    }
    // Bounded by a timer of its own too: under load a probe was seen to outlast its abort signal
    // by minutes (a start ran out its 120 s in this loop), and one hung probe would end the start.
    const status = await Promise.race([probe(`${url}/registry`), sleep(PROBE_TIMEOUT_MS + 1_000).then(() => 0)]);
    if (status === 200) return;
    await sleep(100);
  }
  throw new Error(`wrangler dev did not answer 200 on ${url}/registry within ${timeoutMs} ms. Output:\n${output()}`);
}

const PROBE_TIMEOUT_MS = 2_000;

/** The status `url` answers with, or 0 when it does not answer (not listening yet). */
async function probe(url: string): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

async function terminate(child: ChildProcess, pgid: number, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) sendSignal(child.pid!, "SIGTERM", false);
  // wrangler forwards SIGTERM to its children; if something hangs, fall back to SIGKILL.
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

/** Sends a signal to one process, or to the whole group (negative pid); a missing target is fine. */
function sendSignal(pid: number, signal: NodeJS.Signals, wholeGroup: boolean): void {
  try {
    process.kill(wholeGroup ? -pid : pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Whether any process of the group still runs. On Linux, /proc lets us skip zombies: killed
 * grandchildren are re-parented to pid 1, which in some containers never reaps them.
 */
function groupAlive(pgid: number): boolean {
  if (!existsSync("/proc/self/stat")) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // Fields after "(comm)": state ppid pgrp ...; comm may contain spaces, so split after the last ")".
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(pgrp) === pgid && state !== "Z" && state !== "X") return true;
  }
  return false;
}

let cleanupInstalled = false;

/** Detached groups outlive us unless killed: do it (and remove temp folders) on exit and on termination signals. */
function installExitCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  const killAll = () => {
    for (const pgid of liveGroups) sendSignal(pgid, "SIGKILL", true);
    liveGroups.clear();
    for (const dir of liveDirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // Best effort: a dying workerd may still be writing there.
      }
    }
    liveDirs.clear();
  };
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      killAll();
      process.removeListener(signal, onSignal);
      // Our listener suppressed the default action; re-raise it unless someone else handles the signal.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** A port that was free a moment ago (the OS picks it for a listener on port 0). */
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The test worker of test/workers (its wrangler.toml), for `useWranglerDev`'s `cwd`. */
export const TEST_WORKER_DIR = join(REPO_ROOT, "test", "workers");

/**
 * One `wrangler dev` on a fresh persist folder for the enclosing suite: started before its
 * tests (then `onStarted` gets it), stopped and its folder removed after them. It serves the
 * demo worker, or the one whose wrangler.toml is in `cwd`.
 */
export function useWranglerDev(onStarted: (server: WranglerDev) => void, options: { cwd?: string } = {}): void {
  let server: WranglerDev | undefined;
  let persist: { path: string; remove(): Promise<void> } | undefined;
  beforeAll(async () => {
    persist = await tempPersistDir();
    server = await startWranglerDev({ persistTo: persist.path, cwd: options.cwd });
    onStarted(server);
  });
  afterAll(async () => {
    await server?.stop();
    await persist?.remove();
  });
}
