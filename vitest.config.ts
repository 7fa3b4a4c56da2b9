import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [cloudflareTest({ wrangler: { configPath: "./test/workers/wrangler.toml" } })],
        // Three files at a time, workerd and Node files side by side: most of them wait on a
        // runtime rather than the CPU. vitest-pool-workers starts a runtime with its own storage for
        // each file, so abortAllDurableObjects in one file reaches no other. Both projects need the
        // same maxWorkers for vitest to run them in one group instead of one after the other.
        test: { name: "workerd", include: ["test/workers/**/*.test.ts"], testTimeout: 20_000, maxWorkers: 3 },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts", "test/react/**/*.test.ts"],
          // Starting `wrangler dev` beside five other test files on a loaded 2-core machine took
          // over 60 s (the loaded runs): a start may try up to four ports. A test that restarts
          // it starts it twice in its body.
          testTimeout: 240_000,
          hookTimeout: 150_000,
          maxWorkers: 3,
        },
      },
      {
        // `npm run test:e2e`: the demo in Chromium (playwright-core) against wrangler dev.
        test: { name: "e2e", environment: "node", include: ["test/e2e/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false },
      },
      {
        // `npm run test:consumer`: the packed package in a fresh project, as a user installs it.
        test: {
          name: "consumer",
          environment: "node",
          include: ["test/consumer/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        // `npm run test:stress`: crashes, load and fuzzing; longer than `npm test`.
        test: {
          name: "stress",
          environment: "node",
          include: ["test/stress/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
