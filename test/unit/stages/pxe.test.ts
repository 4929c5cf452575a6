import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDeck } from "../../../src/deck/load.ts";
import { templateFiles } from "../../../src/formats/grub-menu.ts";
import { planSteps } from "../../../src/pipeline/plan.ts";
import pxe from "../../../src/stages/pxe.ts";
import { MEMTEST } from "../../../src/stages/iso.ts";
import { ROOT } from "../../helpers/cli.ts";

const SETTINGS = { mirror: "/etc/hostname", epoch: 1735689600, append: "" };

describe("pxe stage", () => {
  it("is planned only when the pxe output is asked for, after the iso, from dom0's and the guests' steps", async () => {
    const ci = await loadDeck(join(ROOT, "flavours/ci.deck.yaml"));
    expect(planSteps(ci, SETTINGS).map((s) => s.key)).not.toContain("pxe");
    const steps = planSteps(ci, { ...SETTINGS, outputs: ["iso", "pxe"] });
    const st = steps.find((s) => s.key === "pxe")!;
    expect(steps.at(-1)).toBe(st);
    expect(st.consumes).toEqual({ dom0: "dom0-initrd", guests: "guests-medium" });
    // micro1 and micro2 (flavour micro) and deb (flavour debian): the RAM the menu's note adds up
    expect(st.options).toMatchObject({ guestsMemoryMiB: expect.any(Number) });
    expect((st.options as { guestsMemoryMiB: number }).guestsMemoryMiB).toBeGreaterThan(0);
    expect((st.options as { menu: object }).menu).not.toHaveProperty("net");
  });

  it("hashes the templates and memtest86+, and names its tools", () => {
    const o = pxe.options.parse({
      menu: {
        name: "ci",
        title: "ci",
        timeout: 1,
        defaultEntry: "demo",
        label: "LIVEDECK",
        dom0MemoryMiB: 1024,
        dom0Vcpus: 2,
        append: "",
        root: "",
        memtest: true,
      },
      guestsMemoryMiB: 320,
    });
    expect(pxe.inputs(o)).toEqual([...templateFiles(), MEMTEST.bin, MEMTEST.efi]);
    expect(pxe.tools).toContain("grub-mknetdir");
    expect(pxe.consumes).toEqual(["dom0", "guests"]);
  });

  it("refuses menu variables the stage fills in itself", () => {
    const r = pxe.options.safeParse({ menu: { net: false }, guestsMemoryMiB: 0 });
    expect(r.success).toBe(false);
  });
});
