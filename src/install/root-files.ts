import { readdir, readFile, writeFile } from "node:fs/promises";
import { inTree } from "../tools/chroot.ts";

/** Writes a file in the new root, refusing a path that runs through a symlink (it could leave the tree). */
export async function writeInRoot(root: string, rel: string, text: string, mode = 0o644): Promise<void> {
  const p = await inTree(root, rel);
  if (!p) throw new Error(`/${rel} in the new root runs through a symlink: not writing it`);
  await writeFile(p, text, { mode });
}

/** Installed kernel versions (/boot/vmlinuz-<v>), newest last by Debian's version order of the name. */
export function kernelVersions(bootNames: string[]): string[] {
  return bootNames
    .filter((n) => n.startsWith("vmlinuz-"))
    .map((n) => n.slice("vmlinuz-".length))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

/** The hypervisor Debian installs (/boot/xen-4.17-amd64.gz; versioned names sort last). */
export function xenImage(bootNames: string[]): string | undefined {
  return bootNames
    .filter((n) => /^xen-.*\.gz$/.test(n))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
    .at(-1);
}

export async function bootNames(root: string): Promise<string[]> {
  return readdir(`${root}/boot`).catch(() => []);
}

/** Whether the new root has a group of that name (sudo: the user may administer the system). */
export async function hasGroup(root: string, group: string): Promise<boolean> {
  const text = await readFile(`${root}/etc/group`, "utf8").catch(() => "");
  return text.split("\n").some((l) => l.startsWith(`${group}:`));
}
