import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TarHeader, TarType } from "../../../src/formats/tar.ts";
import { INSTALLER_DATA, INSTALLER_PROGRAMS } from "../../../src/install/programs.ts";
import installerMedium, { dataFiles } from "../../../src/stages/installer-medium.ts";
import { ROOT } from "../../helpers/cli.ts";

const h = (name: string, type: TarType, linkname = ""): TarHeader => ({
  name,
  type,
  mode: 0o644,
  uid: 0,
  gid: 0,
  size: 0,
  mtime: 0,
  linkname,
  devmajor: 0,
  devminor: 0,
  pax: [],
});

describe("installer-medium stage", () => {
  it("takes every file below a data directory but GRUB's prebuilt monolithic images", () => {
    const index = new Map(
      [
        ...["etc", "usr", "usr/lib", "usr/lib/grub"].map((d) => h(d, "directory")),
        h("usr/lib/grub/x86_64-efi", "directory"),
        h("usr/lib/grub/x86_64-efi/kernel.img", "file"),
        h("usr/lib/grub/x86_64-efi/ext2.mod", "file"),
        h("usr/lib/grub/x86_64-efi/monolithic", "directory"),
        h("usr/lib/grub/x86_64-efi/monolithic/grubx64.efi", "file"),
        h("usr/lib/grub/x86_64-efi2/x.mod", "file"),
        h("etc/mke2fs.conf", "file"),
      ].map((x) => [x.name, x]),
    );
    expect(dataFiles(index, ["usr/lib/grub/x86_64-efi", "etc/mke2fs.conf"]).map((r) => r.path)).toEqual([
      "usr/lib/grub/x86_64-efi/ext2.mod",
      "usr/lib/grub/x86_64-efi/kernel.img",
      "etc/mke2fs.conf",
    ]);
    expect(() => dataFiles(index, ["usr/lib/grub/i386-pc"])).toThrow(
      /the tools' root has no \/usr\/lib\/grub\/i386-pc/,
    );
  });

  it("lists every program the installer's code runs", async () => {
    const names = new Set(INSTALLER_PROGRAMS.map((p) => p.split("/").at(-1)));
    const dir = join(ROOT, "src/install");
    const text = (
      await Promise.all(
        ["argv.ts", "install.ts", "bootloader.ts", "root-tree.ts", "grub-boot.ts"].map((f) =>
          readFile(join(dir, f), "utf8"),
        ),
      )
    ).join("\n");
    // argv literals: ["sfdisk", …] and return ["mount", …]
    const run = [...text.matchAll(/\[\s*"([a-z][a-z0-9.-]+)",/g)].map((m) => m[1]!);
    // chroot'ed commands run the new root's own programs; GRUB's platforms and modules are not programs
    const inNewRoot = new Set(["useradd", "update-initramfs", "systemctl", "bios", "biosdisk", "part_gpt"]);
    expect(run.length).toBeGreaterThan(8);
    for (const p of run.filter((p) => !inNewRoot.has(p))) expect(names, p).toContain(p);
    expect(INSTALLER_DATA).toContain("usr/lib/grub/i386-pc");
  });

  it("consumes the tools' layer and dom0's pruned tree", () => {
    expect(installerMedium.consumes).toEqual(["tools", "dom0"]);
    expect(installerMedium.tools).toEqual(["mksquashfs"]);
  });
});
