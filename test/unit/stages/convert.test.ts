import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDeck } from "../../../src/deck/load.ts";
import { planSteps } from "../../../src/pipeline/plan.ts";
import { OUTPUTS } from "../../../src/pipeline/outputs.ts";
import convert, { convertedName } from "../../../src/stages/convert.ts";
import { ROOT } from "../../helpers/cli.ts";

const SETTINGS = { mirror: "/etc/hostname", epoch: 1735689600, append: "" };

describe("convert stage", () => {
  it("one step per asked format and installable flavour, from that flavour's raw disk", async () => {
    const demo = await loadDeck(join(ROOT, "flavours/demo.deck.yaml"));
    const steps = planSteps(demo, { ...SETTINGS, outputs: ["qcow2", "vdi"] });
    expect(steps.filter((s) => s.stage.name === "convert").map((s) => [s.key, s.consumes])).toEqual([
      ["qcow2:jeos", { disk: "raw:jeos" }],
      ["vdi:jeos", { disk: "raw:jeos" }],
      ["qcow2:server", { disk: "raw:server" }],
      ["vdi:server", { disk: "raw:server" }],
    ]);
  });

  it("the outputs table names its files out/<deck>-<flavour>.<format>", () => {
    for (const f of ["qcow2", "vmdk", "vdi"] as const) {
      expect(OUTPUTS[f].file).toBe(convertedName(f));
      expect(OUTPUTS[f].name("demo", "jeos")).toBe(`demo-jeos.${f}`);
    }
    expect(OUTPUTS.raw.name("demo", "jeos")).toBe("demo-jeos.raw");
  });

  it("takes only the formats it knows", () => {
    expect(convert.options.safeParse({ format: "vmdk" }).success).toBe(true);
    expect(convert.options.safeParse({ format: "vhdx" }).success).toBe(false);
  });
});
