/** Config files the installer writes into the new root: pure text, unit-tested. */

export interface SystemIds {
  rootUuid: string;
  /** The FAT volume id as the kernel shows it: "ABCD-1234". */
  espUuid: string;
}

export function fstabText(ids: SystemIds): string {
  return [
    "# written by the livedeck installer: filesystems by UUID",
    `UUID=${ids.rootUuid} / ext4 errors=remount-ro 0 1`,
    `UUID=${ids.espUuid} /boot/efi vfat umask=0077 0 1`,
    "",
  ].join("\n");
}

export function hostsText(hostname: string): string {
  return `127.0.0.1\tlocalhost\n127.0.1.1\t${hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n`;
}

/** systemd-networkd: DHCP on every wired interface, whatever the PC names it. */
export const NETWORKD_FILE = "etc/systemd/network/80-livedeck-dhcp.network";
export const NETWORKD_TEXT = "[Match]\nName=en* eth*\n\n[Network]\nDHCP=yes\n";

/** The PC's screen and its first serial port both get a console and a login prompt (last = /dev/console). */
export const LINUX_CONSOLES = "console=tty1 console=ttyS0,115200";
/** Under Xen, dom0's serial console is Xen's (hvc0); Xen itself owns com1. */
export const XEN_DOM0_CONSOLES = "console=tty0 console=hvc0";
export const XEN_ARGS = "dom0_mem=1024M,max:1024M console=com1,vga com1=115200,8n1";

export interface GrubCfgVars extends SystemIds {
  hostname: string;
  /** Kernel version: /boot/vmlinuz-<kernel> and /boot/initrd.img-<kernel>. */
  kernel: string;
  /** /boot/xen-*.gz file name when the system boots as a dom0 too (then the default entry). */
  xen?: string;
}

/**
 * grub.cfg: found through the images' prefix `(,gpt3)/boot/grub`, then everything by UUID. Menu
 * on screen and serial; with Xen, Xen is the default and plain Linux stays one entry below.
 */
export function grubCfgText(v: GrubCfgVars): string {
  const root = `root=UUID=${v.rootUuid} ro`;
  const linux = [
    `menuentry '${v.hostname}: Debian GNU/Linux (${v.kernel})' --id linux {`,
    "  insmod gzio",
    `  linux /boot/vmlinuz-${v.kernel} ${root} ${LINUX_CONSOLES}`,
    `  initrd /boot/initrd.img-${v.kernel}`,
    "}",
  ];
  const xen = v.xen
    ? [
        `menuentry '${v.hostname}: Xen with Debian GNU/Linux as dom0' --id xen {`,
        "  insmod gzio",
        "  insmod multiboot2",
        `  multiboot2 /boot/${v.xen} ${XEN_ARGS}`,
        `  module2 /boot/vmlinuz-${v.kernel} ${root} ${XEN_DOM0_CONSOLES}`,
        `  module2 --nounzip /boot/initrd.img-${v.kernel}`,
        "}",
      ]
    : [];
  return [
    "# written by the livedeck installer",
    "insmod part_gpt",
    "insmod ext2",
    `search --no-floppy --fs-uuid --set=root ${v.rootUuid}`,
    "serial --unit=0 --speed=115200",
    "terminal_input console serial",
    "terminal_output console serial",
    "set timeout=3",
    `set default=${v.xen ? "xen" : "linux"}`,
    ...xen,
    ...linux,
    "",
  ].join("\n");
}

/** The marker's text: what was installed, for a person and for tests. */
export function markerText(o: { flavour: string; kernel: string; xen: boolean }): string {
  return `flavour=${o.flavour}\nkernel=${o.kernel}\nxen=${o.xen ? "yes" : "no"}\n`;
}
