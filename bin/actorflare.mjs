#!/usr/bin/env node
// `actorflare init <folder>`: a new project from the starter shipped in this package
// (examples/starter). Plain JavaScript with Node's own modules only, so `npx actorflare`
// runs without a build or any other package.

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const USAGE = `Usage: actorflare init <folder>

Copies actorflare's starter (a counter actor, its test in workerd, a Node client script,
wrangler.jsonc) into <folder>, which must be new or empty, and names the package and the
Worker after the folder.`;

const PACKAGE_ROOT = fileURLToPath(new URL("..", import.meta.url));
const STARTER = join(PACKAGE_ROOT, "examples", "starter");
// What a project's local builds and installs leave behind; never part of a new project.
const LEFT_OUT = new Set(["node_modules", ".wrangler", "worker-configuration.d.ts", ".gitignore"]);
// npm leaves every .gitignore out of a published package, so the starter's is written from here.
const GITIGNORE = "node_modules/\n.wrangler/\nworker-configuration.d.ts\n";

const args = process.argv.slice(2);
const isHelp = (arg) => arg === "--help" || arg === "-h";
if ((args.length === 1 && isHelp(args[0])) || (args.length === 2 && args[0] === "init" && isHelp(args[1]))) {
  console.log(USAGE);
} else if (args.length === 2 && args[0] === "init" && args[1].startsWith("-")) {
  // An option init does not have, not a folder: a folder whose name starts with "-" is `./-name`.
  console.error(`Unknown option '${args[1]}'. For a folder of that name, write ./${args[1]}.\n\n${USAGE}`);
  process.exit(1);
} else if (args.length === 2 && args[0] === "init") {
  init(resolve(args[1]));
} else {
  console.error(args[0] === "init" || args.length === 0 ? USAGE : `Unknown command '${args.join(" ")}'.\n\n${USAGE}`);
  process.exit(1);
}

function init(target) {
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) fail(`${target} is a file. Give the name of a new folder.`);
    if (readdirSync(target).length > 0) fail(`${target} is not empty. Give a new folder name, or empty that folder first.`);
  }
  mkdirSync(target, { recursive: true });
  cpSync(STARTER, target, {
    recursive: true,
    filter: (source) =>
      !relative(STARTER, source)
        .split(sep)
        .some((part) => LEFT_OUT.has(part)),
  });
  writeFileSync(join(target, ".gitignore"), GITIGNORE);

  const name = projectName(basename(target));
  const own = readJson(join(PACKAGE_ROOT, "package.json"));
  const manifest = readJson(join(target, "package.json"));
  manifest.name = name;
  manifest.dependencies.actorflare = `^${own.version}`;
  writeFileSync(join(target, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const wranglerConfig = join(target, "wrangler.jsonc");
  // The Worker's name is the first "name" in the file (the bindings' come later).
  writeFileSync(wranglerConfig, readFileSync(wranglerConfig, "utf8").replace(/"name": "[^"]*"/, `"name": ${JSON.stringify(name)}`));

  const folder = relative(process.cwd(), target) || ".";
  const cd = /^[\w./-]+$/.test(folder) ? folder : JSON.stringify(folder);
  console.log(`Created ${folder}: a counter actor (src/counter.ts), its test and a client script.

Next:
  cd ${cd}
  npm install          # actorflare, wrangler, vitest, TypeScript and tsx
  npx wrangler types   # worker-configuration.d.ts: the runtime's types and your bindings
  npm test             # the actor's tests, in workerd
  npm run dev          # the Worker on http://127.0.0.1:8787
  npm run client       # in a second terminal: a Node script calls the actor`);
}

/** A name npm and Cloudflare both take: lowercase letters, digits and dashes. */
function projectName(folder) {
  const name = folder
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return name || "my-actors";
}

function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

function fail(message) {
  console.error(message);
  process.exit(1);
}
