// Bundles the demo page's TypeScript into examples/demo/public/:
//
// - app.js: main.ts and what it imports, the actorflare client included. It is committed so that
//   the page works on a fresh clone; rebuild it after changing the frontend or src/client/.
// - rivetkit.js: rivetkit.ts with RivetKit's client from npm, which the page loads for
//   `?client=rivetkit`. Not committed: wrangler.toml's [build] makes it before `wrangler dev`.
//
//   node examples/demo/frontend/build.mjs                  # writes both
//   node examples/demo/frontend/build.mjs rivetkit         # writes rivetkit.js only ([build])
//   node examples/demo/frontend/build.mjs --outfile FILE   # writes app.js to FILE instead (the e2e test's freshness check)
import { build } from "esbuild";
import { randomUUID } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const at = process.argv.indexOf("--outfile");
const only = process.argv[2] === "rivetkit" ? "rivetkit" : undefined;

const bundles = {
  app: {
    entryPoints: ["examples/demo/frontend/main.ts"],
    outfile: at > 0 ? process.argv[at + 1] : "examples/demo/public/app.js",
    // The client imports `ws` only on Node without a global WebSocket; for the browser, `ws`'s own
    // "browser" entry (a stub that throws) is bundled and never called.
    banner: { js: "// Built by examples/demo/frontend/build.mjs from examples/demo/frontend/*.ts: do not edit." },
  },
  rivetkit: {
    entryPoints: ["examples/demo/frontend/rivetkit.ts"],
    outfile: "examples/demo/public/rivetkit.js",
    minify: true,
  },
};

/**
 * Writes a file only when its content changed, through a rename: every `wrangler dev` runs the
 * [build], and tests start several at once, so a reader never sees a half-written bundle.
 */
async function writeIfChanged(path, contents) {
  const current = await readFile(path).catch(() => undefined);
  if (current?.equals(contents)) return;
  const temp = `${path}.${randomUUID()}.tmp`;
  await writeFile(temp, contents);
  await rename(temp, path);
}

const names = only ? [only] : at > 0 ? ["app"] : Object.keys(bundles);
for (const name of names) {
  const { outputFiles } = await build({
    absWorkingDir: root,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    logLevel: "warning",
    write: false,
    ...bundles[name],
  });
  for (const file of outputFiles) await writeIfChanged(file.path, file.contents);
}
