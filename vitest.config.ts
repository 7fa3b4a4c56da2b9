import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [cloudflareTest({ wrangler: { configPath: "./test/workers/wrangler.toml" } })],
        // One file at a time: tests that reset every Durable Object (abortAllDurableObjects) would
        // otherwise drop the connections of tests running beside them.
        test: { name: "workerd", include: ["test/workers/**/*.test.ts"], testTimeout: 20_000, fileParallelism: false },
      },
      {
        test: { name: "node", environment: "node", include: ["test/node/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 60_000 },
      },
    ],
  },
});
