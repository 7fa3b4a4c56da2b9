import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, it } from "vitest";

it("src/inspector/page-html.ts is built from the page's current sources (`npm run build:inspector`)", async () => {
  const run = promisify(execFile);
  const { stderr } = await run(process.execPath, ["src/inspector/page/build.mjs", "--check"]).catch((error: { stderr: string }) => ({ stderr: error.stderr }));
  expect(stderr).toBe("");
});
