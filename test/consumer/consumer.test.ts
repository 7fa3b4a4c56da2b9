import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWranglerDev, tempPersistDir, trackTempDir } from "../node/wrangler-dev";

/**
 * actorflare as a user gets it: `npm pack`, then a fresh project made by the tarball's own bin
 * (`actorflare init` copies the starter it ships, laid out as `npm create cloudflare` lays out a
 * TypeScript Worker) plus a second actor from fixture/, which installs the tarball and nothing
 * else from this repository. It runs the README's "Start a project" commands, type-checks under
 * each module resolution, bundles with `wrangler deploy --dry-run`, and calls the actors under
 * `wrangler dev` from Node.
 */

const REPO = join(__dirname, "..", "..");
const FIXTURE = join(__dirname, "fixture");
const run = promisify(execFile);
const quiet = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1" };

let work: { path: string; remove(): Promise<void> };
let app: string;
/** What `actorflare init` wrote, before the fixture is added. */
let starterFiles: string[];
const timings: Record<string, number> = {};

/** Runs a command in the project; its output comes with the error when it fails. */
async function sh(label: string, command: string, args: string[], cwd = app): Promise<string> {
  const started = Date.now();
  try {
    const { stdout, stderr } = await run(command, args, { cwd, env: quiet, maxBuffer: 64 * 1024 * 1024 });
    return stdout + stderr;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${label} failed (${command} ${args.join(" ")}):\n${stdout}\n${stderr}`);
  } finally {
    timings[label] = Date.now() - started;
  }
}

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, Record<string, string>>;

beforeAll(async () => {
  work = trackTempDir(mkdtempSync(join(tmpdir(), "actorflare-consumer-")));
  app = join(work.path, "my-actors");

  // The package, built and packed as `npm publish` would.
  const packed = await sh("npm pack", "npm", ["pack", "--pack-destination", work.path], REPO);
  const tarball = join(work.path, readdirSync(work.path).find((file) => file.endsWith(".tgz"))!);
  expect(packed).toContain("actorflare");

  // README, "Start a project": the package's bin copies the starter it ships, as `npx actorflare
  // init` runs it from the registry. Here the fixture then adds a second actor.
  await sh("actorflare init", "npx", ["--yes", "--package", tarball, "actorflare", "init", "my-actors"], work.path);
  starterFiles = readdirSync(app, { recursive: true }).map(String).sort();
  cpSync(FIXTURE, app, { recursive: true });
  const manifest = readJson(join(app, "package.json"));
  // Before the package is on npm, the README's tarball route: `npm install <tarball>` in the project.
  manifest.dependencies!.actorflare = `file:${tarball}`;
  // The fixture's chat keeps a table through actorflare/db/drizzle, whose peer this is.
  manifest.dependencies!["drizzle-orm"] = "0.45.4";
  // For the check below that the published types also work with the Workers types package.
  manifest.devDependencies!["@cloudflare/workers-types"] = "4.20260426.1";
  writeFileSync(join(app, "package.json"), JSON.stringify(manifest, null, 2));

  await sh("npm install", "npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"]);
  await sh("wrangler types", "npx", ["wrangler", "types"]);
}, 600_000);

afterAll(async () => {
  console.log("consumer timings (ms):", JSON.stringify(timings));
  await work?.remove();
});

describe("the packed package in a fresh project", () => {
  it('runs the commands of the README\'s "Start a project"', () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const block = /## Start a project\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    const commands = block
      .split("\n")
      .map((line) => line.replace(/\s+#.*$/, "").trim())
      .filter(Boolean);
    // Each is run here: init (from the tarball) and the install in beforeAll, `npm run dev` as `wrangler dev` on a free port.
    expect(commands).toEqual([
      "npx --yes actorflare init my-actors && cd my-actors",
      "npm install",
      "npx wrangler types",
      "npm test",
      "npm run dev",
      "npm run client",
    ]);
  });

  it("made the project with the bin of the tarball: the starter, named after its folder", () => {
    const tracked = readdirSync(join(REPO, "examples", "starter"), { recursive: true }).map(String);
    expect(starterFiles).toEqual(tracked.filter((file) => !/node_modules|\.wrangler|worker-configuration/.test(file)).sort());
    expect(readFileSync(join(app, ".gitignore"), "utf8")).toBe(readFileSync(join(REPO, "examples", "starter", ".gitignore"), "utf8"));
    expect(readFileSync(join(app, "wrangler.jsonc"), "utf8")).toContain('"name": "my-actors"');
  });

  it("installs the tarball, not this repository", () => {
    const installed = readJson(join(app, "node_modules", "actorflare", "package.json"));
    expect(installed.exports!["./client"]).toMatchObject({ node: "./dist/node/client.js", default: "./dist/client.js" });
    expect(readdirSync(join(app, "node_modules", "actorflare"))).not.toContain("src");
  });

  it("passes its own tests in workerd (vitest-pool-workers with actorflare/testing)", async () => {
    const output = await sh("npm test", "npm", ["test"]);
    expect(output).toMatch(/Tests\s+6 passed/);
  });

  it("type-checks as the starter sets it up", async () => {
    await sh("npm run typecheck", "npm", ["run", "typecheck"]);
  });

  it.each(["bundler", "nodenext", "node16"])("type-checks strictly under moduleResolution %s", async (resolution) => {
    const module = resolution === "bundler" ? "es2022" : resolution;
    const strict = {
      strict: true,
      exactOptionalPropertyTypes: true,
      skipLibCheck: false,
      noEmit: true,
      target: "es2024",
      module,
      moduleResolution: resolution,
    };
    // types/ uses only actorflare, so it is checked with skipLibCheck off: the package's own
    // declarations, for a Worker and for client projects without the Workers types. src/, scripts/
    // and browser/ also reach drizzle-orm, whose declarations fail that check on their own (they
    // name modules for other databases), so those are checked as projects using it are: with it on.
    const withDrizzle = { ...strict, skipLibCheck: true };
    const projects: Record<string, object> = {
      "worker-types": { compilerOptions: { ...strict, lib: ["es2024"], types: ["@cloudflare/workers-types"] }, include: ["types"] },
      "node-types": { compilerOptions: { ...strict, lib: ["es2024"], types: ["node"] }, include: ["types"] },
      "browser-types": { compilerOptions: { ...strict, lib: ["es2024", "dom"], types: [] }, include: ["types"] },
      "worker-app": { compilerOptions: { ...withDrizzle, lib: ["es2024"], types: ["@cloudflare/workers-types"] }, include: ["src"] },
      // Clients typed with `typeof registry`, without any Workers types.
      node: { compilerOptions: { ...withDrizzle, lib: ["es2024"], types: ["node"] }, include: ["scripts"] },
      browser: { compilerOptions: { ...withDrizzle, lib: ["es2024", "dom"], types: [] }, include: ["browser"] },
    };
    // The file `wrangler types` writes is itself made for bundler resolution (extensionless imports, `export =`).
    if (resolution === "bundler")
      projects.worker = { compilerOptions: { ...withDrizzle, lib: ["es2024"], types: [] }, include: ["worker-configuration.d.ts", "src"] };
    // Side by side: each check is one single-threaded tsc.
    const tsc = join(app, "node_modules", ".bin", "tsc");
    await Promise.all(
      Object.entries(projects).map(([name, config]) => {
        const file = `tsconfig.strict-${name}-${resolution}.json`;
        writeFileSync(join(app, file), JSON.stringify(config));
        return sh(`tsc ${name} ${resolution}`, tsc, ["-p", file]);
      }),
    );
  });

  it("bundles with wrangler deploy --dry-run, without ws", async () => {
    const output = await sh("wrangler deploy --dry-run", "npx", ["wrangler", "deploy", "--dry-run", "--outdir", "bundle"]);
    expect(output).toMatch(/--dry-run: exiting now/);
    const bundle = readFileSync(join(app, "bundle", "index.js"), "utf8");
    expect(bundle).toContain("actorflare");
    expect(bundle).not.toMatch(/from "ws"|import\("ws"\)/);
  });

  it("serves under wrangler dev; the Node client calls it (action, connection, event, raw fetch, raw WebSocket)", async () => {
    const persist = await tempPersistDir();
    const server = await startWranglerDev({ persistTo: persist.path, cwd: app, wranglerBin: join(app, "node_modules", ".bin", "wrangler") });
    try {
      // The starter's own client script, as the README runs it.
      const starter = await sh("npm run client", "npm", ["run", "client", "--", server.url]);
      expect(starter).toMatch(/count: 1[\s\S]*newCount event: 2[\s\S]*count: 2/);

      const output = await sh("check.ts", "npx", ["tsx", "scripts/check.ts", server.url]);
      expect(JSON.parse(output.trim().split("\n").at(-1)!)).toEqual({
        // Node 20: the client's Node build falls back to `ws`.
        globalWebSocket: "undefined",
        action: 1,
        event: "from a connection",
        fetched: { path: "/hello", messages: 2 },
        echo: "echo: hi",
        pins: 1,
        refused: "actor_not_found",
      });
    } finally {
      await server.stop();
      await persist.remove();
    }
  });

  it("a forgotten binding fails the first request with the lines to add", async () => {
    const persist = await tempPersistDir();
    const server = await startWranglerDev({
      persistTo: persist.path,
      cwd: app,
      wranglerBin: join(app, "node_modules", ".bin", "wrangler"),
      config: "wrangler.no-chat-binding.jsonc",
    });
    try {
      const response = await fetch(`${server.url}/registry/actors/actions/history`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-rivetkit-encoding": "json",
          "x-rivetkit-query": JSON.stringify({ getOrCreateForKey: { name: "chat", key: ["a"] } }),
        },
        body: JSON.stringify({ a: [] }),
      });
      expect(response.status).toBe(500);
      const body = (await response.json()) as { c: string; m: string };
      expect(body.c).toBe("binding_not_found");
      expect(body.m).toContain('name = "CHAT"');
      expect(body.m).toContain("Chat");
    } finally {
      await server.stop();
      await persist.remove();
    }
  });
});
