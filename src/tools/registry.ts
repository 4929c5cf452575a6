/**
 * Every host binary livedeck runs, with the Debian package that ships it. Stages and verbs name
 * binaries from this table in their `tools`, and `doctor` checks exactly these.
 */
export const TOOLS = {
  mmdebstrap: { pkg: "mmdebstrap", why: "build Debian root filesystems" },
  tar: { pkg: "tar", why: "unpack root filesystems" },
  depmod: { pkg: "kmod", why: "index dom0's pruned kernel modules" },
  zstd: { pkg: "zstd", why: "compress the dom0 initrd" },
  cpio: { pkg: "cpio", why: "check initrd archives" },
  mksquashfs: { pkg: "squashfs-tools", why: "pack guest layers" },
  unsquashfs: { pkg: "squashfs-tools", why: "check guest layers" },
  xorriso: { pkg: "xorriso", why: "write the hybrid ISO" },
  "grub-mkrescue": { pkg: "grub-common", why: "make the BIOS+UEFI bootable ISO" },
  "grub-mknetdir": { pkg: "grub-common", why: "make the PXE tree's GRUB network boot images" },
  "grub-script-check": { pkg: "grub-common", why: "check rendered GRUB menus" },
  "grub-pc-bin": { pkg: "grub-pc-bin", why: "BIOS boot images for the ISO", path: "/usr/lib/grub/i386-pc/boot_hybrid.img" },
  "grub-efi-bin": {
    pkg: "grub-efi-amd64-bin",
    why: "UEFI boot images for the ISO",
    path: "/usr/lib/grub/x86_64-efi/linuxefi.mod",
  },
  mformat: { pkg: "mtools", why: "build the ISO's EFI system partition" },
  memtest: { pkg: "memtest86+", why: "the memtest86+ boot entry", path: "/boot/memtest86+x64.bin" },
  "qemu-system-x86_64": { pkg: "qemu-system-x86", why: "boot and test the medium" },
  "qemu-img": { pkg: "qemu-utils", why: "convert disk images" },
  ovmf: { pkg: "ovmf", why: "boot the medium under UEFI", path: "/usr/share/OVMF/OVMF_CODE_4M.fd" },
  as: { pkg: "binutils", why: "assemble the guests' post-restore reseeder" },
  ld: { pkg: "binutils", why: "link the guests' post-restore reseeder" },
  busybox: { pkg: "busybox-static", why: "micro guests" },
  dash: { pkg: "dash", why: "run dom0's shell scripts in tests (dom0's /bin/sh)" },
  shellcheck: { pkg: "shellcheck", why: "lint the initrd shell scripts (tests)" },
  tmux: { pkg: "tmux", why: "drive the console UI in tests" },
  vncsnapshot: { pkg: "vncsnapshot", why: "tests: snapshots of the graphical guests' desktops over VNC" },
  vncpasswd: { pkg: "tigervnc-tools", why: "tests: the VNC password file vncsnapshot reads" },
  openssl: { pkg: "openssl", why: "tests: DES for the RFB client's VNC authentication" },
  djpeg: { pkg: "libjpeg-turbo-progs", why: "tests: decode VNC snapshots (JPEG) to check their pixels" },
  chroot: { pkg: "coreutils", why: "run user scripts inside a root filesystem" },
  mount: { pkg: "mount", why: "mount /proc, /sys and /dev/pts for user scripts" },
  umount: { pkg: "mount", why: "unmount them again" },
  lsblk: { pkg: "util-linux", why: "usb write: tell a removable stick from the system's disks" },
  findmnt: { pkg: "util-linux", why: "usb write: find the disks holding the running system" },
  blockdev: { pkg: "util-linux", why: "usb write: drop the stick's cache before reading it back" },
  losetup: { pkg: "mount", why: "tests: loop devices that usb write must refuse" },
  setpriv: { pkg: "util-linux", why: "tie a test VM's life to livedeck's (no orphaned QEMU)" },
  unshare: { pkg: "util-linux", why: "keep mmdebstrap's chroot mounts private to it" },
  "apt-get": { pkg: "apt", why: "read the mirror's package index for the deck's lock" },
  "apt-helper": { pkg: "apt", why: "decompress the mirror's package index", path: "/usr/lib/apt/apt-helper" },
  sfdisk: { pkg: "fdisk", why: "install: partition the target disk (GPT)" },
  wipefs: { pkg: "util-linux", why: "install: leave a failed target empty" },
  "mkfs.ext4": { pkg: "e2fsprogs", why: "install: the root filesystem" },
  "mkfs.vfat": { pkg: "dosfstools", why: "install: the EFI system partition" },
  mcopy: { pkg: "mtools", why: "install: put GRUB's EFI image on the EFI system partition" },
  mmd: { pkg: "mtools", why: "install: make the EFI system partition's directories" },
  "grub-mkimage": { pkg: "grub-common", why: "install: GRUB's BIOS and UEFI boot images" },
  debugfs: { pkg: "e2fsprogs", why: "tests: read an installed root filesystem without mounting it" },
  blkid: { pkg: "util-linux", why: "tests: probe an installed disk's filesystems" },
  mdir: { pkg: "mtools", why: "tests: list an installed disk's EFI system partition" },
  lb: { pkg: "live-build", why: "build the peer live ISO the peers benchmark compares with" },
} as const satisfies Record<string, { pkg: string; why: string; path?: string }>;

export type ToolName = keyof typeof TOOLS;

export function toolPackage(name: ToolName): string {
  return TOOLS[name].pkg;
}
