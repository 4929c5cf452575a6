import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeckSchema } from "../../src/deck/schema.ts";
import { menuVars } from "../../src/formats/grub-menu.ts";
import { startBoot } from "../../src/qemu/session.ts";
import iso, { GUESTS_TREE, ISO_FILE } from "../../src/stages/iso.ts";
import menu from "../../src/stages/menu.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { runStage } from "../helpers/stage-ctx.ts";

// The real menu on a real ISO from the iso stage, with stand-in Xen/dom0 files (nothing boots past
// GRUB): the menu must reach the serial line under BIOS and UEFI, from CD and USB stick.
const deck = DeckSchema.parse({
  name: "menucheck",
  description: "serial menu check",
  boot: { timeout: 600 },
});

describe("the boot menu on the serial line", () => {
  let dir: string;
  let medium: string;
  beforeAll(async () => {
    await requireTools([...iso.tools, ...menu.tools, "qemu-system-x86_64", "ovmf"], "the menu boot tests");
    dir = await mkdtemp(join(tmpdir(), "livedeck-menu-boot-"));
    const dom0 = join(dir, "dom0");
    await mkdir(dom0);
    for (const f of ["xen.gz", "vmlinuz", "dom0.img"]) await writeFile(join(dom0, f), `stand-in ${f}\n`);
    const m = await runStage(menu, menuVars(deck), { dir, debs: dir });
    const opts = { label: deck.boot.label, epoch: 1700000000, memtest: true, dom0MemoryMiB: 512 };
    const guests = join(dir, "guests");
    await mkdir(join(guests, GUESTS_TREE), { recursive: true });
    const i = await runStage(iso, opts, { dir, debs: dir, inputs: { menu: m.out, dom0, guests } });
    medium = join(i.out, ISO_FILE);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  // Every entry's heading (`*` marks the default, highlighted one) and the deck's timeout. GRUB
  // draws the menu with cursor moves and no newlines, so this reads the raw console, not lines.
  const expected = [
    "*menucheck: serial menu check",
    " menucheck: verbose boot (all Xen and kernel messages)",
    " menucheck: rescue shell (dom0 only, no guests)",
    " menucheck: serial console only (com1, 115200 baud)",
    " Memory test (memtest86+)",
    "The highlighted entry will be executed automatically in 600s.",
  ];
  const screen = (raw: string) => raw.replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, "\n");

  it.each([
    ["BIOS CD", false, false],
    ["UEFI CD", true, false],
    ["BIOS USB stick", false, true],
    ["UEFI USB stick", true, true],
  ])("%s shows every entry", async (how, uefi, usb) => {
    let raw = "";
    let seen: () => void = () => {};
    const complete = new Promise<void>((r) => (seen = r));
    const t0 = Date.now();
    const s = await startBoot({
      iso: medium,
      uefi,
      usb,
      memoryMiB: 768, // ≥ the medium's dom0 (512) + Xen: boot refuses less
      net: false,
      logDir: join(dir, `boot-${how.replaceAll(" ", "-")}`),
      onConsoleData: (c) => {
        raw += c.toString("latin1");
        if (expected.every((h) => screen(raw).includes(h))) seen();
      },
    });
    try {
      const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 30_000));
      const got = await Promise.race([complete, timeout]);
      expect(got, `menu incomplete; the console showed:\n${screen(raw).slice(-2000)}`).not.toBe("timeout");
      console.log(`${how}: whole menu on the serial line after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } finally {
      await s.stop();
    }
  });
});
