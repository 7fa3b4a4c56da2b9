import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [cloudflareTest({ wrangler: { configPath: "./test/workers/wrangler.toml" } })],
        test: { name: "workerd", include: ["test/workers/**/*.test.ts"], testTimeout: 20_000 },
      },
      {
        test: { name: "node", environment: "node", include: ["test/node/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 60_000 },
      },
    ],
  },
});
