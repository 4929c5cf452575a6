import { join } from "node:path";
import { z } from "zod";
import { defineStage } from "../pipeline/stage.ts";

export const RootfsOptions = z
  .object({
    suite: z.string(),
    /** Absolute path of a deb822 .sources file (mmdebstrap pastes it into the chroot). */
    mirror: z.string(),
    variant: z.enum(["minbase", "essential", "apt"]).default("minbase"),
    packages: z.array(z.string()).default([]),
    epoch: z.number().int(),
  })
  .strict();
export type RootfsOptions = z.infer<typeof RootfsOptions>;

/**
 * mmdebstrap argv. The .deb cache is synced in before apt runs and out before cleanup, so a warm
 * rebuild downloads nothing; it never reaches the tarball (apt's cache is emptied at the end).
 */
export function mmdebstrapArgv(o: RootfsOptions, paths: { tar: string; debCache: string }): string[] {
  const packages = [...new Set(o.packages)].sort();
  return [
    "mmdebstrap",
    "--mode=root",
    `--variant=${o.variant}`,
    "--format=tar",
    ...(packages.length ? [`--include=${packages.join(",")}`] : []),
    `--setup-hook=mkdir -p "$1"/var/cache/apt/archives/`,
    `--setup-hook=sync-in ${paths.debCache} /var/cache/apt/archives/`,
    `--customize-hook=sync-out /var/cache/apt/archives ${paths.debCache}`,
    // Reproducibility: no per-build machine-id, no random apt state left behind.
    `--customize-hook=rm -f "$1"/etc/machine-id "$1"/var/lib/dbus/machine-id; : > "$1"/etc/machine-id`,
    o.suite,
    paths.tar,
    o.mirror,
  ];
}

export function rootfsEnv(o: RootfsOptions): Record<string, string> {
  return { SOURCE_DATE_EPOCH: String(o.epoch), LC_ALL: "C.UTF-8" };
}

export default defineStage({
  name: "rootfs",
  version: 1,
  summary: "Debian root filesystem (mmdebstrap) as a deterministic tarball",
  options: RootfsOptions,
  consumes: [],
  inputs: (o) => [o.mirror],
  tools: ["mmdebstrap", "tar"],
  async run(ctx) {
    const tar = join(ctx.out, "rootfs.tar");
    await ctx.exec(mmdebstrapArgv(ctx.options, { tar, debCache: ctx.cache.debs }), { env: rootfsEnv(ctx.options) });
    const { stat } = await import("node:fs/promises");
    return { bytes: (await stat(tar)).size, packages: ctx.options.packages.length };
  },
});
