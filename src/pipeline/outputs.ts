import { copyFile, link, mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { linkTree } from "./link-tree.ts";

/** How one output is made from the store: which step's file (or directory) becomes which in out/. */
export interface OutputDef {
  summary: string;
  step: string;
  file: string;
  name: (deck: string, flavour?: string) => string;
  /** The output is a directory tree (placed with exportTree), not one file. */
  dir?: true;
  /** One file per installable flavour, from the steps `<step>:<flavour>`. */
  perFlavour?: true;
}

/**
 * The outputs table (LinuxKit's outFuns): `outputs:` in a deck and `build --format` take its keys.
 * A USB stick takes the hybrid ISO as it is (`dd` or `livedeck usb write`).
 */
export const OUTPUTS = {
  iso: {
    summary: "hybrid BIOS+UEFI ISO for DVD and USB",
    step: "iso",
    file: "livedeck.iso",
    name: (d) => `${d}.iso`,
  },
  usb: {
    summary: "the same hybrid ISO, to write to a USB stick",
    step: "iso",
    file: "livedeck.iso",
    name: (d) => `${d}.iso`,
  },
  pxe: {
    summary:
      "a directory for a TFTP server's root: GRUB network images (BIOS, UEFI), Xen, dom0 and the guests' files",
    step: "pxe",
    file: "tree",
    name: (d) => `${d}-pxe`,
    dir: true,
  },
  raw: {
    summary: "per installable flavour, a raw disk image of it installed as a standalone OS (BIOS and UEFI)",
    step: "raw",
    file: "disk.raw",
    name: (d, f) => `${d}-${f}.raw`,
    perFlavour: true,
  },
  qcow2: {
    summary: "the raw disk as qcow2 (QEMU/KVM, libvirt, Proxmox)",
    step: "qcow2",
    file: "disk.qcow2",
    name: (d, f) => `${d}-${f}.qcow2`,
    perFlavour: true,
  },
  vmdk: {
    summary: "the raw disk as stream-optimized vmdk (VMware), with a .vmx beside it that opens it as a VM",
    step: "vmdk",
    file: "disk.vmdk",
    name: (d, f) => `${d}-${f}.vmdk`,
    perFlavour: true,
  },
  vdi: {
    summary: "the raw disk as vdi (VirtualBox)",
    step: "vdi",
    file: "disk.vdi",
    name: (d, f) => `${d}-${f}.vdi`,
    perFlavour: true,
  },
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

/** Places a store directory in out/ as a tree of hard links (or copies), replacing an older one whole. */
export async function exportTree(src: string, outDir: string, name: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const dest = join(outDir, name);
  const tmp = `${dest}.tmp-${process.pid}`;
  const old = `${dest}.old-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await linkTree(src, tmp);
  await rename(dest, old).catch(() => undefined);
  await rename(tmp, dest);
  await rm(old, { recursive: true, force: true });
  return dest;
}
