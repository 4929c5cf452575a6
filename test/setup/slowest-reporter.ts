import { relative } from "node:path";
import type { Reporter, TestModule } from "vitest/node";
import { formatSlowest } from "./time-report.ts";

/** Prints the ten slowest test files at the end of a run (after the default reporter's summary). */
export default class SlowestReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const lines = formatSlowest(
      modules.map((m) => ({
        project: m.project.name,
        file: relative(process.cwd(), m.moduleId),
        ms: m.diagnostic().duration,
      })),
    );
    if (lines.length) console.log(`\n${lines.join("\n")}`);
  }
}
