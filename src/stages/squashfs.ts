import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { defineStage } from "../pipeline/stage.ts";
import { tarExtractArgv } from "../formats/tar-argv.ts";

export const SquashfsOptions = z
  .object({
    /** delta: a flavour's overlayfs upper layer (delta.tar); rootfs: a whole tree (the shared base). */
    which: z.enum(["delta", "rootfs"]).describe("which tarball of the consumed step to pack"),
    level: z.number().int().min(1).max(22).default(15).describe("zstd level (15 is mksquashfs' default)"),
    epoch: z
      .number()
      .int()
      .min(0)
      .max(0xffffffff)
      .describe("mtime of every inode and of the filesystem (SOURCE_DATE_EPOCH)"),
  })
  .strict();
export type SquashfsOptions = z.infer<typeof SquashfsOptions>;

/**
 * mksquashfs argv. Reproducible: -reproducible (4.5's default, stated anyway), one fixed time for
 * every inode and the superblock; directory entries are always sorted by mksquashfs itself.
 * -noappend: never add to an image left in a reused directory.
 */
export function mksquashfsArgv(o: SquashfsOptions, paths: { tree: string; image: string }): string[] {
  // prettier-ignore
  return [
    "mksquashfs", paths.tree, paths.image,
    "-noappend",
    "-comp", "zstd", "-Xcompression-level", String(o.level),
    "-reproducible", "-mkfs-time", String(o.epoch), "-all-time", String(o.epoch),
    "-xattrs",
    "-no-progress", "-quiet",
  ];
}

export default defineStage({
  name: "squashfs",
  version: 1,
  summary: "Pack a layer (delta.tar) or the shared base (rootfs.tar) into a reproducible zstd squashfs",
  options: SquashfsOptions,
  consumes: ["layer"],
  inputs: () => [],
  tools: ["tar", "mksquashfs"],
  async run(ctx) {
    const tar = join(ctx.input("layer"), `${ctx.options.which}.tar`);
    const tree = join(ctx.out, "tree");
    const image = join(ctx.out, "layer.squashfs");
    await mkdir(tree);
    let t = Date.now();
    await ctx.exec(tarExtractArgv(tar, tree));
    const unpack = (Date.now() - t) / 1000;
    t = Date.now();
    await ctx.exec(mksquashfsArgv(ctx.options, { tree, image }));
    const pack = (Date.now() - t) / 1000;
    await rm(tree, { recursive: true });
    const bytes = (await stat(image)).size;
    ctx.log(
      `layer.squashfs: ${(bytes / 2 ** 20).toFixed(1)} MiB from ${ctx.options.which}.tar (unpack ${unpack.toFixed(1)} s, mksquashfs ${pack.toFixed(1)} s)`,
    );
    return { bytes, tarBytes: (await stat(tar)).size, which: ctx.options.which, level: ctx.options.level };
  },
});
