/**
 * The PXE tree's pure parts: GRUB's network images per firmware, the checksum manifest dom0 checks
 * what it fetches against, and the RAM note of the boot menu.
 */

/** GRUB platforms the tree carries, and the file a DHCP server names as the boot file for each. */
export const NET_PLATFORMS = {
  bios: { platform: "i386-pc", bootfile: "boot/grub/i386-pc/core.0" },
  uefi: { platform: "x86_64-efi", bootfile: "boot/grub/x86_64-efi/core.efi" },
} as const;
export type NetFirmware = keyof typeof NET_PLATFORMS;

/** The menu grub-mknetdir's images load: `(tftp)/boot/grub/grub.cfg`, the same path as on the ISO. */
export const NET_SUBDIR = "boot/grub";

/** At the tree's root: sha256sum lines for every file dom0 fetches (the guests' livedeck/ tree). */
export const MANIFEST = "livedeck.sha256";

/** grub-mknetdir for one platform; no locales, fonts or themes (the menu is on the serial line). */
export function grubMknetdirArgv(firmware: NetFirmware, tree: string): string[] {
  const { platform } = NET_PLATFORMS[firmware];
  return [
    "grub-mknetdir",
    `--net-directory=${tree}`,
    `--subdir=${NET_SUBDIR}`,
    `--directory=/usr/lib/grub/${platform}`,
    "--locales=",
    "--fonts=",
    "--themes=",
  ];
}

const SHA256 = /^[0-9a-f]{64}$/;
/** Paths dom0's busybox sh reads word by word: no spaces, quotes or leading slash or dots. */
const PATH = /^[A-Za-z0-9_][A-Za-z0-9._+%~:\/-]*$/;

/** `sha256sum -c` input (two spaces, relative paths), sorted by path so the text is reproducible. */
export function manifestText(entries: readonly { path: string; sha256: string }[]): string {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const e of sorted) {
    if (!SHA256.test(e.sha256)) throw new Error(`manifest: ${e.path}: not a sha256: ${e.sha256}`);
    if (!PATH.test(e.path) || e.path.split("/").includes(".."))
      throw new Error(`manifest: bad path ${JSON.stringify(e.path)}`);
  }
  return sorted.map((e) => `${e.sha256}  ${e.path}\n`).join("");
}

/**
 * The RAM a network boot needs, for the default entry's heading: Xen, dom0 (which also holds the
 * fetched guest files in its RAM, beside its own initrd) and the autostart guests.
 */
export function ramNote(o: {
  xenMiB: number;
  dom0MiB: number;
  guestsMiB: number;
  filesBytes: number;
}): string {
  const total = o.xenMiB + o.dom0MiB + o.guestsMiB;
  const files = Math.ceil(o.filesBytes / 2 ** 20);
  return ` (network boot: needs ${total} MiB RAM, incl. ${files} MiB of guest files)`;
}
