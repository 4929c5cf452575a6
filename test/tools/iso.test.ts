import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeckSchema } from "../../src/deck/schema.ts";
import { menuVars } from "../../src/formats/grub-menu.ts";
import iso, { fatSerial, GUESTS_TREE, ISO_FILE, IsoOptions } from "../../src/stages/iso.ts";
import { MEDIUM_FILE } from "../../src/manifest/medium.ts";
import menu from "../../src/stages/menu.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { exec } from "../../src/tools/exec.ts";
import { runStage } from "../helpers/stage-ctx.ts";

const opts = IsoOptions.parse({ label: "LDTEST_1", epoch: 1700000000, memtest: true, dom0MemoryMiB: 1536 });

const xorriso = async (isoPath: string, ...cmd: string[]) =>
  (await exec(["xorriso", "-indev", isoPath, ...cmd], { stage: "test" })).stdout;

/** Waits into the next wall-clock second: mformat seeds its random FAT serial from time(). */
const nextSecond = () => new Promise((r) => setTimeout(r, 1100 - (Date.now() % 1000)));

describe("iso stage with real grub-mkrescue", () => {
  let dir: string;
  let inputs: { menu: string; dom0: string; guests: string };
  const built: { path: string; seconds: number }[] = [];

  const build = async (o = opts) => {
    const t0 = Date.now();
    const { out, report } = await runStage(iso, o, { dir, debs: dir, inputs });
    return { out, report, path: join(out, ISO_FILE), seconds: (Date.now() - t0) / 1000 };
  };

  beforeAll(async () => {
    await requireTools([...iso.tools, ...menu.tools], "the iso stage tests");
    dir = await mkdtemp(join(tmpdir(), "livedeck-iso-"));
    const dom0 = join(dir, "dom0");
    await mkdir(dom0);
    // Tiny stand-ins: the ISO stage copies these bytes, it never looks inside.
    await writeFile(join(dom0, "xen.gz"), "fake xen\n");
    await writeFile(join(dom0, "vmlinuz"), "fake kernel\n");
    await writeFile(join(dom0, "dom0.img"), "fake initrd\n");
    const m = await runStage(
      menu,
      menuVars(DeckSchema.parse({ name: "isotest", boot: { label: opts.label } })),
      {
        dir,
        debs: dir,
      },
    );
    // A deck without guests: the guests tree is there but empty.
    const guests = join(dir, "guests");
    await mkdir(join(guests, GUESTS_TREE), { recursive: true });
    inputs = { menu: m.out, dom0, guests };
    for (let i = 0; i < 2; i++) {
      if (i) await nextSecond();
      built.push(await build());
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("is byte-identical when built twice (different seconds, fresh trees)", async () => {
    console.log(`iso stage: ${built.map((b) => `${b.seconds.toFixed(2)} s`).join(", ")}`);
    await exec(["cmp", built[0]!.path, built[1]!.path], { stage: "test" });
  });

  it("has a BIOS and a UEFI El Torito boot image", async () => {
    const report = await xorriso(built[0]!.path, "-report_el_torito", "plain");
    expect(report).toMatch(/^El Torito boot img : +1 +BIOS +y +none /m);
    expect(report).toMatch(/^El Torito boot img : +2 +UEFI +y +none /m);
    const cmd = await xorriso(built[0]!.path, "-report_el_torito", "cmd");
    const platforms = [...cmd.matchAll(/^-boot_image any platform_id=(0x[0-9a-f]{2})$/gm)].map((m) => m[1]);
    expect(platforms).toEqual(["0x00", "0xef"]);
  });

  it("is hybrid: MBR with GPT, and the EFI partition is the El Torito UEFI image", async () => {
    const area = await xorriso(built[0]!.path, "-report_system_area", "plain");
    expect(area).toMatch(/^System area summary: MBR protective-msdos-label grub2-mbr .*GPT/m);
    expect(area).toMatch(/^GPT partition path : +\d+ +\/efi\.img$/m);
  });

  it("carries the label as volume id and the epoch as its dates", async () => {
    const pvd = await xorriso(built[0]!.path, "-pvd_info");
    expect(pvd).toMatch(/^Volume Id +: LDTEST_1$/m);
    expect(pvd).toMatch(/^Creation Time: 2023111422132000$/m);
    expect(pvd).toMatch(/^Modif\. Time +: 2023111422132000$/m);
  });

  it("holds menu, Xen, dom0, memtest86+ and the marker; the work tree is gone", async () => {
    const files = (await xorriso(built[0]!.path, "-find", "/", "-type", "f")).split("\n");
    for (const f of [
      "/boot/grub/grub.cfg",
      "/boot/xen.gz",
      "/boot/vmlinuz",
      "/boot/dom0.img",
      "/boot/memtest86+x64.bin",
      "/boot/memtest86+x64.efi",
      "/.livedeck",
    ]) {
      expect(files).toContain(`'${f}'`);
    }
    const out = join(built[0]!.path, "..");
    // beside the ISO only the manifest's record of the medium: its and every tree file's sha256
    expect((await readdir(out)).sort()).toEqual([ISO_FILE, MEDIUM_FILE].sort());
    const medium = JSON.parse(await readFile(join(out, MEDIUM_FILE), "utf8"));
    expect(Object.keys(medium.files)).toEqual(expect.arrayContaining(["boot/dom0.img", "boot/grub/grub.cfg", ".livedeck"]));
    expect(medium.iso.bytes).toBe((await readFile(built[0]!.path)).length);
    const cfg = join(dir, "extracted.cfg");
    await xorriso(built[0]!.path, "-osirrox", "on", "-extract", "/boot/grub/grub.cfg", cfg);
    expect(await readFile(cfg, "utf8")).toBe(await readFile(join(inputs.menu, "grub.cfg"), "utf8"));
  });

  it("gives the EFI image the fixed FAT serial", async () => {
    const img = join(dir, "efi.img");
    await xorriso(built[0]!.path, "-osirrox", "on", "-extract", "/efi.img", img);
    const serial = (await readFile(img)).readUInt32LE(39).toString(16).padStart(8, "0");
    expect(serial).toBe(fatSerial(opts));
  });

  it("leaves memtest86+ out when asked, and another epoch gives other bytes", async () => {
    const b = await build({ ...opts, memtest: false, epoch: opts.epoch + 86400 });
    const files = await xorriso(b.path, "-find", "/boot", "-type", "f");
    expect(files).not.toContain("memtest");
    expect(files).toContain("'/boot/xen.gz'");
    expect(await xorriso(b.path, "-pvd_info")).toMatch(/^Creation Time: 2023111522132000$/m);
  });

  it("names a missing dom0 file", async () => {
    const empty = join(dir, "empty");
    await mkdir(empty);
    const e = await runStage(iso, opts, { dir, debs: dir, inputs: { ...inputs, dom0: empty } }).catch(
      (x: Error) => x,
    );
    expect((e as Error).message).toBe(
      `iso: ${join(empty, "xen.gz")} is missing (expected from an upstream stage or the host)`,
    );
  });
});
