// Builds a worker the way it would be deployed (`wrangler deploy --dry-run`) and measures it.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";

const WRANGLER = resolve("node_modules/.bin/wrangler");

/** Bundles the worker of `configPath` into `outdir` and returns the bundle's path and sizes. */
export function dryRunBundle(configPath, outdir) {
  // outdir must be absolute: wrangler resolves a relative one against the config's folder for
  // the bundle but against the working directory for its README.
  const absOutdir = resolve(outdir);
  execFileSync(WRANGLER, ["deploy", "--dry-run", "--config", configPath, "--outdir", absOutdir], {
    // Without these wrangler reaches for the network (metrics, cf object) and logs about it.
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const scriptPath = resolve(absOutdir, "worker.js");
  const code = readFileSync(scriptPath);
  return { scriptPath, rawBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}
