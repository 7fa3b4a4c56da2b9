// Where a one-actor Worker's bytes come from: bench/size/actorflare's worker bundled again from
// src/ (dist/ is one pre-bundled file, which hides its modules), its modules grouped by the part
// of actorflare or the dependency they belong to.
import { gzipSync } from "node:zlib";
import { build, stop as stopEsbuild } from "esbuild";

const ENTRY = "bench/size/actorflare/worker.ts";

/**
 * First match wins; a module no pattern names counts under its folder (`src/actor`, ...). The
 * parts in OPTIONAL are features a Worker could leave out if they were opt-in imports (issue 13's
 * size goal leaves that choice open); the rest is what every actor needs.
 */
const PARTS = [
  ["inspector (page, routes, activity)", /^src\/(inspector\/|durable-object\/inspector|protocol\/inspector|actor\/activity)/],
  ["RivetKit 2.3's wire (npm `rivetkit` client)", /^src\/(protocol\/rivet23\/|worker\/rivet23|worker\/routes\/(actors-api|gateway))/],
  ["client (`c.client()`, server-side client)", /^src\/client\//],
  ["CBOR codec", /^src\/protocol\/cbor/],
  ["error codes and messages", /^src\/protocol\/(errors|error-codes)\.ts$/],
  ["schedules and cron", /^src\/actor\/(scheduler|schedule-|cron)/],
];
/** What the rest of each folder holds, for the table. */
const FOLDERS = {
  "src/actor": "actor runtime: state, connections, events, hooks",
  "src/worker": "front Worker: routes, auth, CORS, locating actors",
  "src/durable-object": "the actor's Durable Object: loading, sockets, the actor index",
  "src/protocol": "wire messages, queries, encodings",
  "src/server": "Worker–object contract",
  "src/registry": "setup()",
};
const OPTIONAL = new Set([PARTS[0][0], PARTS[1][0], PARTS[2][0], PARTS[5][0], "dependency cron-schedule"]);

/** The part a bundle input belongs to: a dependency by package name, else PARTS, else its folder. */
function partOf(input) {
  const inPackage = input.split("node_modules/").at(-1);
  if (inPackage !== input) {
    const segments = inPackage.split("/");
    return `dependency ${segments[0].startsWith("@") ? `${segments[0]}/${segments[1]}` : segments[0]}`;
  }
  if (input === ENTRY) return "the Worker file itself";
  const named = PARTS.find(([, pattern]) => pattern.test(input));
  if (named) return named[0];
  const folder = input.split("/").slice(0, 2).join("/");
  return FOLDERS[folder] ? `${FOLDERS[folder]} (${folder})` : folder;
}

/**
 * Bundles the size worker as wrangler would (ES module, workerd conditions) and returns, per
 * part, its minified bytes (esbuild's own count per input) and the gzip of its unminified code
 * alone. Gzip alone is a little more than the part adds inside the whole bundle (no shared
 * dictionary), so the column's sum exceeds the bundle's gzip; the shares still rank the parts.
 * `coreGzipBytes`: the gzip of every part not in OPTIONAL together, what the Worker would still
 * add with all of them left out.
 */
export async function sizeParts() {
  const common = {
    entryPoints: [ENTRY],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    alias: { actorflare: "./src/index.ts" },
    metafile: true,
    write: false,
    logLevel: "error",
  };
  const minified = await build({ ...common, minify: true });
  const plain = await build({ ...common, minify: false });
  await stopEsbuild(); // its helper process would otherwise outlive the run
  const parts = new Map();
  const part = (name) => parts.get(name) ?? parts.set(name, { name, minifiedBytes: 0, code: [] }).get(name);
  for (const [input, { bytesInOutput }] of Object.entries(Object.values(minified.metafile.outputs)[0].inputs)) {
    part(partOf(input)).minifiedBytes += bytesInOutput;
  }
  // An unminified esbuild bundle opens each module's code with a `// <path>` line.
  const text = plain.outputFiles[0].text;
  const starts = [...text.matchAll(/^\/\/ (\S+)\n/gm)];
  starts.forEach((start, index) => {
    const end = index + 1 < starts.length ? starts[index + 1].index : text.length;
    const path = start[1].replace(/^(\.\.\/)+/, "");
    part(partOf(path)).code.push(text.slice(start.index, end));
  });
  const total = Object.values(minified.metafile.outputs)[0].bytes;
  const found = [...parts.values()].filter((entry) => entry.minifiedBytes > 0);
  const core = found.filter((entry) => !OPTIONAL.has(entry.name));
  return {
    parts: found
      .map(({ name, minifiedBytes, code }) => ({
        name,
        optional: OPTIONAL.has(name),
        minifiedBytes,
        share: minifiedBytes / total,
        gzipAloneBytes: gzipSync(code.join(""), { level: 9 }).length,
      }))
      .sort((a, b) => b.minifiedBytes - a.minifiedBytes),
    coreGzipBytes: gzipSync(core.flatMap((entry) => entry.code).join(""), { level: 9 }).length,
  };
}
