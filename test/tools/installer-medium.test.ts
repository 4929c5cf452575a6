import { execa } from "execa";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INSTALLER_PROGRAMS } from "../../src/install/programs.ts";
import installerMedium from "../../src/stages/installer-medium.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { fakeElf } from "../helpers/elf.ts";
import { runStage } from "../helpers/stage-ctx.ts";
import { writeRootfsTarWithParents, type RootfsEntry } from "../helpers/tars.ts";

const LIB = "usr/lib/x86_64-linux-gnu";
const LOADER = "/lib64/ld-linux-x86-64.so.2";
/** What the small dom0 below lacks: sfdisk (with libfdisk), mkfs.vfat → mkfs.fat, mmd/mcopy → mtools. */
const LACKING = ["/usr/sbin/sfdisk", "/usr/sbin/mkfs.vfat", "/usr/bin/mmd", "/usr/bin/mcopy"];

/** The tools' rootfs in small: every installer program (links where Debian has them), GRUB's dirs. */
function rootfs(): RootfsEntry[] {
  const exe = (needed: string[] = []) => fakeElf({ interp: LOADER, needed: ["libc.so.6", ...needed] });
  const programs = INSTALLER_PROGRAMS.filter(
    (p) => !["/usr/sbin/mkfs.vfat", "/usr/bin/mmd", "/usr/bin/mcopy"].includes(p),
  );
  return [
    { name: "./lib64", type: "symlink", linkname: "usr/lib64" },
    { name: "./usr/lib64/ld-linux-x86-64.so.2", type: "file", mode: 0o755, body: fakeElf() },
    { name: `./${LIB}/libc.so.6`, type: "file", body: fakeElf() },
    { name: `./${LIB}/libfdisk.so.1`, type: "file", body: fakeElf() },
    ...programs.map((p): RootfsEntry => ({
      name: `.${p}`,
      type: "file",
      mode: 0o755,
      body: exe(p.endsWith("sfdisk") ? ["libfdisk.so.1"] : []),
    })),
    { name: "./usr/sbin/mkfs.fat", type: "file", mode: 0o755, body: exe() },
    { name: "./usr/sbin/mkfs.vfat", type: "symlink", linkname: "mkfs.fat" },
    { name: "./usr/bin/mtools", type: "file", mode: 0o755, body: exe() },
    { name: "./usr/bin/mmd", type: "symlink", linkname: "mtools" },
    { name: "./usr/bin/mcopy", type: "symlink", linkname: "mtools" },
    ...["i386-pc", "x86_64-efi"].flatMap((p): RootfsEntry[] => [
      { name: `./usr/lib/grub/${p}/kernel.img`, type: "file", body: "k" },
      { name: `./usr/lib/grub/${p}/ext2.mod`, type: "file", body: "m" },
    ]),
    { name: "./usr/lib/grub/x86_64-efi/monolithic/grubx64.efi", type: "file", body: "big" },
    { name: "./etc/mke2fs.conf", type: "file", body: "[defaults]\n" },
    { name: `./${LIB}/gconv/IBM850.so`, type: "file", body: fakeElf() },
  ];
}

describe("installer-medium stage with real mksquashfs, read back with unsquashfs", () => {
  let tmp: string;
  let out: string;

  beforeAll(async () => {
    await requireTools([...installerMedium.tools, "unsquashfs"], "the installer-medium stage tests");
    tmp = await mkdtemp(join(tmpdir(), "livedeck-installer-medium-"));
    const tools = await writeRootfsTarWithParents(join(tmp, "tools"), rootfs());
    // the pruned dom0: the loader, libc, mke2fs.conf and every program but those LACKING
    const root = join(tmp, "prune", "root");
    const have = [
      "usr/lib64/ld-linux-x86-64.so.2",
      `${LIB}/libc.so.6`,
      "etc/mke2fs.conf",
      ...INSTALLER_PROGRAMS.filter((p) => !LACKING.includes(p)).map((p) => p.slice(1)),
    ];
    for (const f of have) {
      await mkdir(dirname(join(root, f)), { recursive: true });
      await writeFile(join(root, f), "");
    }
    await symlink("usr/lib64", join(root, "lib64"));
    out = (
      await runStage(
        installerMedium,
        { epoch: 1_700_000_000 },
        { dir: tmp, debs: tmp, inputs: { tools, dom0: join(tmp, "prune") } },
      )
    ).out;
  }, 120_000);
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it("packs what the pruned dom0 lacks: the programs with their links and libraries, GRUB's modules but no monolithic images", async () => {
    const { stdout } = await execa("unsquashfs", [
      "-lls",
      "-d",
      "",
      join(out, "installer", "installer.squashfs"),
    ]);
    const names = stdout
      .split("\n")
      .filter((l) => /^[-l]/.test(l))
      .map((l) => l.split(/\s+/).slice(5).join(" "))
      .sort();
    expect(names).toEqual([
      "/usr/bin/mcopy -> mtools",
      "/usr/bin/mmd -> mtools",
      "/usr/bin/mtools",
      "/usr/lib/grub/i386-pc/ext2.mod",
      "/usr/lib/grub/i386-pc/kernel.img",
      "/usr/lib/grub/x86_64-efi/ext2.mod",
      "/usr/lib/grub/x86_64-efi/kernel.img",
      `/${LIB}/gconv/IBM850.so`,
      `/${LIB}/libfdisk.so.1`,
      "/usr/sbin/mkfs.fat",
      "/usr/sbin/mkfs.vfat -> mkfs.fat",
      "/usr/sbin/sfdisk",
    ]);
  });
});
