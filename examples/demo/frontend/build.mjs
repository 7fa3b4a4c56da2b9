// Bundles the demo page's TypeScript (main.ts and what it imports, the actorflare client
// included) into examples/demo/public/app.js, which is committed so that `npm run dev` works on
// a fresh clone. Run it after changing the frontend or src/client/:
//
//   node examples/demo/frontend/build.mjs                  # writes examples/demo/public/app.js
//   node examples/demo/frontend/build.mjs --outfile FILE   # writes FILE instead (the e2e test's freshness check)
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const at = process.argv.indexOf("--outfile");
const outfile = at > 0 ? process.argv[at + 1] : "examples/demo/public/app.js";

await build({
  absWorkingDir: root,
  entryPoints: ["examples/demo/frontend/main.ts"],
  outfile,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  // The client imports `ws` only on Node without a global WebSocket; for the browser, `ws`'s own
  // "browser" entry (a stub that throws) is bundled and never called.
  banner: { js: "// Built by examples/demo/frontend/build.mjs from examples/demo/frontend/*.ts: do not edit." },
  logLevel: "warning",
});
