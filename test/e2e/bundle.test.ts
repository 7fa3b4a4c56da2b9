import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const committed = join(root, "examples/demo/public/app.js");

describe("the demo page's bundle", () => {
  const temp = mkdtemp(join(tmpdir(), "actorflare-bundle-"));
  afterAll(async () => rm(await temp, { recursive: true, force: true }));

  it("examples/demo/public/app.js is what build.mjs makes from the current sources", async () => {
    const outfile = join(await temp, "app.js");
    await promisify(execFile)(process.execPath, ["examples/demo/frontend/build.mjs", "--outfile", outfile], { cwd: root });
    const [fresh, current] = await Promise.all([readFile(outfile, "utf8"), readFile(committed, "utf8")]);
    // On a mismatch, rebuild it: node examples/demo/frontend/build.mjs
    expect(current === fresh, "examples/demo/public/app.js is stale: run `node examples/demo/frontend/build.mjs`").toBe(true);
  });

  it("has the client in it and no Node-only code: `ws` is only its browser stub", async () => {
    const bundle = await readFile(committed, "utf8");
    expect(bundle).toContain("/registry/actors");
    expect(bundle).not.toMatch(/from\s+["']ws["']|require\(["'](?:ws|node:[a-z]+)["']\)/);
    expect(bundle).toContain("ws does not work in the browser");
  });
});
