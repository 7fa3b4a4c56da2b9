import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "../..");
const readme = readFileSync(join(root, "README.md"), "utf8");

/**
 * README samples are quoted from files that the type-check and the tests cover. A sample
 * opens with `// <path>` naming its file; its lines must appear there, in order.
 */
const samples = [...readme.matchAll(/```(?:ts|typescript|toml|jsonc)\n([\s\S]*?)```/g)].map((match) => match[1]!);

describe("README samples", () => {
  it("has samples", () => {
    expect(samples.length).toBeGreaterThan(4);
  });

  it.each(samples.map((sample) => [sample.split("\n")[0]!, sample]))("%s is quoted from a checked file", (_first, sample) => {
    const [first, ...rest] = sample.split("\n");
    const path = /^(?:\/\/|#) (\S+\.(?:ts|toml|jsonc))$/.exec(first!)?.[1];
    expect(path, `sample must start with "// <file>" or "# <file>": ${first}`).toBeDefined();
    const source = readFileSync(join(root, path!), "utf8");
    let from = 0;
    for (const line of rest.filter((l) => l.trim() !== "" && l.trim() !== "// ...")) {
      const at = source.indexOf(line, from);
      expect(at, `line not found in ${path} (in order): ${line}`).toBeGreaterThanOrEqual(0);
      from = at + line.length;
    }
  });
});
