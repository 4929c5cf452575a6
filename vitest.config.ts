import { defineConfig } from "vitest/config";

// Three tiers (DESIGN.md "Test tiers"); `npm test` runs them all, none is opt-in.
export default defineConfig({
  test: {
    // Tool and VM tests share 2 cores and a store: one file at a time.
    fileParallelism: false,
    globalSetup: ["test/setup/run-tmpdir.ts"],
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 10_000 } },
      {
        test: {
          name: "tools",
          include: ["test/tools/**/*.test.ts"],
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
      {
        test: {
          name: "vm",
          include: ["test/vm/**/*.test.ts"],
          // A boot under TCG on a shared 2-core CI machine can stall once for reasons outside the
          // medium; a second failure fails the run, and the report shows every retry.
          retry: 1,
          testTimeout: 900_000,
          hookTimeout: 1_800_000,
        },
      },
    ],
  },
});
