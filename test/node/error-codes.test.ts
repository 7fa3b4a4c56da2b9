import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../src/protocol/error-codes";

const SRC = join(__dirname, "..", "..", "src");

/** Every snake_case string literal in src/, less the names of storage tables and zod's issue codes. */
function codesInSource(): Set<string> {
  const codes = new Set<string>();
  const files = readdirSync(SRC, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts"));
  for (const file of files) {
    for (const [, literal] of readFileSync(join(SRC, file), "utf8").matchAll(/"([a-z]+(?:_[a-z]+)+)"/g)) {
      if (!literal!.startsWith("actorflare_") && literal !== "unrecognized_keys") codes.add(literal!);
    }
  }
  return codes;
}

describe("ErrorCode", () => {
  it("lists every error code the source gives", () => {
    const listed = new Set<string>(ERROR_CODES);
    expect([...codesInSource()].filter((code) => !listed.has(code))).toEqual([]);
  });
});
