/** GPT partition type GUIDs (sfdisk names them by GUID; the short aliases vary between versions). */
export const PART_TYPES = {
  bios: "21686148-6449-6E6F-744E-656564454649",
  esp: "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
  root: "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
} as const;
export type PartRole = keyof typeof PART_TYPES;

/** The layout, first to last. Root is partition 3: the GRUB images' prefix `(,gpt3)` names it. */
export const LAYOUT: readonly { role: PartRole; mib?: number; name: string }[] = [
  { role: "bios", mib: 1, name: "BIOS boot" },
  { role: "esp", mib: 64, name: "EFI system" },
  { role: "root", name: "root" },
];
export const ROOT_PARTITION = 3;
const SECTOR = 512;
const FIRST_LBA = 2048;

/** Beyond the flavour's tree: partitions before root, ext4's own metadata, room to boot and log. */
export const HEADROOM_BYTES = 384 * 2 ** 20;

/** The smallest target a tree of `treeBytes` fits: tree + 15 % (ext4 overhead) + headroom. */
export function requiredTargetBytes(treeBytes: number): number {
  return Math.ceil((treeBytes * 1.15 + HEADROOM_BYTES) / 2 ** 20) * 2 ** 20;
}

/** sfdisk's input: a fresh GPT, the layout's partitions 1 MiB-aligned, root taking the rest. */
export function sfdiskScript(): string {
  const lines = ["label: gpt", `first-lba: ${FIRST_LBA}`];
  for (const [i, p] of LAYOUT.entries()) {
    const start = i === 0 ? `start=${FIRST_LBA}, ` : "";
    const size = p.mib ? `size=${p.mib}MiB, ` : "";
    lines.push(`${start}${size}type=${PART_TYPES[p.role]}, name="${p.name}"`);
  }
  return lines.join("\n") + "\n";
}

export interface Partition {
  role: PartRole;
  number: number;
  /** Bytes from the start of the target. */
  offset: number;
  bytes: number;
}

/** The partitions `sfdisk --json` reports, matched to the layout by type; anything else is an error. */
export function parseSfdiskJson(json: string): Record<PartRole, Partition> {
  const t = JSON.parse(json) as {
    partitiontable: {
      label: string;
      sectorsize?: number;
      partitions: { start: number; size: number; type: string }[];
    };
  };
  const pt = t.partitiontable;
  const sector = pt.sectorsize ?? SECTOR;
  if (pt.label !== "gpt" || pt.partitions.length !== LAYOUT.length)
    throw new Error(
      `partition table is ${pt.label} with ${pt.partitions.length} partitions, not the installer's GPT`,
    );
  const out = {} as Record<PartRole, Partition>;
  for (const [i, p] of LAYOUT.entries()) {
    const got = pt.partitions[i]!;
    if (got.type.toUpperCase() !== PART_TYPES[p.role])
      throw new Error(`partition ${i + 1} has type ${got.type}, expected ${PART_TYPES[p.role]} (${p.name})`);
    out[p.role] = { role: p.role, number: i + 1, offset: got.start * sector, bytes: got.size * sector };
  }
  return out;
}
