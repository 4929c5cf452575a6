import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDeck } from "../../../src/deck/load.ts";
import { planSteps } from "../../../src/pipeline/plan.ts";
import { ROOT } from "../../helpers/cli.ts";

const SETTINGS = { mirror: "/etc/hostname", epoch: 1735689600, append: "" };

describe("plan of guests", () => {
  async function deckWith(files: Record<string, string>) {
    const dir = await mkdtemp(join(tmpdir(), "livedeck-plan-"));
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    return loadDeck(join(dir, "x.deck.yaml"));
  }

  it("the CI deck: busybox guests share the kernel and initrd; the Debian one adds base, empty layer and pool", async () => {
    const steps = planSteps(await loadDeck(join(ROOT, "flavours/ci.deck.yaml")), SETTINGS);
    expect(steps.map((s) => s.key)).toEqual([
      "rootfs:dom0",
      "prune:dom0",
      "dom0-initrd",
      "switcher-medium",
      "rootfs:guest-base",
      "squashfs:guest-base",
      "layer:debian",
      "squashfs:debian",
      "guest-initrd",
      "pool",
      "guests-medium",
      // no saved states in the CI deck (states.cpus: []): no prime steps
      "menu",
      "iso",
    ]);
    const medium = steps.find((s) => s.key === "guests-medium")!;
    expect((medium.options as { guests: { layers: string[] }[] }).guests.map((g) => g.layers)).toEqual([
      [],
      [],
      ["guest-base", "debian"],
    ]);
  });

  it("the CI deck with its Debian flavour installable (as the install tests make it): the installer's tools and its install root", async () => {
    const ci = await loadDeck(join(ROOT, "flavours/ci.deck.yaml"));
    ci.flavours.get("debian")!.flavour.installable = true;
    const steps = planSteps(ci, SETTINGS);
    expect(steps.map((s) => s.key).slice(steps.findIndex((s) => s.key === "pool"))).toEqual([
      "pool",
      "layer:dom0+installer",
      "installer-medium",
      "layer:debian+install",
      "squashfs:debian+install",
      "layer:debian+install+xen",
      "squashfs:debian+install+xen",
      "guests-medium",
      "menu",
      "iso",
    ]);
    const medium = steps.find((s) => s.key === "guests-medium")!;
    // dom0 installs the guest's installable flavour: the tools and the flavour's install root
    expect((medium.options as { installLayers?: string[] }).installLayers).toEqual(["debian+install", "debian+install+xen"]);
    expect(medium.consumes).toMatchObject({
      installer: "installer-medium",
      "layer:debian+install": "squashfs:debian+install",
      "layer:debian+install+xen": "squashfs:debian+install+xen",
    });
    expect(steps.find((s) => s.key === "layer:dom0+installer")!.consumes).toEqual({
      base: "rootfs:guest-base",
    });
    expect(steps.find((s) => s.key === "installer-medium")!.consumes).toEqual({
      tools: "layer:dom0+installer",
      dom0: "prune:dom0",
    });
    expect(steps.find((s) => s.key === "layer:debian+install")!.consumes).toEqual({ base: "layer:debian" });
  });

  it("no installable flavour among the guests: no installer steps, guests-medium's options as before", async () => {
    const loaded = await deckWith({
      "x.deck.yaml": "name: x\nguests:\n  - name: g\n    flavour: f\n",
      "f.yaml": "name: f\npackages: [hello]\n",
    });
    const steps = planSteps(loaded, SETTINGS);
    expect(steps.some((s) => /installer|\+install/.test(s.key))).toBe(false);
    expect(steps.find((s) => s.key === "guests-medium")!.options).not.toHaveProperty("installLayers");
  });

  it("a flavour with a script gets one image: its packages and its script's changes, against its base", async () => {
    const loaded = await deckWith({
      "x.deck.yaml": "name: x\nguests:\n  - name: g\n    flavour: f\n",
      "f.yaml": "name: f\npackages: [hello]\nscript: f.sh\n",
      "f.sh": "true\n",
    });
    const steps = planSteps(loaded, SETTINGS);
    const medium = steps.find((s) => s.key === "guests-medium")!;
    expect((medium.options as { guests: { layers: string[] }[] }).guests[0]!.layers).toEqual([
      "guest-base",
      "f",
    ]);
    expect(steps.find((s) => s.key === "script:f")!.consumes).toEqual({
      base: "layer:f",
      under: "rootfs:guest-base",
    });
    expect(steps.find((s) => s.key === "squashfs:f")!.consumes).toEqual({ layer: "script:f" });
    expect(steps.some((s) => s.key.startsWith("squashfs:f."))).toBe(false);
    expect(steps.find((s) => s.key === "pool")!.consumes).toEqual({ "rootfs:f": "script:f" });
  });

  it("refuses packages on a busybox flavour and a flavour named like the shared base", async () => {
    const bb = await deckWith({
      "x.deck.yaml": "name: x\nguests:\n  - name: g\n    flavour: tiny\n",
      "tiny.yaml": "name: tiny\nbase: busybox\npackages: [hello]\n",
    });
    expect(() => planSteps(bb, SETTINGS)).toThrow(
      /flavour tiny runs on the busybox base, which cannot take Debian packages or a script/,
    );
    const reserved = await deckWith({
      "x.deck.yaml": "name: x\nguests:\n  - name: g\n    flavour: guest-base\n",
      "guest-base.yaml": "name: guest-base\n",
    });
    expect(() => planSteps(reserved, SETTINGS)).toThrow(
      /the flavour name guest-base is reserved for the shared base/,
    );
  });
});
