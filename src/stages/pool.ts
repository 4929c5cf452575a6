import { createHash } from "node:crypto";
import { copyFile, link, mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import {
  debFileName,
  installedPackages,
  packagesIndex,
  packagesParagraph,
  releaseText,
  type InstalledPackage,
} from "../formats/apt-repo.ts";
import { readBodies } from "../formats/tar-tree.ts";
import { fetchDebs } from "../lock/fetch-debs.ts";
import { hashFile } from "../pipeline/ids.ts";
import { defineStage } from "../pipeline/stage.ts";

/** Role prefix of the root filesystems whose packages go into the pool: `rootfs:<flavour>`. */
export const ROOTFS_ROLE = "rootfs:";
const STATUS = "var/lib/dpkg/status";

export const PoolOptions = z
  .object({
    suite: z.string().describe("Debian suite, named in the Release file"),
    epoch: z.number().int().min(0).describe("Release's Date (SOURCE_DATE_EPOCH)"),
    roots: z
      .array(z.string().regex(/^[a-z][a-z0-9.-]*$/))
      .min(1)
      .describe("flavours whose root filesystems' packages are pooled"),
    mirror: z.string().optional().describe("deb822 sources to download .debs the cache lacks from"),
  })
  .strict();

/**
 * The package pool dom0 serves to the guests: every .deb installed in the consumed root
 * filesystems (each once), taken from the download cache the build filled, with a Packages
 * index and a Release file (a flat repository). Which packages and versions go in is fixed by the
 * consumed steps, and a Debian version names one .deb's bytes: the cache only saves downloading.
 * A package the cache does not hold is left out and counted in the report (`missing`).
 */
export default defineStage({
  name: "pool",
  version: 2,
  summary:
    "the guests' package pool: the .debs of their root filesystems with a Packages index, for dom0 to serve",
  options: PoolOptions,
  // one `rootfs:<flavour>` role per entry of `roots` (a layer or script step: its rootfs.tar)
  consumes: [],
  inputs: () => [],
  tools: [],
  async run(ctx) {
    const pkgs = new Map<string, InstalledPackage>();
    for (const r of ctx.options.roots) {
      const tar = join(ctx.input(`${ROOTFS_ROLE}${r}`), "rootfs.tar");
      const status = (await readBodies(tar, [STATUS])).get(STATUS)!.toString();
      for (const [k, p] of installedPackages(status)) pkgs.set(`${k}=${p.version}`, p);
    }
    if (ctx.options.mirror) {
      // the pool must not depend on what the cache happens to hold: fetch what it lacks
      const absent = [];
      for (const p of pkgs.values())
        if (!(await stat(join(ctx.cache.debs, debFileName(p))).catch(() => null))) absent.push(p);
      await fetchDebs(ctx.cache.debs, ctx.options.mirror, absent, ctx.key);
    }
    const dir = join(ctx.out, "pool");
    await mkdir(dir, { recursive: true });
    const entries: { pkg: InstalledPackage; text: string }[] = [];
    const missing: string[] = [];
    let bytes = 0;
    for (const p of pkgs.values()) {
      const name = debFileName(p);
      const src = join(ctx.cache.debs, name);
      const st = await stat(src).catch(() => null);
      if (!st) {
        missing.push(name);
        continue;
      }
      await link(src, join(dir, name)).catch(() => copyFile(src, join(dir, name)));
      entries.push({
        pkg: p,
        text: packagesParagraph(p, { name, size: st.size, sha256: await hashFile(src) }),
      });
      bytes += st.size;
    }
    if (missing.length) {
      // rootfs and layer keep every installed .deb (--skip=essential/unlink); a root built before
      // that lacks its essential set's, installed in every guest anyway: the pool goes without.
      ctx.log(
        `pool: ${missing.length} installed packages are not in the download cache (left out): ${missing.slice(0, 3).join(", ")}, …`,
      );
    }
    const index = packagesIndex(entries);
    await writeFile(join(dir, "Packages"), index);
    const files = [
      {
        name: "Packages",
        size: Buffer.byteLength(index),
        sha256: createHash("sha256").update(index).digest("hex"),
      },
    ];
    await writeFile(
      join(dir, "Release"),
      releaseText({ suite: ctx.options.suite, epoch: ctx.options.epoch, files }),
    );
    ctx.log(`pool: ${entries.length} packages, ${(bytes / 2 ** 20).toFixed(1)} MiB`);
    return { packages: entries.length, bytes, missing: missing.length };
  },
});
