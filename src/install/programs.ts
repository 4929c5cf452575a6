/**
 * What the installer runs (argv.ts, install.ts, bootloader.ts, root-tree.ts), as paths in a Debian
 * bookworm root: the installer-medium stage ships whichever of them (with their libraries) the
 * pruned RAM dom0 lacks. A path missing from the tools' root fails that stage, so a tool added to
 * the installer without a line here is caught at build time, not in dom0.
 */
export const INSTALLER_PROGRAMS = [
  "/usr/sbin/sfdisk",
  "/usr/sbin/wipefs",
  "/usr/sbin/losetup",
  "/usr/sbin/mkfs.ext4",
  "/usr/sbin/mkfs.vfat",
  "/usr/bin/mmd",
  "/usr/bin/mcopy",
  "/usr/bin/grub-mkimage",
  "/usr/bin/mount",
  "/usr/bin/umount",
  "/usr/sbin/chroot",
  "/usr/bin/cp",
  "/usr/bin/df",
  "/usr/bin/sync",
] as const;

/**
 * Data the installer reads: GRUB's platform directories (grubLibDir), mke2fs's defaults, and the
 * iconv module of mtools' default codepage 850 (dom0's prune drops iconv's modules; without it mmd
 * and mcopy stop with "Error converting to codepage 850").
 */
export const INSTALLER_DATA = [
  "usr/lib/grub/i386-pc",
  "usr/lib/grub/x86_64-efi",
  "etc/mke2fs.conf",
  "usr/lib/x86_64-linux-gnu/gconv/IBM850.so",
] as const;

/** Debian packages holding them beyond minbase (grub-common comes with the two GRUB ones). */
export const INSTALLER_PACKAGES = [
  "fdisk",
  "dosfstools",
  "mtools",
  "grub-pc-bin",
  "grub-efi-amd64-bin",
] as const;
