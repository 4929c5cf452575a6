import { lstat, mkdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { ToolError, UserError } from "../errors.ts";
import { deltaReport, diffTarFiles } from "../formats/tar-diff.ts";
import { defineStage } from "../pipeline/stage.ts";
import { tarExtractArgv, tarPackArgv } from "../formats/tar-argv.ts";
import { cleanRootfs, inTree, syncDebs, withChrootMounts } from "../tools/chroot.ts";

export const ScriptOptions = z
  .object({
    /** The script's name as its flavour gives it (messages only). */
    script: z.string().min(1),
    /**
     * The script itself. Its text, not its path, is part of the step id: a deck copied to another
     * directory (every test and bench build) shares the step and everything downstream of it.
     */
    text: z.string(),
    epoch: z.number().int(),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "not a shell variable name"), z.string())
      .optional(),
  })
  .strict();
export type ScriptOptions = z.infer<typeof ScriptOptions>;

/** Where the script is copied inside the tree (/tmp is emptied before packing). */
export const SCRIPT_IN_CHROOT = "/tmp/livedeck-script";

/** A clean environment (nothing of the host's leaks in) with the user's variables on top. */
export function scriptEnv(o: ScriptOptions): Record<string, string> {
  return {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: "/root",
    LC_ALL: "C.UTF-8",
    DEBIAN_FRONTEND: "noninteractive",
    SOURCE_DATE_EPOCH: String(o.epoch),
    ...o.env,
  };
}

export function chrootArgv(root: string, env: Record<string, string>): string[] {
  const pairs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return ["chroot", root, "/usr/bin/env", "-i", ...pairs, "/bin/sh", "-e", SCRIPT_IN_CHROOT];
}

export default defineStage({
  name: "script",
  version: 3,
  summary:
    "A user's shell script run chrooted in a rootfs: full rootfs.tar plus delta.tar against `under` (the flavour's base)",
  options: ScriptOptions,
  consumes: ["base", "under"],
  inputs: () => [],
  tools: ["tar", "chroot", "mount", "umount"],
  async run(ctx) {
    const o = ctx.options;
    const base = join(ctx.input("base"), "rootfs.tar");
    const root = join(ctx.out, "root");
    const tar = join(ctx.out, "rootfs.tar");
    await mkdir(root);
    await ctx.exec(tarExtractArgv(base, root));
    const [archives, inside, policy] = await Promise.all(
      ["var/cache/apt/archives", SCRIPT_IN_CHROOT.slice(1), "usr/sbin/policy-rc.d"].map(async (rel) => {
        const p = await inTree(root, rel);
        if (!p) throw new UserError(`${o.script}: the base has a symlink on the way to /${rel}`);
        return p;
      }),
    );
    await syncDebs(ctx.cache.debs, archives!);
    await writeFile(inside!, o.text, { mode: 0o755 });
    // no service starts inside the chroot (as mmdebstrap does for its hooks)
    const ownPolicy = !(await lstat(policy!).catch(() => null));
    if (ownPolicy) await writeFile(policy!, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
    const t = Date.now();
    await withChrootMounts(root, ctx.exec, async () => {
      try {
        await ctx.exec(chrootArgv(root, scriptEnv(o)));
      } catch (e) {
        if (!(e instanceof ToolError)) throw e;
        throw new ToolError(
          e.stage,
          e.argv,
          e.exitCode,
          e.stderrTail,
          `script ${o.script} failed (exit code ${e.exitCode ?? "signal"})`,
        );
      }
    });
    ctx.log(`ran ${o.script} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    if (ownPolicy) await rm(policy!, { force: true });
    if (await inTree(root, "var/cache/apt/archives")) await syncDebs(archives!, ctx.cache.debs);
    await cleanRootfs(root);
    await ctx.exec(tarPackArgv(root, tar, o.epoch));
    await rm(root, { recursive: true });
    // The delta against the tree under the flavour (its base), not the tree the script ran in: the
    // flavour's one image then holds its packages and its script's changes together.
    const under = join(ctx.input("under"), "rootfs.tar");
    const d = await diffTarFiles(under, tar, join(ctx.out, "delta.tar"), o.epoch);
    return deltaReport(d, (await stat(tar)).size);
  },
});
