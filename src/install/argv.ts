import { tarExtractArgv } from "../formats/tar-argv.ts";

/** argv of every tool the installer runs: pure, unit-tested. Paths are the caller's. */

export function sfdiskArgv(target: string): string[] {
  return ["sfdisk", "--quiet", "--wipe", "always", "--wipe-partitions", "always", target];
}

export function sfdiskJsonArgv(target: string): string[] {
  return ["sfdisk", "--json", target];
}

/** Erases partition-table and filesystem signatures (both GPT copies and the protective MBR). */
export function wipefsArgv(target: string): string[] {
  return ["wipefs", "--all", "--force", target];
}

/** A loop device of one byte range of the target: the partition, without partition scanning. */
export function losetupArgv(target: string, offset: number, bytes: number): string[] {
  return ["losetup", "--find", "--show", "--offset", String(offset), "--sizelimit", String(bytes), target];
}

/**
 * ext4 without the features GRUB 2.06 cannot read yet (bookworm's e2fsprogs 1.47 may enable
 * orphan_file; metadata_csum_seed breaks older GRUBs too). The UUID is ours, so no blkid round trip.
 */
export function mkfsExt4Argv(dev: string, uuid: string, label = "root"): string[] {
  return ["mkfs.ext4", "-q", "-F", "-L", label, "-U", uuid, "-O", "^orphan_file,^metadata_csum_seed", dev];
}

/** FAT32 written at the partition's offset in the target: no loop device, no vfat in the kernel. */
export function mkfsVfatArgv(target: string, offset: number, bytes: number, volumeId: string): string[] {
  return [
    "mkfs.vfat",
    // a whole disk with partitions (dom0's target after sfdisk): mkfs.fat refuses it without -I
    "-I",
    "-F",
    "32",
    // one sector per cluster: mkfs.fat sizes clusters by the whole device, too few for FAT32 on a big disk
    "-s",
    "1",
    "-h",
    String(offset / 512),
    "-n",
    "EFI",
    "-i",
    volumeId,
    "--offset",
    String(offset / 512),
    target,
    String(Math.floor(bytes / 1024)),
  ];
}

/** mtools' name for a FAT filesystem at a byte offset of a file or device. */
export function mtoolsImage(target: string, offset: number): string {
  return `${target}@@${offset}`;
}

export function mmdArgv(target: string, offset: number, dirs: string[]): string[] {
  return ["mmd", "-i", mtoolsImage(target, offset), ...dirs.map((d) => `::/${d}`)];
}

export function mcopyArgv(target: string, offset: number, src: string, dest: string): string[] {
  return ["mcopy", "-i", mtoolsImage(target, offset), src, `::/${dest}`];
}

/** The store's one way to unpack a root tarball, with tar's checkpoints for progress. */
export function tarExtractProgressArgv(tar: string, root: string): string[] {
  return [...tarExtractArgv(tar, root), "--checkpoint=2000", "--checkpoint-action=echo=CHECKPOINT %u"];
}

/** tar prints `CHECKPOINT <records>` every 2000 records of 10 KiB: bytes read so far. */
export function tarCheckpointBytes(line: string): number | null {
  const m = /CHECKPOINT (\d+)/.exec(line);
  return m ? Number(m[1]) * 10240 : null;
}

/** A read-only overlay of layer mounts (top first, as overlayfs wants lowerdir). */
export function overlayMountArgv(lowerTopFirst: string[], at: string): string[] {
  return ["mount", "-t", "overlay", "-o", `ro,lowerdir=${lowerTopFirst.join(":")}`, "overlay", at];
}

/** Copies a tree with owners, modes, links, xattrs and sparse files as they are. */
export function copyTreeArgv(from: string, to: string): string[] {
  return ["cp", "-a", "--sparse=always", `${from}/.`, `${to}/`];
}

export function chrootArgv(root: string, argv: readonly string[]): string[] {
  return ["chroot", root, ...argv];
}

/** useradd in the new root; the hash is stored as given (never a cleartext password). */
export function useraddArgv(user: string, passwordHash: string, groups: string[]): string[] {
  return [
    "useradd",
    "--create-home",
    "--shell",
    "/bin/bash",
    "--password",
    passwordHash,
    ...(groups.length ? ["--groups", groups.join(",")] : []),
    user,
  ];
}

export function updateInitramfsArgv(kernel: string): string[] {
  return ["update-initramfs", "-c", "-k", kernel];
}
