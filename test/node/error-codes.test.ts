import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../src/protocol/error-codes";

const SRC = join(__dirname, "..", "..", "src");
/** zod's issue code, and the 2.3 actor API's query parameter (docs/protocol.md §12.2). */
const NOT_CODES = new Set(["unrecognized_keys", "actor_ids"]);

/** Every snake_case string literal in src/, less the names of storage tables, zod's issue codes and query parameters. */
function codesInSource(): Set<string> {
  const codes = new Set<string>();
  const files = readdirSync(SRC, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts"));
  for (const file of files) {
    for (const [, literal] of readFileSync(join(SRC, file), "utf8").matchAll(/"([a-z]+(?:_[a-z]+)+)"/g)) {
      if (!literal!.startsWith("actorflare_") && !NOT_CODES.has(literal!)) codes.add(literal!);
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
