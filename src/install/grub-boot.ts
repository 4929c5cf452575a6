import { ROOT_PARTITION } from "./layout.ts";

/**
 * GRUB's boot images, made with grub-mkimage rather than grub-install: grub-install probes the
 * host's devices (it cannot see partitions of a loop device without partition scanning, nor mount
 * FAT where the kernel lacks vfat), while an image whose prefix is `(,gpt3)/boot/grub` — partition
 * 3 of whatever disk the firmware booted — needs no probing at all. grub.cfg then finds the root
 * filesystem by UUID.
 */
export const GRUB_PREFIX = `(,gpt${ROOT_PARTITION})/boot/grub`;

export const GRUB_PLATFORMS = {
  bios: { format: "i386-pc", modules: ["biosdisk", "part_gpt", "ext2"] },
  efi: { format: "x86_64-efi", modules: ["part_gpt", "ext2", "fat"] },
} as const;
export type GrubPlatform = keyof typeof GRUB_PLATFORMS;

/** Where a platform's modules come from (the host's grub-pc-bin / grub-efi-amd64-bin). */
export function grubModuleDir(p: GrubPlatform, libDir = "/usr/lib/grub"): string {
  return `${libDir}/${GRUB_PLATFORMS[p].format}`;
}

export function grubMkimageArgv(p: GrubPlatform, out: string, libDir = "/usr/lib/grub"): string[] {
  const { format, modules } = GRUB_PLATFORMS[p];
  return [
    "grub-mkimage",
    "-d",
    grubModuleDir(p, libDir),
    "-O",
    format,
    "-o",
    out,
    "-p",
    GRUB_PREFIX,
    ...modules,
  ];
}

/** The ESP's files: the removable path every UEFI firmware tries, and Debian's own path. */
export const EFI_FILES = ["EFI/BOOT/BOOTX64.EFI", "EFI/debian/grubx64.efi"];

const SECTOR = 512;
// Offsets in boot.img and diskboot.img that grub-bios-setup patches (grub's i386/pc/boot.h).
const BPB_START = 0x3;
const BPB_END = 0x5a;
const KERNEL_SECTOR = 0x5c;
const DRIVE_CHECK = 0x66;
const NT_MAGIC = 0x1b8;
const PART_END = 0x1fe;
const BLOCKLIST = SECTOR - 12;
const CORE_SEGMENT = 0x820;

/**
 * What grub-bios-setup writes, as a pure function: the MBR (boot.img keeping the disk's BPB area
 * and partition table, pointing at core.img, drive check off as for a hard disk) and core.img with
 * its first blocklist naming the rest of itself, stored contiguously from `coreLba` (the BIOS boot
 * partition). No Reed-Solomon codes (as grub-bios-setup --no-rs-codes): the partition is not
 * shared with anything that could damage it.
 */
export function biosBootSectors(
  bootImg: Buffer,
  coreImg: Buffer,
  oldMbr: Buffer,
  coreLba: number,
  partitionBytes: number,
): { mbr: Buffer; core: Buffer } {
  if (bootImg.length !== SECTOR) throw new Error(`boot.img is ${bootImg.length} bytes, not ${SECTOR}`);
  const sectors = Math.ceil(coreImg.length / SECTOR);
  if (sectors < 2 || sectors * SECTOR > partitionBytes)
    throw new Error(
      `core.img (${coreImg.length} bytes) does not fit the BIOS boot partition (${partitionBytes})`,
    );
  const mbr = Buffer.from(bootImg);
  oldMbr.copy(mbr, BPB_START, BPB_START, BPB_END);
  oldMbr.copy(mbr, NT_MAGIC, NT_MAGIC, PART_END);
  mbr.writeBigUInt64LE(BigInt(coreLba), KERNEL_SECTOR);
  mbr[DRIVE_CHECK] = 0x90;
  mbr[DRIVE_CHECK + 1] = 0x90;
  const core = Buffer.alloc(sectors * SECTOR);
  coreImg.copy(core);
  core.writeBigUInt64LE(BigInt(coreLba + 1), BLOCKLIST);
  core.writeUInt16LE(sectors - 1, BLOCKLIST + 8);
  core.writeUInt16LE(CORE_SEGMENT, BLOCKLIST + 10);
  return { mbr, core };
}
