import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDeck } from "../../../src/deck/load.ts";
import { ancestors, descendants, planSteps, selectSteps } from "../../../src/pipeline/plan.ts";
import { resolveIds } from "../../../src/pipeline/resolve.ts";
import { selectRun } from "../../../src/pipeline/runner.ts";
import { ROOT } from "../../helpers/cli.ts";

const SETTINGS = { mirror: "/etc/hostname", epoch: 1735689600, append: "" };
const TOOLS = { mmdebstrap: "1.3.5-7" };

async function copyFlavours(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "livedeck-plan-"));
  await cp(join(ROOT, "flavours"), dir, { recursive: true });
  return dir;
}

async function ids(deckFile: string, settings = SETTINGS, tools = TOOLS) {
  const steps = await resolveIds(planSteps(await loadDeck(deckFile), settings), tools);
  return new Map(steps.map((s) => [s.key, s.id]));
}

describe("plan of the default deck", () => {
  it("lists dom0, guest layers (stacked on their base flavour) and the ISO in build order", async () => {
    const steps = planSteps(await loadDeck(join(ROOT, "flavours/demo.deck.yaml")), SETTINGS);
    const keys = steps.map((s) => s.key);
    expect(keys).toEqual([
      "rootfs:dom0",
      "prune:dom0",
      "dom0-initrd",
      "switcher-medium",
      "rootfs:guest-base",
      "squashfs:guest-base",
      "layer:jeos",
      "squashfs:jeos",
      "layer:server",
      "script:server",
      "squashfs:server",
      "guest-initrd",
      "pool",
      "layer:dom0+installer",
      "installer-medium",
      "layer:jeos+install",
      "squashfs:jeos+install",
      "layer:jeos+install+xen",
      "squashfs:jeos+install+xen",
      "layer:server+install",
      "squashfs:server+install",
      "layer:server+install+xen",
      "squashfs:server+install+xen",
      "guests-medium",
      "menu:prime",
      "iso:prime",
      "prime:intel",
      "prime:amd",
      "menu",
      "iso",
    ]);
    const consumes = (key: string) => steps.find((s) => s.key === key)!.consumes;
    expect(consumes("layer:server")).toEqual({ base: "layer:jeos" });
    expect(consumes("squashfs:guest-base")).toEqual({ layer: "rootfs:guest-base" });
    expect(consumes("squashfs:server")).toEqual({ layer: "script:server" });
    expect(consumes("guest-initrd")).toEqual({ rootfs: "rootfs:dom0" });
    // each layer image once, however many guests stack it
    expect(consumes("guests-medium")).toEqual({
      initrd: "guest-initrd",
      "layer:guest-base": "squashfs:guest-base",
      "layer:jeos": "squashfs:jeos",
      "layer:server": "squashfs:server",
      pool: "pool",
      switcher: "switcher-medium",
      installer: "installer-medium",
      "layer:jeos+install": "squashfs:jeos+install",
      "layer:jeos+install+xen": "squashfs:jeos+install+xen",
      "layer:server+install": "squashfs:server+install",
      "layer:server+install+xen": "squashfs:server+install+xen",
    });
    expect(consumes("pool")).toEqual({ "rootfs:jeos": "layer:jeos", "rootfs:server": "script:server" });
    expect(consumes("script:server")).toEqual({ base: "layer:server", under: "layer:jeos" });
    expect(consumes("switcher-medium")).toEqual({ rootfs: "rootfs:dom0", dom0: "prune:dom0" });
    expect(consumes("iso")).toEqual({
      menu: "menu",
      dom0: "dom0-initrd",
      guests: "guests-medium",
      "states:intel": "prime:intel",
      "states:amd": "prime:amd",
    });
    // the prime medium boots `livedeck.prime`, whatever `build --append` says
    expect(consumes("iso:prime")).toEqual({
      menu: "menu:prime",
      dom0: "dom0-initrd",
      guests: "guests-medium",
    });
    expect(consumes("prime:amd")).toEqual({ iso: "iso:prime", guests: "guests-medium" });
    expect(steps.find((s) => s.key === "prime:intel")!.options).toMatchObject({
      vendor: "intel",
      cpu: "Nehalem",
    });
    expect(steps.find((s) => s.key === "menu:prime")!.options).toMatchObject({
      append: "livedeck.prime livedeck.guest-timeout=1800",
      memtest: false,
    });
    const medium = steps.find((s) => s.key === "guests-medium")!.options as {
      guests: { guest: { name: string }; layers: string[] }[];
    };
    expect(medium.guests.map((g) => [g.guest.name, g.layers])).toEqual([
      ["micro", []],
      ["jeos", ["guest-base", "jeos"]],
      ["server", ["guest-base", "jeos", "server"]],
    ]);
    for (const [i, s] of steps.entries()) {
      for (const up of Object.values(s.consumes)) expect(keys.indexOf(up)).toBeLessThan(i);
    }
  });

  it("changing one flavour's packages changes exactly the ids downstream of its layer", async () => {
    const dir = await copyFlavours();
    const before = await ids(join(dir, "demo.deck.yaml"));
    const jeos = join(dir, "jeos.yaml");
    await writeFile(
      jeos,
      (await readFile(jeos, "utf8")).replace("  - openssh-server", "  - openssh-server\n  - less"),
    );
    const after = await ids(join(dir, "demo.deck.yaml"));
    const changed = [...before.keys()].filter((k) => before.get(k) !== after.get(k));
    expect(changed).toEqual([
      "layer:jeos",
      "squashfs:jeos",
      "layer:server",
      "script:server",
      "squashfs:server",
      "pool",
      "layer:jeos+install",
      "squashfs:jeos+install",
      "layer:jeos+install+xen",
      "squashfs:jeos+install+xen",
      "layer:server+install",
      "squashfs:server+install",
      "layer:server+install+xen",
      "squashfs:server+install+xen",
      "guests-medium",
      "iso:prime",
      "prime:intel",
      "prime:amd",
      "iso",
    ]);
  });

  it("a change to the dom0 memory changes the menus, the ISOs and the saved states", async () => {
    const dir = await copyFlavours();
    const before = await ids(join(dir, "demo.deck.yaml"));
    const deck = join(dir, "demo.deck.yaml");
    await writeFile(deck, (await readFile(deck, "utf8")).replace('memory: "1536M"', 'memory: "2G"'));
    const after = await ids(deck);
    expect([...before.keys()].filter((k) => before.get(k) !== after.get(k))).toEqual([
      "menu:prime",
      "iso:prime",
      "prime:intel",
      "prime:amd",
      "menu",
      "iso",
    ]);
  });

  it("the same deck in another directory has the same ids; a script's text, not its path, is in its step's id", async () => {
    const [a, b] = [await copyFlavours(), await copyFlavours()];
    const here = await ids(join(a, "demo.deck.yaml"));
    expect(await ids(join(b, "demo.deck.yaml"))).toEqual(here);
    const sh = join(b, "server.sh");
    await writeFile(sh, `${await readFile(sh, "utf8")}\n# one more line\n`);
    const edited = await ids(join(b, "demo.deck.yaml"));
    expect(edited.get("script:server")).not.toBe(here.get("script:server"));
    expect(edited.get("layer:server")).toBe(here.get("layer:server"));
  });

  it("a new tool version or epoch changes the ids of the steps that use it", async () => {
    const deck = join(ROOT, "flavours/demo.deck.yaml");
    const base = await ids(deck);
    const newTool = await ids(deck, SETTINGS, { mmdebstrap: "1.4.0-1" });
    expect(newTool.get("rootfs:dom0")).not.toBe(base.get("rootfs:dom0"));
    const newEpoch = await ids(deck, { ...SETTINGS, epoch: SETTINGS.epoch + 1 });
    expect(newEpoch.get("iso")).not.toBe(base.get("iso"));
  });
});

describe("step selection", () => {
  it("--stop-after keeps only what the target needs; --from forces it and what follows", async () => {
    const steps = await resolveIds(
      planSteps(await loadDeck(join(ROOT, "flavours/demo.deck.yaml")), SETTINGS),
      TOOLS,
    );
    const { run, forced } = selectRun(steps, { stopAfter: "layer:jeos", from: "layer" });
    expect(run.map((s) => s.key)).toEqual(["rootfs:guest-base", "layer:jeos"]);
    expect([...forced].sort()).toEqual([
      "guests-medium",
      "installer-medium",
      "iso",
      "iso:prime",
      "layer:dom0+installer",
      "layer:jeos",
      "layer:jeos+install",
      "layer:jeos+install+xen",
      "layer:server",
      "layer:server+install",
      "layer:server+install+xen",
      "pool",
      "prime:amd",
      "prime:intel",
      "script:server",
      "squashfs:jeos",
      "squashfs:jeos+install",
      "squashfs:jeos+install+xen",
      "squashfs:server",
      "squashfs:server+install",
      "squashfs:server+install+xen",
    ]);
    expect(ancestors(steps, selectSteps(steps, "dom0-initrd", "--stop-after")).map((s) => s.key)).toEqual([
      "rootfs:dom0",
      "prune:dom0",
      "dom0-initrd",
    ]);
    expect([...descendants(steps, selectSteps(steps, "prune:dom0", "--from"))]).toEqual([
      "prune:dom0",
      "dom0-initrd",
      "switcher-medium",
      "installer-medium",
      "guests-medium",
      "iso:prime",
      "prime:intel",
      "prime:amd",
      "iso",
    ]);
    expect([...descendants(steps, selectSteps(steps, "rootfs:dom0", "--from"))]).toEqual([
      "rootfs:dom0",
      "prune:dom0",
      "dom0-initrd",
      "switcher-medium",
      "guest-initrd",
      "installer-medium",
      "guests-medium",
      "iso:prime",
      "prime:intel",
      "prime:amd",
      "iso",
    ]);
  });

  it("an unknown stage name is a user error with a did-you-mean hint", async () => {
    const steps = planSteps(await loadDeck(join(ROOT, "flavours/demo.deck.yaml")), SETTINGS);
    expect(() => selectSteps(steps, "layr:jeos", "--stop-after")).toThrow(/no such stage/);
    try {
      selectSteps(steps, "layr:jeos", "--stop-after");
    } catch (e) {
      expect((e as { hint?: string }).hint).toBe("did you mean layer:jeos?");
    }
  });
});
