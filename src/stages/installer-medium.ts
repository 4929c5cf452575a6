import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { UserError } from "../errors.ts";
import { programFiles } from "../formats/program-files.ts";
import { indexHeaders, resolveInTree, type HeaderIndex, type Resolved } from "../formats/tar-tree.ts";
import { INSTALLER_DATA, INSTALLER_PROGRAMS } from "../install/programs.ts";
import { defineStage } from "../pipeline/stage.ts";
import { writeDom0Lacks } from "./dom0-lacks.ts";
import { mksquashfsArgv } from "./squashfs.ts";

/**
 * The installer's tools for dom0 (src/install/programs.ts): what of them, their libraries and
 * GRUB's platform directories the pruned RAM dom0 lacks, as a squashfs on the medium. dom0 mounts it
 * when an install starts (initrd-skel/dom0/usr/lib/livedeck/installer-up); the installer's code
 * itself is in the switcher's bundle, the same src/install/ the build host runs.
 */
export const INSTALLER_DIR = "installer";
export const INSTALLER_IMAGE = "installer.squashfs";

const options = z
  .object({
    level: z.number().int().min(1).max(22).default(15).describe("zstd level of the image"),
    epoch: z.number().int().min(0).max(0xffffffff).describe("mtime of every inode (SOURCE_DATE_EPOCH)"),
  })
  .strict();

/** Files below the data paths (a directory: everything under it but prebuilt monolithic images). */
export function dataFiles(index: HeaderIndex, paths: readonly string[]): Resolved[] {
  const out: Resolved[] = [];
  for (const p of paths) {
    const hits = [...index.keys()].filter(
      (k) =>
        (k === p || k.startsWith(`${p}/`)) &&
        !k.includes("/monolithic") &&
        index.get(k)!.type !== "directory",
    );
    if (!hits.length)
      throw new UserError(`installer-medium: the tools' root has no /${p}`, "check INSTALLER_PACKAGES");
    for (const k of hits.sort()) out.push(resolveInTree(index, k)!);
  }
  return out;
}

export default defineStage({
  name: "installer-medium",
  version: 1,
  summary:
    "the installer's tools (sfdisk, mkfs.vfat, mtools, grub-mkimage, GRUB's modules) the pruned dom0 lacks (squashfs), for the medium",
  options,
  consumes: ["tools", "dom0"],
  // what it ships is listed there: a change to the list re-runs the stage
  inputs: () => [join(import.meta.dirname, "..", "install", "programs.ts")],
  tools: ["mksquashfs"],
  async run(ctx) {
    const o = ctx.options;
    const tar = join(ctx.input("tools"), "rootfs.tar");
    const pruned = join(ctx.input("dom0"), "root");
    const index = await indexHeaders(tar);
    const bodies = new Map<string, Buffer>();
    const files: Resolved[] = [];
    for (const p of INSTALLER_PROGRAMS) {
      const r = resolveInTree(index, p);
      if (!r || index.get(r.path)?.type === "directory")
        throw new UserError(`installer-medium: the tools' root has no ${p}`, "check INSTALLER_PACKAGES");
      files.push(
        ...(await programFiles(tar, index, r, bodies).catch((e: unknown) => {
          throw e instanceof UserError ? new UserError(`installer-medium: ${e.message}`, e.hint) : e;
        })),
      );
    }
    files.push(...dataFiles(index, INSTALLER_DATA));
    const tree = join(ctx.out, "tree");
    await mkdir(tree);
    const shipped = await writeDom0Lacks({ tar, index, files, bodies, pruned, tree });
    const dir = join(ctx.out, INSTALLER_DIR);
    const image = join(dir, INSTALLER_IMAGE);
    await mkdir(dir);
    await ctx.exec([
      ...mksquashfsArgv({ which: "rootfs", level: o.level, epoch: o.epoch }, { tree, image }),
      "-all-root",
    ]);
    await rm(tree, { recursive: true });
    const imageBytes = (await stat(image)).size;
    const programs = shipped.paths.filter((p) => /^usr\/s?bin\//.test(p));
    ctx.log(
      `${shipped.paths.length} files dom0 lacks (${programs.map((p) => p.split("/").at(-1)).join(" ")}), ${mib(shipped.bytes)} → ${INSTALLER_IMAGE} ${mib(imageBytes)}`,
    );
    return { files: shipped.paths.length, bytes: shipped.bytes, imageBytes, programs: programs.join(" ") };
  },
});

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
