// Serves one dry-run bundle with programmatic Miniflare: one workerd, nothing in front of it
// (`wrangler dev` adds a proxy and inspector relay that would hide a framework's cost).
import { Log, LogLevel, Miniflare } from "miniflare";
import { commandName, descendantPids } from "./proc-cpu.mjs";

/**
 * What Miniflare needs from a wrangler.toml (name, compatibility, Durable Object bindings with
 * their SQLite flag from the migrations), read by wrangler's own config reader so the bench
 * cannot drift from what `wrangler dev` would serve.
 */
export async function readWorkerConfig(configPath) {
  const { unstable_readConfig, unstable_getMiniflareWorkerOptions } = await import("wrangler");
  const config = unstable_readConfig({ config: configPath });
  const { workerOptions } = unstable_getMiniflareWorkerOptions(config);
  return {
    name: config.name,
    compatibilityDate: workerOptions.compatibilityDate,
    compatibilityFlags: workerOptions.compatibilityFlags,
    durableObjects: workerOptions.durableObjects,
  };
}

/**
 * Starts one system in its own Miniflare, so it gets its own workerd tree: the pids that
 * appear under the driver during this start are its own, and their CPU is not mixed with the
 * other system's. Durable Object storage is in memory (Miniflare's default): both systems get
 * the same SQLite engine without disk noise, and each start is a fresh store.
 */
export async function startServer(worker, scriptPath) {
  const before = new Set(descendantPids());
  const mf = new Miniflare({
    ...worker,
    modules: true,
    // Bundles are ES modules; an instrumented entry (lib/instrument.mjs) imports the bundle.
    modulesRules: [{ type: "ESModule", include: ["**/*.js"] }],
    scriptPath,
    host: "127.0.0.1",
    port: 0, // any free port
    cf: false, // no network fetch of the `cf` object
    logRequests: false, // no per-request log line (it would cost the same for both, but it is noise)
    log: new Log(LogLevel.WARN),
  });
  const url = await mf.ready;
  const pids = descendantPids().filter((pid) => !before.has(pid));
  if (!pids.some((pid) => commandName(pid) === "workerd")) {
    throw new Error(`no workerd process found under the driver (saw: ${pids.map(commandName).join(", ") || "none"})`);
  }
  return { url: new URL(url), pids, stop: () => mf.dispose() };
}
