// Builds a worker the way it would be deployed (`wrangler deploy --dry-run`) and measures it.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { stop as stopEsbuild, transform } from "esbuild";

const WRANGLER = resolve("node_modules/.bin/wrangler");
// Without these wrangler reaches for the network (metrics, cf object) and logs about it.
const ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

/**
 * Bundles the worker of `configPath` into `outdir` and returns the bundle's path and sizes, the
 * upload form wrangler would send (for `wrangler check startup`), and the "Worker Startup
 * Time" line if this wrangler prints one on a dry run (it prints it only after a real upload,
 * from the API's answer, so this is normally null).
 */
export async function dryRunBundle(configPath, outdir) {
  // outdir must be absolute: wrangler resolves a relative one against the config's folder for
  // the bundle but against the working directory for its README.
  const absOutdir = resolve(outdir);
  const formPath = resolve(absOutdir, "upload.form");
  const stdout = execFileSync(WRANGLER, ["deploy", "--dry-run", "--config", configPath, "--outdir", absOutdir, "--outfile", formPath], {
    env: ENV,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const startup = /Worker Startup Time:\s*([\d.]+)\s*ms/.exec(stdout);
  const scriptPath = resolve(absOutdir, "worker.js");
  const code = readFileSync(scriptPath);
  // What `minify = true` in wrangler.toml would upload: the same bundle through esbuild's minifier.
  const minified = Buffer.from((await transform(code.toString(), { minify: true, format: "esm", target: "es2022" })).code);
  await stopEsbuild(); // its helper process would otherwise outlive the run
  return {
    scriptPath,
    formPath,
    rawBytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    minifiedGzipBytes: gzipSync(minified, { level: 9 }).length,
    reportedStartupMs: startup ? Number(startup[1]) : null,
  };
}

/**
 * `wrangler check startup` on the dry-run's upload form: wrangler loads the bundle in a local
 * Miniflare under the V8 profiler (the module's top level plus a first fetch) and writes a CPU
 * profile. Returns the time the profile saw JavaScript running, in ms: the samples that are
 * neither idle nor "(program)" (native work between samples), times the median sampling
 * interval. The first sample after a pause carries the whole pause as its delta, so summing
 * deltas would count waiting; counting samples does not. Coarse: one run, ~1 ms samples.
 */
export function startupProfileMs(formPath, profilePath) {
  // stderr only carries the "alpha command" banner; on failure it is in the thrown error.
  execFileSync(WRANGLER, ["check", "startup", "--worker", formPath, "--outfile", resolve(profilePath)], {
    env: ENV,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const profile = JSON.parse(readFileSync(profilePath, "utf8"));
  const skipped = new Set(profile.nodes.filter((node) => ["(idle)", "(program)"].includes(node.callFrame.functionName)).map((node) => node.id));
  const running = profile.samples.filter((node) => !skipped.has(node)).length;
  const deltas = profile.timeDeltas.filter((delta) => delta > 0).sort((a, b) => a - b);
  const interval = deltas.length ? deltas[deltas.length >> 1] : 0;
  return (running * interval) / 1000;
}
