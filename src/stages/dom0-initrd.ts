import { createWriteStream } from "node:fs";
import { copyFile, readdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { initrdOptionFields } from "./initrd-options.ts";
import { UserError } from "../errors.ts";
import { overlayEntries, walkTree } from "../formats/cpio-tree.ts";
import { writeCpio } from "../formats/cpio.ts";
import { defineStage } from "../pipeline/stage.ts";

/** zstd compressing the cpio into the initrd; -T0 output does not depend on the core count. */
export function zstdArgv(level: number, input: string, output: string): string[] {
  return ["zstd", `-${level}`, "-T0", "-q", "-f", "-o", output, input];
}

/** GRUB loads the hypervisor and kernel itself: /boot would only waste dom0's RAM. */
export function excludeFromInitrd(path: string): boolean {
  return path.startsWith("boot/");
}

/** The one name in `names` matching `pattern`, else a UserError naming what was found. */
export function pickOne(names: readonly string[], pattern: RegExp, what: string, where: string): string {
  const found = names.filter((n) => pattern.test(n)).sort();
  if (found.length === 1) return found[0]!;
  throw new UserError(
    `dom0-initrd: expected exactly one ${what} in ${where}, found ${found.length === 0 ? "none" : found.join(", ")}`,
    "dom0's packages must pull in exactly one Xen hypervisor package and one linux-image package",
  );
}

export const XEN_PATTERN = /^xen-.*\.gz$/;
export const KERNEL_PATTERN = /^vmlinuz-/;

const options = z
  .object({
    ...initrdOptionFields("initrd skeleton merged over the rootfs (initrd-skel/dom0)"),
  })
  .strict();

export default defineStage({
  name: "dom0-initrd",
  version: 1,
  summary: "pack the pruned dom0 tree and the initrd skeleton into a zstd cpio; take out Xen and the kernel",
  options,
  consumes: ["dom0"],
  inputs: (o) => [o.skel],
  tools: ["zstd"],
  async run(ctx) {
    const root = join(ctx.input("dom0"), "root");
    const boot = join(root, "boot");
    const bootNames = await readdir(boot).catch(() => [] as string[]);
    const xen = pickOne(bootNames, XEN_PATTERN, "xen-*.gz", boot);
    const kernel = pickOne(bootNames, KERNEL_PATTERN, "vmlinuz-*", boot);
    await copyFile(join(boot, xen), join(ctx.out, "xen.gz"));
    await copyFile(join(boot, kernel), join(ctx.out, "vmlinuz"));

    const base = await walkTree(root, { exclude: excludeFromInitrd });
    const skel = await walkTree(ctx.options.skel, { normalize: true });
    const entries = overlayEntries(base, skel, ctx.options.skel);
    const cpio = join(ctx.out, "dom0.cpio");
    const img = join(ctx.out, "dom0.img");
    const cpioBytes = await writeCpio(entries, createWriteStream(cpio), { mtime: ctx.options.epoch });
    const t0 = Date.now();
    await ctx.exec(zstdArgv(ctx.options.level, cpio, img));
    const seconds = (Date.now() - t0) / 1000;
    await unlink(cpio);
    const imgBytes = (await stat(img)).size;
    ctx.log(
      `dom0.img: ${entries.length} entries, cpio ${mib(cpioBytes)} → zstd-${ctx.options.level} ${mib(imgBytes)} in ${seconds.toFixed(1)} s`,
    );
    return {
      entries: entries.length,
      cpioBytes,
      imgBytes,
      level: ctx.options.level,
      zstdSeconds: seconds,
      xen,
      kernel,
    };
  },
});

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
