import { readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";

/**
 * The disks dom0 may install to, read from /sys/block, /proc/mounts and /proc/swaps. Reading is
 * one function over a sysfs root (fixture trees in tests); deciding is pure. (src/tools/
 * blockdev-facts.ts answers the same kind of question on the build host, but through lsblk and
 * findmnt via execa, which the bundled dom0 code has neither of.)
 */

/** What /sys/block/NAME says about one disk. */
export interface SysDisk {
  name: string;
  sizeBytes: number;
  model: string;
  removable: boolean;
  readOnly: boolean;
  /** Partition names (sda1, nvme0n1p2). */
  partitions: string[];
  /** Devices stacked on the disk or its partitions (device mapper, RAID). */
  holders: string[];
}

/** Kernel names that are never an install target: loop, RAM, optical, stacked and network devices. */
const NOT_A_DISK = /^(loop|ram|zram|sr|fd|dm-|md|nbd|drbd)/;

export interface DiskChoice {
  name: string;
  path: string;
  model: string;
  sizeBytes: number;
  /** Why it cannot be the target; empty when it can. */
  refusals: string[];
}

const text = (p: string) =>
  readFile(p, "utf8").then(
    (s) => s.trim(),
    () => "",
  );
const list = (p: string) => readdir(p).catch(() => [] as string[]);

/** Every block device under `sysBlock` that is backed by a device (`device` link), not loop/RAM/optical. */
export async function readSysDisks(sysBlock = "/sys/block"): Promise<SysDisk[]> {
  const out: SysDisk[] = [];
  for (const name of (await list(sysBlock)).sort()) {
    if (NOT_A_DISK.test(name)) continue;
    const dir = join(sysBlock, name);
    if (!(await readlink(join(dir, "device")).catch(() => null))) continue;
    const partitions: string[] = [];
    for (const e of await list(dir))
      if (e.startsWith(name) && (await text(join(dir, e, "partition")))) partitions.push(e);
    partitions.sort();
    const holders = [
      ...(await list(join(dir, "holders"))),
      ...(await Promise.all(partitions.map((p) => list(join(dir, p, "holders"))))).flat(),
    ];
    // a virtio disk's device/vendor is its PCI vendor id (0x1af4): no name to show
    const vendor = (await text(join(dir, "device", "vendor"))).replace(/^0x[0-9a-f]+$/i, "");
    const model = await text(join(dir, "device", "model"));
    out.push({
      name,
      sizeBytes: Number(await text(join(dir, "size"))) * 512 || 0,
      model: [vendor, model].filter(Boolean).join(" ").replace(/\s+/g, " ") || "unknown model",
      removable: (await text(join(dir, "removable"))) === "1",
      readOnly: (await text(join(dir, "ro"))) === "1",
      partitions,
      holders,
    });
  }
  return out;
}

/** Kernel names of the block devices /proc/mounts or /proc/swaps name (`/dev/sda1` → sda1). */
export function usedDevices(procMounts: string, procSwaps: string): { mounted: Set<string>; swap: Set<string> } {
  const dev = (f: string | undefined) => (f?.startsWith("/dev/") ? f.slice(5).replace(/\\040/g, " ") : null);
  const names = (lines: string[]) =>
    new Set(lines.map((l) => dev(l.split(/\s+/)[0])).filter((n): n is string => n !== null));
  return {
    mounted: names(procMounts.split("\n")),
    swap: names(procSwaps.split("\n").slice(1)),
  };
}

const GB = 1e9;
export const formatSize = (bytes: number) =>
  bytes >= 100 * GB ? `${Math.round(bytes / GB)} GB` : `${(bytes / GB).toFixed(1)} GB`;

export interface DiskFacts {
  disks: readonly SysDisk[];
  procMounts: string;
  procSwaps: string;
  /** The device the boot medium was found on (find-medium's /run/livedeck/medium-dev), e.g. /dev/sr0. */
  mediumDevice: string | null;
}

/** Each disk with the reasons it cannot take an install needing `needBytes`. */
export function diskChoices(f: DiskFacts, needBytes: number, flavour: string): DiskChoice[] {
  const { mounted, swap } = usedDevices(f.procMounts, f.procSwaps);
  const medium = f.mediumDevice?.replace(/^\/dev\//, "") ?? null;
  return f.disks.map((d) => {
    const parts = [d.name, ...d.partitions];
    const refusals: string[] = [];
    if (medium && parts.includes(medium)) refusals.push("holds the boot medium");
    const m = parts.filter((p) => mounted.has(p));
    if (m.length) refusals.push(`has a mounted filesystem (${m.join(", ")})`);
    const s = parts.filter((p) => swap.has(p));
    if (s.length) refusals.push(`is used as swap (${s.join(", ")})`);
    if (d.holders.length) refusals.push(`is in use by ${[...new Set(d.holders)].join(", ")}`);
    if (d.readOnly) refusals.push("is read-only");
    if (d.sizeBytes < needBytes)
      refusals.push(`is too small: ${flavour} needs ${formatSize(needBytes)}`);
    return { name: d.name, path: `/dev/${d.name}`, model: d.model, sizeBytes: d.sizeBytes, refusals };
  });
}

/** Where find-medium records the boot medium's device. */
export const MEDIUM_DEVICE_FILE = "/run/livedeck/medium-dev";

/** The facts of the running dom0. */
export async function readDiskFacts(): Promise<DiskFacts> {
  const [disks, procMounts, procSwaps, medium] = await Promise.all([
    readSysDisks(),
    text("/proc/mounts"),
    text("/proc/swaps"),
    text(MEDIUM_DEVICE_FILE),
  ]);
  return { disks, procMounts, procSwaps, mediumDevice: medium || null };
}
