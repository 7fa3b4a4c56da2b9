import { describe, expect, it } from "vitest";
import { isPlatformTable } from "../../src/actor/platform-tables";

describe("the platform's tables in an object's database", () => {
  it("are the runtime's (_cf_), SQLite's and Miniflare's; an actor's and a user's are not", () => {
    for (const name of ["_cf_KV", "_cf_METADATA", "sqlite_sequence", "__miniflare_do_name"]) expect(isPlatformTable(name), name).toBe(true);
    for (const name of ["actorflare_schedule", "actorflare_subscriptions", "notes", "__drizzle_migrations", "cf_notes", "_cfx"])
      expect(isPlatformTable(name), name).toBe(false);
  });
});
