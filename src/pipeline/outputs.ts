import { copyFile, link, mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";

/** How one output is made from the store: which step's file becomes which file in out/. */
export interface OutputDef {
  summary: string;
  step: string;
  file: string;
  name: (deck: string) => string;
}

/**
 * The outputs table (LinuxKit's outFuns): `outputs:` in a deck and `build --format` take its keys.
 * A USB stick takes the hybrid ISO as it is (`dd` or `livedeck usb write`).
 */
export const OUTPUTS = {
  iso: { summary: "hybrid BIOS+UEFI ISO for DVD and USB", step: "iso", file: "livedeck.iso", name: (d) => `${d}.iso` },
  usb: { summary: "the same hybrid ISO, to write to a USB stick", step: "iso", file: "livedeck.iso", name: (d) => `${d}.iso` },
} as const satisfies Record<string, OutputDef>;

export type OutputName = keyof typeof OUTPUTS;
export const OUTPUT_NAMES = Object.keys(OUTPUTS) as [OutputName, ...OutputName[]];

/** Places a store file in out/: hard link when on one filesystem, else copy; via a temp name. */
export async function exportFile(src: string, outDir: string, name: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const dest = join(outDir, name);
  const [s, d] = await Promise.all([stat(src), stat(dest).catch(() => null)]);
  if (d && d.ino === s.ino && d.dev === s.dev) return dest;
  const tmp = `${dest}.tmp-${process.pid}`;
  await rm(tmp, { force: true });
  try {
    await link(src, tmp);
  } catch {
    await copyFile(src, tmp);
  }
  await rename(tmp, dest);
  return dest;
}
