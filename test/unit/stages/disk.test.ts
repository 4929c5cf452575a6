import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDeck } from "../../../src/deck/load.ts";
import { planSteps } from "../../../src/pipeline/plan.ts";
import disk, { EXPORT_PASSWORD_HASH } from "../../../src/stages/disk.ts";
import { ROOT } from "../../helpers/cli.ts";

const SETTINGS = { mirror: "/etc/hostname", epoch: 1735689600, append: "" };

describe("disk stage", () => {
  it("is planned per installable flavour only for disk outputs, on the flavour's install root", async () => {
    const demo = await loadDeck(join(ROOT, "flavours/demo.deck.yaml"));
    expect(planSteps(demo, SETTINGS).some((s) => s.stage.name === "disk")).toBe(false);
    const steps = planSteps(demo, { ...SETTINGS, outputs: ["raw"] });
    const disks = steps.filter((s) => s.stage.name === "disk");
    expect(disks.map((s) => s.key)).toEqual(["raw:jeos", "raw:server"]);
    expect(disks[0]!.consumes).toEqual({ root: "layer:jeos+install" });
    const root = steps.find((s) => s.key === "layer:jeos+install")!;
    expect(root.consumes).toEqual({ base: "layer:jeos" });
    expect(root.options).toMatchObject({ packages: ["linux-image-amd64", "systemd-sysv", "udev"] });
    expect(steps.findIndex((s) => s.key === "layer:jeos+install")).toBeLessThan(steps.indexOf(disks[0]!));
    expect(disks[0]!.options).toMatchObject({
      hostname: "jeos",
      user: "livedeck",
      passwordHash: EXPORT_PASSWORD_HASH,
      withXen: false,
    });
  });

  it("install settings plan the install roots (and Xen's on top) without any disk step", async () => {
    const demo = await loadDeck(join(ROOT, "flavours/demo.deck.yaml"));
    const steps = planSteps(demo, { ...SETTINGS, install: { flavour: "jeos", xen: true } });
    // the medium's install roots (plan-installer.ts) and the Xen one `livedeck install` adds, each once
    expect(
      steps.filter((s) => s.key.startsWith("layer:jeos+install")).map((s) => [s.key, s.consumes]),
    ).toEqual([
      ["layer:jeos+install", { base: "layer:jeos" }],
      ["layer:jeos+install+xen", { base: "layer:jeos+install" }],
    ]);
    expect(steps.find((s) => s.key === "layer:jeos+install+xen")!.options).toMatchObject({
      packages: ["xen-hypervisor-4.17-amd64", "xen-utils-4.17"],
    });
    expect(steps.some((s) => s.stage.name === "disk")).toBe(false);
  });

  it("refuses non-installable flavours and decks without any", async () => {
    const ci = await loadDeck(join(ROOT, "flavours/ci.deck.yaml"));
    expect(() => planSteps(ci, { ...SETTINGS, outputs: ["qcow2"] })).toThrow(
      /no flavour in this deck is installable/,
    );
    expect(() => planSteps(ci, { ...SETTINGS, install: { flavour: "debian", xen: false } })).toThrow(
      /flavour debian is not installable/,
    );
    expect(() => planSteps(ci, { ...SETTINGS, install: { flavour: "nope", xen: false } })).toThrow(
      /flavour nope is not in this deck/,
    );
  });

  it("checks its options: names, hash, size", () => {
    const ok = {
      flavour: "jeos",
      sizeMiB: 4096,
      hostname: "jeos",
      user: "livedeck",
      passwordHash: EXPORT_PASSWORD_HASH,
      withXen: false,
    };
    expect(disk.options.safeParse(ok).success).toBe(true);
    for (const bad of [
      { hostname: "a_b" },
      { user: "Root;" },
      { passwordHash: "secret" },
      { sizeMiB: 100 },
      { extra: 1 },
    ])
      expect(disk.options.safeParse({ ...ok, ...bad }).success, JSON.stringify(bad)).toBe(false);
  });
});
