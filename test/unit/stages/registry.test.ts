import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STAGES } from "../../../src/stages/index.ts";
import { TOOLS } from "../../../src/tools/registry.ts";
import { ROOT } from "../../helpers/cli.ts";

// osbuild's check_moduleinfo: every stage is complete and has its own test file.
describe("stage registry", () => {
  for (const [name, stage] of Object.entries(STAGES)) {
    it(`${name} is complete`, () => {
      expect(stage.name).toBe(name);
      expect(stage.summary.length).toBeGreaterThan(10);
      expect(stage.version).toBeGreaterThanOrEqual(1);
      expect(typeof stage.options.safeParse).toBe("function");
      for (const t of stage.tools) expect(Object.keys(TOOLS)).toContain(t);
      expect(existsSync(join(ROOT, "test/unit/stages", `${name}.test.ts`)), `test/unit/stages/${name}.test.ts`).toBe(true);
    });
  }
});
