import { dirname, join } from "node:path";
import { shellQuote } from "../formats/shell.ts";
import { z } from "zod";
import { defineStage } from "../pipeline/stage.ts";
import { LockedPackage } from "../lock/lock-file.ts";
import { PIN_FILE, pinHooks, writePins } from "../lock/pins.ts";

export const RootfsOptions = z
  .object({
    suite: z.string(),
    /** Absolute path of a deb822 .sources file (mmdebstrap pastes it into the chroot). */
    mirror: z.string(),
    variant: z.enum(["minbase", "essential", "apt"]).default("minbase"),
    packages: z.array(z.string()).default([]),
    epoch: z.number().int(),
    /** The deck's lock for this root: apt installs exactly these versions. Absent: resolve afresh. */
    locked: z.array(LockedPackage).optional(),
  })
  .strict();
export type RootfsOptions = z.infer<typeof RootfsOptions>;

/**
 * mmdebstrap argv. The .deb cache is hard-linked into the chroot before apt runs and new .debs are
 * linked back before cleanup, so a warm rebuild downloads nothing and copies nothing (sync-in/out
 * copied the whole cache both ways: slower than downloading from a near mirror). TMPDIR is the
 * step's temp dir, on the store's filesystem, so links work; `cp -a` is the fallback. The cache
 * never reaches the tarball: mmdebstrap empties apt's cache at the end, unlinking our links.
 * `--skip=essential/unlink` keeps the essential set's .debs in apt's cache until then, so every
 * installed .deb reaches our cache (the pool serves it, the lock hashes it). With `pins` (an apt
 * preferences file) every locked version, the essential set's too, is what apt installs.
 */
export function mmdebstrapArgv(o: RootfsOptions, paths: { tar: string; debCache: string; pins?: string }): string[] {
  const packages = [...new Set(o.packages)].sort();
  return [
    "mmdebstrap",
    "--mode=root",
    `--variant=${o.variant}`,
    "--format=tar",
    "--skip=essential/unlink",
    ...(packages.length ? [`--include=${packages.join(",")}`] : []),
    ...(paths.pins ? pinHooks(paths.pins) : []),
    `--setup-hook=${linkDebs(shellQuote(paths.debCache), '"$1"/var/cache/apt/archives/')}`,
    `--customize-hook=${linkDebs('"$1"/var/cache/apt/archives/', shellQuote(paths.debCache))}`,
    // Reproducibility: no per-build machine-id, no random apt state left behind.
    `--customize-hook=rm -f "$1"/etc/machine-id "$1"/var/lib/dbus/machine-id; : > "$1"/etc/machine-id`,
    o.suite,
    paths.tar,
    o.mirror,
  ];
}

/** Shell text that hard-links (else copies) every .deb of one directory into another. */
export function linkDebs(from: string, to: string): string {
  return `mkdir -p ${to} && find ${from} -maxdepth 1 -name '*.deb' -exec sh -c 'ln -f "$0" "$1" 2>/dev/null || cp -a "$0" "$1"' {} ${to} \\;`;
}

/**
 * mmdebstrap runs in a private mount namespace, so the /proc, /sys and /dev it mounts in its chroot
 * vanish with it however it ends (killed with livedeck, its output pipe gone, its own cleanup
 * skipped): nothing stays mounted under the store's tmp/, where `rm -r` would walk into it. And it
 * gets SIGTERM when livedeck dies, even by SIGKILL, instead of running on as an orphan.
 */
export function dieWithUs(argv: string[]): string[] {
  return ["setpriv", "--pdeathsig", "TERM", "--", "unshare", "--mount", "--propagation", "private", "--", ...argv];
}

export function rootfsEnv(o: Pick<RootfsOptions, "epoch">, tmp?: string): Record<string, string> {
  return { SOURCE_DATE_EPOCH: String(o.epoch), LC_ALL: "C.UTF-8", ...(tmp ? { TMPDIR: tmp } : {}) };
}

export default defineStage({
  name: "rootfs",
  version: 1,
  summary: "Debian root filesystem (mmdebstrap) as a deterministic tarball",
  options: RootfsOptions,
  consumes: [],
  inputs: (o) => [o.mirror],
  tools: ["mmdebstrap", "tar", "setpriv", "unshare"],
  async run(ctx) {
    const tar = join(ctx.out, "rootfs.tar");
    const pins = ctx.options.locked && (await writePins(join(dirname(ctx.out), PIN_FILE), ctx.options.locked));
    await ctx.exec(dieWithUs(mmdebstrapArgv(ctx.options, { tar, debCache: ctx.cache.debs, pins })), {
      env: rootfsEnv(ctx.options, dirname(ctx.out)),
    });
    const { stat } = await import("node:fs/promises");
    return { bytes: (await stat(tar)).size, packages: ctx.options.packages.length };
  },
});
