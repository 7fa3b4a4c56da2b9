// `wrangler dev` as a user runs it, for the one row the benchmark reports but does not judge:
// wrangler's proxy and inspector relay sit in front of workerd and cost CPU per request.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import net from "node:net";
import { resolve } from "node:path";
import { descendantPids } from "./proc-cpu.mjs";

const WRANGLER = resolve("node_modules/.bin/wrangler");

/** A loopback port that was free a moment ago. */
function freePort() {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/**
 * Starts `wrangler dev` for `configPath` on free loopback ports, with its state in
 * `persistDir` (not the project's .wrangler/state, which tests may be using). Resolves once it
 * answers HTTP. `pids` are wrangler and everything under it by then (node, esbuild, workerd).
 */
export async function startWranglerDev(configPath, persistDir) {
  rmSync(persistDir, { recursive: true, force: true });
  const [port, inspectorPort] = [await freePort(), await freePort()];
  // The binary itself, not npx, so the PID is wrangler's (through npx it sits three processes down).
  const child = spawn(
    WRANGLER,
    [
      "dev",
      "--config",
      configPath,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      persistDir,
      "--log-level",
      "error",
      "--show-interactive-dev-session=false",
    ],
    { env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-2000)));
  const exited = new Promise((done) => child.once("exit", done));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
    // wrangler stops workerd on SIGTERM; anything left is a leak, ended by pid.
    for (const pid of descendantPids(child.pid)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone already.
      }
    }
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  const url = new URL(`http://127.0.0.1:${port}`);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await fetch(new URL("/__bench/ready", url), { signal: AbortSignal.timeout(1000) });
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`wrangler dev for ${configPath} did not start: ${error.message}\n${stderr}`);
      }
      await new Promise((done) => setTimeout(done, 200));
    }
  }
  return { url, pids: [child.pid, ...descendantPids(child.pid)], stop };
}
