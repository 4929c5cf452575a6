import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { access, chmod, copyFile, mkdir, readdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { mediumInfo, MEDIUM_FILE } from "../manifest/medium.ts";
import { defineStage } from "../pipeline/stage.ts";
import { locate } from "../tools/doctor.ts";
import { STATES_DIR } from "../formats/state-meta.ts";

export const ISO_FILE = "livedeck.iso";
/** What the `dom0` role's output dir must hold (written by the dom0-initrd stage). */
export const DOM0_FILES = ["xen.gz", "vmlinuz", "dom0.img"] as const;
export const MEMTEST = { bin: "/boot/memtest86+x64.bin", efi: "/boot/memtest86+x64.efi" } as const;
/** Marker at the root of the medium: dom0 checks it to know it found a livedeck medium. */
export const MARKER = ".livedeck";

export const IsoOptions = z
  .object({
    label: z
      .string()
      .regex(/^[A-Z0-9_]{1,32}$/, "must be 1-32 upper-case letters, digits or '_' (ISO volume id)")
      .describe("volume id; dom0 finds its medium by it"),
    // FAT (the EFI image) cannot date anything before 1980 or after 2107.
    epoch: z
      .number()
      .int()
      .min(315532800, "must be a Unix time from 1980 on")
      .max(4102444799, "must be a Unix time before 2100")
      .describe("SOURCE_DATE_EPOCH: every date on the medium"),
    memtest: z.boolean().describe("put memtest86+ (BIOS and EFI) on the medium"),
    dom0MemoryMiB: z
      .number()
      .int()
      .positive()
      .describe("dom0_mem, recorded so `livedeck boot` can check the VM fits it"),
    states: z
      .array(z.string().regex(/^[a-z]+$/))
      .optional()
      .describe("saved-state sets on the medium: one `states:<vendor>` role (a prime step) each"),
  })
  .strict();
export type IsoOptions = z.infer<typeof IsoOptions>;

/** xorriso's volume uuid (YYYYMMDDhhmmsscc, UTC) for an epoch; grub-mkrescue would use the clock. */
export function isoUuid(epoch: number): string {
  const d = new Date(epoch * 1000).toISOString(); // 2023-11-14T22:13:20.000Z
  return `${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}${d.slice(11, 13)}${d.slice(14, 16)}${d.slice(17, 19)}00`;
}

/** FAT volume serial of the EFI image: mformat draws a random one unless given `-N`. */
export function fatSerial(opts: Pick<IsoOptions, "label" | "epoch">): string {
  return createHash("sha256").update(`${opts.label}:${opts.epoch}`).digest("hex").slice(0, 8);
}

/** grub-mkrescue passes everything after `--` to xorriso's native mode: label and fixed dates. */
export function grubMkrescueArgv(opts: IsoOptions, paths: { iso: string; tree: string }): string[] {
  const at = `=${opts.epoch}`;
  return [
    "grub-mkrescue",
    "-o",
    paths.iso,
    paths.tree,
    "--",
    "-volid",
    opts.label,
    ...["-volume_date", "c", at, "-volume_date", "m", at, "-volume_date", "all_file_dates", at],
    ...["-volume_date", "uuid", isoUuid(opts.epoch)],
  ];
}

/**
 * Environment of grub-mkrescue: SOURCE_DATE_EPOCH dates the EFI image's FAT entries (mtools) and
 * the volume; `bin` goes first on PATH so grub-mkrescue's `mformat` is our wrapper with `-N`; TZ
 * because xorriso writes the local UTC offset into the directory records' dates (found by the
 * reproducibility test: two builds in two time zones differed in just those bytes).
 */
export function grubMkrescueEnv(opts: IsoOptions, paths: { bin: string; tmp: string; path: string }) {
  return { SOURCE_DATE_EPOCH: String(opts.epoch), TMPDIR: paths.tmp, PATH: `${paths.bin}:${paths.path}`, TZ: "UTC" };
}

export function mformatWrapper(realMformat: string, serial: string): string {
  return `#!/bin/sh\n# livedeck: a fixed FAT serial, so the ISO is reproducible\nexec '${realMformat}' -N ${serial} "$@"\n`;
}

/** The guests' part of the medium: the `guests` role's output holds it as tree/ (guests-medium stage). */
export const GUESTS_TREE = "tree";
/** Role prefix of the prime steps whose states/<vendor id>/ the medium holds at livedeck/states/. */
export const STATES_ROLE = "states:";

/**
 * The medium tree: path inside the ISO → file it is copied from. `guestFiles` are the paths below
 * the guests tree, placed at the same paths on the medium (each layer image once).
 */
export function treeFiles(
  opts: Pick<IsoOptions, "memtest">,
  dirs: { menu: string; dom0: string; guests: string },
  guestFiles: readonly string[],
): [string, string][] {
  const files: [string, string][] = [["boot/grub/grub.cfg", join(dirs.menu, "grub.cfg")]];
  for (const f of DOM0_FILES) files.push([`boot/${f}`, join(dirs.dom0, f)]);
  if (opts.memtest) {
    files.push(["boot/memtest86+x64.bin", MEMTEST.bin], ["boot/memtest86+x64.efi", MEMTEST.efi]);
  }
  for (const f of [...guestFiles].sort()) files.push([f, join(dirs.guests, GUESTS_TREE, f)]);
  return files;
}

/** Files below `dir`, relative to it, sorted. */
export async function filesBelow(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await filesBelow(dir, p)));
    else out.push(p);
  }
  return out.sort();
}

export function markerText(opts: Pick<IsoOptions, "label" | "dom0MemoryMiB">): string {
  return `livedeck medium\nlabel=${opts.label}\ndom0_memory_mib=${opts.dom0MemoryMiB}\n`;
}

/** Copies the files in, then gives every entry the same mode and the epoch as its dates. */
async function assembleTree(tree: string, files: [string, string][], opts: IsoOptions): Promise<void> {
  for (const [, src] of files) {
    await access(src).catch(() => {
      throw new Error(`iso: ${src} is missing (expected from an upstream stage or the host)`);
    });
  }
  for (const [dest, src] of files) {
    await mkdir(dirname(join(tree, dest)), { recursive: true });
    await copyFile(src, join(tree, dest), constants.COPYFILE_FICLONE);
  }
  await writeFile(join(tree, MARKER), markerText(opts));
  await clamp(tree, opts.epoch);
}

async function clamp(path: string, epoch: number): Promise<void> {
  const dir = (await stat(path)).isDirectory();
  if (dir) for (const n of await readdir(path)) await clamp(join(path, n), epoch);
  await chmod(path, dir ? 0o755 : 0o644);
  await utimes(path, epoch, epoch);
}

export default defineStage({
  name: "iso",
  version: 5,
  summary: "hybrid BIOS+UEFI ISO (CD and USB) with the menu, Xen, dom0, the guests and memtest86+",
  options: IsoOptions,
  // plus one `states:<vendor>` role per entry of the states option (see STATES_ROLE)
  consumes: ["menu", "dom0", "guests"],
  inputs: (o) => (o.memtest ? [MEMTEST.bin, MEMTEST.efi] : []),
  tools: ["grub-mkrescue", "xorriso", "mformat", "grub-pc-bin", "grub-efi-bin", "memtest"],
  async run(ctx) {
    const o = ctx.options;
    const work = join(ctx.out, "work");
    const paths = { tree: join(work, "tree"), bin: join(work, "bin"), tmp: join(work, "tmp") };
    await Promise.all(Object.values(paths).map((p) => mkdir(p, { recursive: true })));
    const dirs = { menu: ctx.input("menu"), dom0: ctx.input("dom0"), guests: ctx.input("guests") };
    const guestFiles = await filesBelow(join(dirs.guests, GUESTS_TREE));
    const files = treeFiles(o, dirs, guestFiles);
    for (const v of o.states ?? []) {
      const states = join(ctx.input(`${STATES_ROLE}${v}`), "states");
      for (const f of await filesBelow(states)) files.push([`${STATES_DIR}/${f}`, join(states, f)]);
    }
    await assembleTree(paths.tree, files, o);

    const mformat = await locate("mformat");
    if (!mformat) throw new Error("iso: mformat not found (the runner checks `tools` first)");
    await writeFile(join(paths.bin, "mformat"), mformatWrapper(mformat, fatSerial(o)), { mode: 0o755 });

    const isoPath = join(ctx.out, ISO_FILE);
    const env = grubMkrescueEnv(o, { ...paths, path: process.env.PATH ?? "/usr/bin:/bin" });
    await ctx.exec(grubMkrescueArgv(o, { iso: isoPath, tree: paths.tree }), { env });
    // the manifest's record of the medium: `livedeck diff` compares builds without unpacking them
    await writeFile(join(ctx.out, MEDIUM_FILE), JSON.stringify(await mediumInfo(isoPath, paths.tree), null, 1) + "\n");
    await rm(work, { recursive: true, force: true });
    return { bytes: (await stat(isoPath)).size, guestFiles: guestFiles.length, files: files.length };
  },
});
