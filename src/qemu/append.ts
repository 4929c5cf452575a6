import { constants } from "node:fs";
import { chmod, copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../errors.ts";
import { grubArgs, MenuVarsSchema } from "../formats/grub-menu.ts";
import { NET_SUBDIR } from "../formats/pxe-tree.ts";
import { exec } from "../tools/exec.ts";

/**
 * `livedeck boot --append ARGS`: boot parameters for one test boot without rebuilding. A copy of
 * the medium gets a grub.cfg whose dom0 kernel lines end in ARGS (after the deck's own, so they
 * win), written by xorriso as a new session on the copy: the boot records stay where they are
 * (rewriting the image with replayed boot records fails on grub-mkrescue's GPT) and the volume keeps
 * its date, which is the filesystem UUID GRUB's EFI image searches for. Costs one copy of the ISO.
 */

const MENU = "/boot/grub/grub.cfg";
const DOM0_KERNEL_LINE = /^(\s*module2 \S*\/boot\/vmlinuz .*)$/gm;

/** The same check as the menu's append (kernel words GRUB can carry); a UserError if not. */
export function checkAppend(args: string): void {
  const checked = MenuVarsSchema.innerType().shape.append.safeParse(args);
  if (!checked.success) {
    throw new UserError(
      `--append: ${checked.error.issues[0]!.message}`,
      'e.g. --append "livedeck.toram livedeck.timezone=Europe/Berlin"',
    );
  }
}

/** grub.cfg with ARGS at the end of every dom0 kernel line. */
export function appendToMenu(cfg: string, args: string): string {
  checkAppend(args);
  const words = grubArgs(args);
  if (!words) return cfg;
  const out = cfg.replace(DOM0_KERNEL_LINE, (line) => `${line} ${words}`);
  if (out === cfg)
    throw new UserError(`${MENU} of the medium has no dom0 kernel line`, "is it a livedeck medium?");
  return out;
}

/** grub.cfg whose menu boots entry `id` (a top-level `--id`) when its timeout ends. */
export function selectEntry(cfg: string, id: string): string {
  const ids = [...cfg.matchAll(/^menuentry .* --id (\S+) \{$/gm)].map((m) => m[1]!);
  if (!ids.includes(id))
    throw new UserError(`--entry: the medium's menu has no entry ${id}`, `its entries: ${ids.join(", ")}`);
  const out = cfg.replace(/^set default=.*$/m, `set default=${id}`);
  if (out === cfg && !cfg.includes(`set default=${id}\n`))
    throw new UserError(`${MENU} of the medium sets no default entry`, "is it a livedeck medium?");
  return out;
}

export function extractMenuArgv(iso: string, dest: string): string[] {
  return ["xorriso", "-osirrox", "on", "-indev", iso, "-extract", MENU, dest];
}

/** The PVD's modification time (YYYYMMDDhhmmsscc) in `xorriso -pvd_info` output. */
export function pvdModified(pvdInfo: string): string {
  const m = /^Modif\. Time\s*:\s*(\d{16})$/m.exec(pvdInfo);
  if (!m) throw new Error(`xorriso -pvd_info: no modification time in:\n${pvdInfo}`);
  return m[1]!;
}

/** Replaces grub.cfg on `copy` (a copy of the medium) in a new session; the volume keeps `uuid`. */
export function replaceMenuArgv(copy: string, menu: string, uuid: string): string[] {
  // prettier-ignore
  return [
    "xorriso", "-dev", copy, "-boot_image", "any", "keep", "-volume_date", "uuid", uuid,
    "-map", menu, MENU, "-commit",
  ];
}

/**
 * Writes `dir`/medium.iso: `iso` with ARGS appended to its dom0 kernel lines and, with `entry`,
 * that menu entry booted by default (`livedeck boot --entry verbose`).
 */
/**
 * A PXE tree booted with ARGS: a hard-linked copy of the tree (the server's files are never
 * written) whose menu is a new file, so `boot --pxe DIR --append` works as it does on an ISO.
 */
export async function pxeTreeWithAppend(tree: string, args: string, dir: string): Promise<string> {
  const out = join(dir, "pxe");
  await exec(["cp", "-al", "--", tree, out], { stage: "boot" });
  const menu = join(out, NET_SUBDIR, "grub.cfg");
  const appended = appendToMenu(await readFile(menu, "utf8"), args);
  await rm(menu); // a hard link to the server's file
  await writeFile(menu, appended);
  return out;
}

export async function mediumWithAppend(
  iso: string,
  args: string,
  dir: string,
  entry?: string,
): Promise<string> {
  const tmp = await mkdtemp(join(dir, "append-"));
  try {
    const menu = join(tmp, "grub.cfg");
    await exec(extractMenuArgv(iso, menu), { stage: "boot" });
    const appended = appendToMenu(await readFile(menu, "utf8"), args);
    await writeFile(menu, entry ? selectEntry(appended, entry) : appended);
    const info = await exec(["xorriso", "-indev", iso, "-pvd_info"], { stage: "boot" });
    const uuid = pvdModified(`${info.stdout}\n${info.stderr}`);
    const out = join(dir, "medium.iso");
    await copyFile(iso, out, constants.COPYFILE_FICLONE);
    await chmod(out, 0o644);
    await exec(replaceMenuArgv(out, menu, uuid), { stage: "boot" });
    return out;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
