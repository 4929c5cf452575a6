import { lstat, mkdir, readdir, readFile, rmdir, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { UserError } from "../errors.ts";
import { walkTree } from "../formats/cpio-tree.ts";
import { globEscape, globToRegExpSource } from "../formats/glob.ts";
import { moduleClosure } from "../formats/modules-dep.ts";
import { planPrune, treeBytes, type PruneRule } from "../formats/tree-prune.ts";
import { defineStage } from "../pipeline/stage.ts";
import { tarExtractArgv } from "../formats/tar-argv.ts";

/** Kernel modules dom0 needs (DESIGN.md "Pinned facts"), plus what it takes to find its medium. */
export const DOM0_MODULES = [
  // Xen backends and the device files the toolstack opens
  ...["xenfs", "xen-evtchn", "xen-gntdev", "xen-gntalloc", "xen-privcmd", "xen-blkback", "xen-netback"],
  // guest networking and guest/medium filesystems
  ...["bridge", "dummy", "overlay", "squashfs", "loop", "isofs", "zstd"],
  // the guests' outside access: masquerade on the PC's NIC (net-up). libcrc32c (conntrack, nf_tables)
  // loads its checksum through the crypto API, a softdep modules.dep does not list
  ...["nft_chain_nat", "nft_masq", "crc32c_generic"],
  // the boot medium: CD (SATA or PIIX IDE), USB stick, virtio disks of VMs
  ...["sr_mod", "cdrom", "ahci", "libahci", "ata_piix", "ata_generic", "sd_mod", "usb-storage", "uas"],
  ...["xhci-pci", "ehci-pci", "ohci-pci", "uhci-hcd", "usbhid", "hid-generic"],
  ...["virtio_pci", "virtio_blk", "virtio_scsi", "virtio_net", "nvme"],
  // common NICs
  ...["e1000", "e1000e", "igb", "r8169"],
  // the installer's root filesystem (src/install: ext4 through a loop device; the ESP is written by mtools)
  "ext4",
];

/** What a RAM-resident dom0 never reads. `/boot/xen*.gz` and `/boot/vmlinuz-*` stay: later stages take them. */
export const PRUNE_RULES: readonly PruneRule[] = [
  {
    name: "docs",
    remove: ["usr/share/{doc,doc-base,lintian,linda}/**"],
    except: ["usr/share/doc/*/copyright"],
  },
  { name: "man", remove: ["usr/share/man/**"] },
  { name: "info", remove: ["usr/share/info/**"] },
  {
    name: "locales",
    remove: ["usr/share/locale/**", "usr/share/i18n/**", "usr/lib/locale/**"],
    except: ["usr/lib/locale/C.utf8", "usr/lib/locale/C.utf8/**"],
  },
  { name: "python-bytecode", remove: ["**/__pycache__", "**/__pycache__/**", "**/*.py[co]"] },
  { name: "headers", remove: ["usr/include/**", "usr/src/**", "**/*.h"] },
  {
    name: "apt",
    remove: ["var/lib/apt/lists/**", "var/cache/apt/**", "var/cache/debconf/*-old", "var/lib/dpkg/*-old"],
  },
  { name: "boot-initrd", remove: ["boot/initrd.img*", "initrd.img", "initrd.img.old"] },
  { name: "firmware", remove: ["usr/lib/firmware/**"] },
  // Beyond the list above, what it takes to fit the 30 MB initrd goal; nothing in dom0 runs these.
  { name: "udev-hwdb", remove: ["usr/lib/udev/hwdb.bin", "usr/lib/udev/hwdb.d/**", "etc/udev/hwdb.bin"] },
  {
    name: "python",
    remove: ["usr/lib/python3*/**", "usr/share/python3/**", "usr/bin/python3*", "usr/bin/py3*"],
  },
  {
    // the full perl; perl-base (/usr/bin/perl and its modules) stays for maintainer-style scripts
    name: "perl",
    remove: [
      "usr/share/perl/**",
      "usr/lib/*-linux-gnu/perl/**",
      "usr/lib/*-linux-gnu/libperl.so*",
      "usr/bin/perl5.*-*",
    ],
  },
  {
    // the switcher's runtime (80 MB unpacked) lives on the medium, not in RAM (DESIGN.md "Boot markers")
    name: "node",
    remove: [
      "usr/bin/node",
      "usr/bin/nodejs",
      "usr/lib/*-linux-gnu/{libnode,libicu*}.so*",
      "usr/share/nodejs/**",
      "usr/lib/nodejs/**",
      "usr/lib/*-linux-gnu/nodejs/**",
    ],
  },
  { name: "xen-shim", remove: ["usr/lib/xen-*/boot/xen-shim"] },
  // iconv's charset modules: glibc converts UTF-8, ASCII and Latin-1 without them
  { name: "gconv", remove: ["usr/lib/*-linux-gnu/gconv/*.so"] },
  { name: "dpkg-info", remove: ["var/lib/dpkg/info/*.{md5sums,symbols}"] },
  // livedeck.keymap needs the PC keymaps (i386) only; the console keeps the kernel's built-in font
  {
    name: "console-data",
    remove: ["usr/share/consolefonts/**", "usr/share/consoletrans/**", "usr/share/keymaps/{amiga,atari,mac,ppc,sun}/**"],
  },
];

/** The rule that drops every module of `modulesDir` (e.g. "usr/lib/modules/6.1.0-1-amd64") not in `keep`. */
export function modulesRule(modulesDir: string, keep: Iterable<string>): PruneRule {
  const dir = globEscape(modulesDir);
  return {
    name: "modules",
    remove: [`${dir}/kernel/**`, `${dir}/updates/**`],
    except: [...keep].map((p) => `${dir}/${globEscape(p)}`),
  };
}

export function depmodArgv(root: string, kver: string): string[] {
  return ["depmod", "--basedir", root, kver];
}

/** The one kernel's module directory, relative to root ("usr/lib/modules/<kver>" on merged /usr). */
async function findModulesDir(root: string): Promise<{ dir: string; kver: string }> {
  const base = (await lstat(join(root, "usr/lib/modules")).catch(() => null))?.isDirectory()
    ? "usr/lib/modules"
    : "lib/modules";
  const kvers = await readdir(join(root, base)).catch(() => [] as string[]);
  if (kvers.length !== 1) {
    throw new UserError(
      `prune: expected one kernel in /${base}, found ${kvers.length === 0 ? "none" : kvers.join(", ")}`,
      "dom0's packages must pull in exactly one linux-image package",
    );
  }
  return { dir: `${base}/${kvers[0]}`, kver: kvers[0]! };
}

const glob = z.string().superRefine((g, ctx) => {
  try {
    globToRegExpSource(g);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: (e as Error).message });
  }
});

const options = z
  .object({
    keep: z.array(glob).default([]).describe("globs kept even if a prune rule removes them"),
    remove: z.array(glob).default([]).describe("extra globs removed from dom0"),
    modules: z
      .array(z.string())
      .default(DOM0_MODULES)
      .describe("kernel modules kept (with their dependencies)"),
  })
  .strict();

export default defineStage({
  name: "prune",
  version: 1,
  summary: "unpack dom0's rootfs and drop what a RAM-resident dom0 never reads",
  options,
  consumes: ["rootfs"],
  inputs: () => [],
  tools: ["tar", "depmod"],
  async run(ctx) {
    const root = join(ctx.out, "root");
    await mkdir(root);
    await ctx.exec(tarExtractArgv(join(ctx.input("rootfs"), "rootfs.tar"), root));
    const { dir, kver } = await findModulesDir(root);
    const read = (f: string) => readFile(join(root, dir, f), "utf8").catch(() => "");
    const closure = moduleClosure(
      await read("modules.dep"),
      await read("modules.builtin"),
      ctx.options.modules,
    );
    if (closure.missing.length > 0) {
      throw new UserError(
        `prune: kernel module(s) not in ${kver}: ${closure.missing.join(", ")}`,
        `check the names in modules: (ls /${dir}/kernel on a system with this kernel)`,
      );
    }
    const before = await walkTree(root);
    const rules = [
      ...PRUNE_RULES,
      modulesRule(dir, closure.keep),
      { name: "deck", remove: ctx.options.remove },
    ];
    const plan = planPrune(before, rules, ctx.options.keep);
    for (const f of plan.files) await unlink(join(root, f));
    for (const d of plan.dirs) await rmdir(join(root, d));
    await ctx.exec(depmodArgv(root, kver));
    const after = await walkTree(root);
    const report = {
      kernel: kver,
      bytesBefore: treeBytes(before),
      bytesAfter: treeBytes(after),
      entriesBefore: before.length,
      entriesAfter: after.length,
      modulesKept: closure.keep.size,
      modulesBuiltin: closure.builtin,
      removed: plan.byRule,
    };
    await writeFile(join(ctx.out, "prune-report.json"), `${JSON.stringify(report, null, 2)}\n`);
    ctx.log(
      `pruned ${mib(report.bytesBefore)} → ${mib(report.bytesAfter)} (${kver}, ${closure.keep.size} modules)`,
    );
    const perRule = Object.entries(plan.byRule).map(([r, v]) => [`removed.${r}`, v.bytes]);
    return {
      kernel: kver,
      bytesBefore: report.bytesBefore,
      bytesAfter: report.bytesAfter,
      ...Object.fromEntries(perRule),
    };
  },
});

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
