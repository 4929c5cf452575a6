import { defineConfig } from "vitest/config";

// Three tiers (DESIGN.md "Test tiers"); `npm test` runs them all, none is opt-in.
export default defineConfig({
  test: {
    // Tool and VM tests share 2 cores and a store: one file at a time.
    fileParallelism: false,
    globalSetup: ["test/setup/run-tmpdir.ts"],
    // the default summary, then the ten slowest files (where CI's time goes)
    reporters: ["default", "./test/setup/slowest-reporter.ts"],
    projects: [
      // unit → tools → build → vm: what breaks first is told first
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          testTimeout: 10_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "tools",
          sequence: { groupOrder: 1 },
          include: ["test/tools/**/*.test.ts"],
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
      {
        // the build phase: each medium the vm tier boots, built once (test/helpers/ci-media.ts)
        test: {
          name: "build",
          include: ["test/build/**/*.test.ts"],
          sequence: { groupOrder: 2 },
          testTimeout: 2_400_000,
        },
      },
      {
        test: {
          name: "vm",
          include: ["test/vm/**/*.test.ts"],
          sequence: { groupOrder: 3 },
          // No test retry: an assertion is never run again. The one known hazard, a TCG boot on a
          // shared 2-core machine that stalls before dom0 is up, is booted again by the harness
          // (src/qemu/stall.ts) and listed at the end of the run (test/setup/run-tmpdir.ts).
          testTimeout: 900_000,
          hookTimeout: 1_800_000,
        },
      },
    ],
  },
});
