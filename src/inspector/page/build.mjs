// Bundles the inspector page (index.html and app.ts) into src/inspector/page-html.ts, one HTML
// string with its script and style inline, and the Content-Security-Policy that allows exactly
// them (by hash). The output is committed, so the package and the test worker need no build step;
// rebuild it after changing the page:
//
//   npm run build:inspector            # writes src/inspector/page-html.ts
//   node src/inspector/page/build.mjs --check   # exits 1 when page-html.ts is stale (a test runs it)
import { build, transform } from "esbuild";
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const output = here("../page-html.ts");

const { outputFiles } = await build({
  entryPoints: [here("./app.ts")],
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2022",
  minify: true,
  write: false,
  logLevel: "warning",
});
const script = outputFiles[0].text.trim();
const template = await readFile(here("./index.html"), "utf8");
const [styleElement, sourceStyle] = /<style>([\s\S]*?)<\/style>/.exec(template);
// The page is bundled into every Worker that uses actorflare: its style is minified and the
// whitespace between tags (which nothing on the page lays out by) dropped, like the script.
const style = (await transform(sourceStyle, { loader: "css", minify: true })).code.trim();
const html = template
  .replace(styleElement, () => `<style>${style}</style>`)
  .replace(/>\s+</g, "><")
  .replace("<!--SCRIPT-->", () => `<script>${script}</script>`)
  .trim();
const hash = (text) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
const csp = `default-src 'none'; script-src ${hash(script)}; style-src ${hash(style)}; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`;

const source = `// Built by src/inspector/page/build.mjs from index.html and app.ts: do not edit.
export const INSPECTOR_PAGE = ${JSON.stringify(html)};
export const INSPECTOR_CSP = ${JSON.stringify(csp)};
`;

if (process.argv.includes("--check")) {
  const current = await readFile(output, "utf8").catch(() => "");
  if (current !== source) {
    console.error("src/inspector/page-html.ts is stale: run `npm run build:inspector`.");
    process.exit(1);
  }
} else {
  await writeFile(output, source);
}
