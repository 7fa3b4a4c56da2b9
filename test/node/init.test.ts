import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { trackTempDir } from "./wrangler-dev";

/** `actorflare init <dir>`, the package's bin: a new project from examples/starter. */

const REPO = join(__dirname, "../..");
const BIN = join(REPO, "bin", "actorflare.mjs");
const STARTER = join(REPO, "examples", "starter");
const work = trackTempDir(mkdtempSync(join(tmpdir(), "actorflare-init-")));
afterAll(() => work.remove());

type Run = { code: number; stdout: string; stderr: string };

async function init(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: work.path });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

/** Every file under a folder, as paths relative to it. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

const packageName = (dir: string) => (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string }).name;

describe("actorflare init", () => {
  it("copies the starter into a new folder, named after the folder", async () => {
    const result = await init("init", "shop-actors");
    expect(result.code).toBe(0);
    const app = join(work.path, "shop-actors");
    // The starter's files as the repository has them (plus its .gitignore, which npm leaves out of tarballs).
    const expected = filesUnder(STARTER).filter((file) => !/node_modules|\.wrangler|worker-configuration/.test(file));
    expect(filesUnder(app)).toEqual(expected);
    expect(readFileSync(join(app, ".gitignore"), "utf8")).toBe(readFileSync(join(STARTER, ".gitignore"), "utf8"));
    expect(readFileSync(join(app, "src", "counter.ts"), "utf8")).toBe(readFileSync(join(STARTER, "src", "counter.ts"), "utf8"));

    const manifest = JSON.parse(readFileSync(join(app, "package.json"), "utf8")) as { name: string; dependencies: Record<string, string> };
    const own = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string };
    expect(manifest.name).toBe("shop-actors");
    expect(manifest.dependencies.actorflare).toBe(`^${own.version}`);
    // The Worker is named after the folder too, so two projects do not deploy over each other.
    expect(readFileSync(join(app, "wrangler.jsonc"), "utf8")).toContain('"name": "shop-actors"');
    // The next steps: the README's commands.
    expect(result.stdout).toContain("cd shop-actors");
    expect(result.stdout).toContain("npm install");
  });

  it("makes a valid package name of any folder name", async () => {
    expect((await init("init", "My Actors!")).code).toBe(0);
    expect(packageName(join(work.path, "My Actors!"))).toBe("my-actors");
    expect((await init("init", join("nested", "deeper", "Ünïcode"))).code).toBe(0);
    expect(packageName(join(work.path, "nested", "deeper", "Ünïcode"))).toBe("unicode");
    expect((await init("init", "日本")).code).toBe(0);
    expect(packageName(join(work.path, "日本"))).toBe("my-actors");
  });

  it("takes an empty folder that exists", async () => {
    mkdirSync(join(work.path, "empty"));
    expect((await init("init", "empty")).code).toBe(0);
    expect(packageName(join(work.path, "empty"))).toBe("empty");
  });

  it("refuses a folder that is not empty, and writes nothing", async () => {
    mkdirSync(join(work.path, "taken"));
    writeFileSync(join(work.path, "taken", "notes.txt"), "mine");
    const result = await init("init", "taken");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/taken.*is not empty.*new folder name/);
    expect(readdirSync(join(work.path, "taken"))).toEqual(["notes.txt"]);
  });

  it("refuses a file in the folder's place", async () => {
    writeFileSync(join(work.path, "a-file"), "");
    const result = await init("init", "a-file");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/a-file.*is a file/);
  });

  it("says how to use it when the command is missing or unknown", async () => {
    for (const args of [[], ["init"], ["start", "x"], ["init", "a", "b"]]) {
      const result = await init(...args);
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr).toContain("Usage: actorflare init <folder>");
    }
    for (const args of [["--help"], ["-h"], ["init", "--help"], ["init", "-h"]]) {
      const help = await init(...args);
      expect(help.code, args.join(" ")).toBe(0);
      expect(help.stdout).toContain("Usage: actorflare init <folder>");
    }
    // An unknown option is not taken for a folder's name; `./-name` is a folder.
    const option = await init("init", "--force");
    expect(option.code).toBe(1);
    expect(option.stderr).toContain("Unknown option '--force'. For a folder of that name, write ./--force.");
    expect(readdirSync(work.path)).not.toContain("--help");
    expect(readdirSync(work.path)).not.toContain("--force");
    expect((await init("init", "./-dashed")).code).toBe(0);
    expect(readdirSync(work.path)).toContain("-dashed");
  });
});
