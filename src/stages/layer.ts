import { copyFile, stat, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import { z } from "zod";
import { deltaReport, diffTarFiles } from "../formats/tar-diff.ts";
import { defineStage } from "../pipeline/stage.ts";
import { shellQuote } from "../formats/shell.ts";
import { LockedPackage } from "../lock/lock-file.ts";
import { PIN_FILE, writePins } from "../lock/pins.ts";
import { hostKeyHook } from "./host-keys.ts";
import { dieWithUs, mmdebstrapArgv, rootfsEnv } from "./rootfs.ts";

export const LayerOptions = z
  .object({
    suite: z.string(),
    /** Absolute path of a deb822 .sources file, as for the rootfs stage. */
    mirror: z.string().refine(isAbsolute, "must be an absolute path"),
    /** This flavour's own packages (its base's are already installed). None: the base, unchanged. */
    packages: z.array(z.string().min(1)),
    /** dpkg path-exclude globs for these packages (absent, not empty, when none: ids stay put). */
    exclude: z.array(z.string().startsWith("/")).optional(),
    epoch: z.number().int(),
    /** The deck's lock for this layer's root filesystem (base packages included). */
    locked: z.array(LockedPackage).optional(),
  })
  .strict();
export type LayerOptions = z.infer<typeof LayerOptions>;

/**
 * mmdebstrap on top of an existing tree: the base tarball is unpacked by the first setup hook, then
 * mmdebstrap runs as for a fresh rootfs (same .deb cache hooks and cleanup, apt from outside with
 * dpkg in the chroot, /proc /sys /dev mounted and unmounted by mmdebstrap). The `essential` variant
 * finds its whole set already installed, so only `packages` and their dependencies are added;
 * `minbase` would also restore any required-priority package a script removed from the base.
 */
export function layerArgv(
  o: LayerOptions,
  paths: { base: string; tar: string; debCache: string; pins?: string },
): string[] {
  const { exclude = [], ...rootfs } = o;
  const [cmd, ...rest] = mmdebstrapArgv(
    { ...rootfs, variant: "essential" },
    { tar: paths.tar, debCache: paths.debCache, pins: paths.pins },
  );
  // Plain tar rather than the `tar-in` special hook: same tree, 1–2 s faster (no relay through
  // mmdebstrap's helper); fine in --mode=root, where hooks run as root outside the chroot.
  const untar = `tar --extract --numeric-owner --xattrs --xattrs-include='*' --file=${shellQuote(paths.base)} --directory="$1"`;
  // mmdebstrap writes these to the chroot's dpkg.cfg.d for good: later installs in the guest (and
  // flavours stacked on this one) leave the same paths out, so dpkg's view stays consistent.
  const excludes = exclude.map((glob) => `--dpkgopt=path-exclude=${glob}`);
  // hooks run in order: ours before rest's last ones is fine, none of them touches /etc/ssh
  return [cmd!, `--setup-hook=${untar}`, hostKeyHook(), ...excludes, ...rest];
}

export default defineStage({
  name: "layer",
  version: 2,
  summary:
    "A flavour's packages installed on its base: full rootfs.tar plus delta.tar (overlayfs upper layer)",
  options: LayerOptions,
  consumes: ["base"],
  inputs: (o) => [o.mirror],
  tools: ["mmdebstrap", "tar", "setpriv", "unshare"],
  async run(ctx) {
    const base = join(ctx.input("base"), "rootfs.tar");
    const tar = join(ctx.out, "rootfs.tar");
    if (!ctx.options.packages.length) {
      // a flavour that only runs a script: nothing to install, the delta is empty
      await copyFile(base, tar);
      await writeFile(join(ctx.out, "delta.tar"), Buffer.alloc(1024));
      return { added: 0, changed: 0, removed: 0, deltaBytes: 1024, bytes: (await stat(tar)).size };
    }
    let t = Date.now();
    const pins = ctx.options.locked && (await writePins(join(dirname(ctx.out), PIN_FILE), ctx.options.locked));
    await ctx.exec(dieWithUs(layerArgv(ctx.options, { base, tar, debCache: ctx.cache.debs, pins })), {
      env: rootfsEnv({ epoch: ctx.options.epoch }, dirname(ctx.out)),
    });
    ctx.log(`installed ${ctx.options.packages.join(" ")} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    t = Date.now();
    const d = await diffTarFiles(base, tar, join(ctx.out, "delta.tar"), ctx.options.epoch);
    ctx.log(`delta: +${d.added} ~${d.changed} -${d.removed} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    return deltaReport(d, (await stat(tar)).size);
  },
});
