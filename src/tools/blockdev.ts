/**
 * Whether `livedeck usb write` may write to a device: a pure decision over facts read from /sys,
 * lsblk and findmnt (src/tools/blockdev-facts.ts), so every refusal is unit-tested on recorded
 * facts. Anything that is not a whole, removable, unused disk big enough for the ISO is refused.
 */

export interface DeviceFacts {
  /** As the user gave it, and with symlinks (/dev/disk/by-id/…) resolved. */
  path: string;
  realPath: string;
  kind: "block" | "file" | "missing" | "other";
  /** Kernel name (sdb, loop0, sdb1, dm-0, mmcblk0); block devices only. */
  name?: string;
  /** /sys/class/block/NAME/partition exists; `parent` is the disk it belongs to. */
  partition?: boolean;
  parent?: string;
  /** /sys/block/NAME/removable. */
  removable?: boolean;
  /** lsblk HOTPLUG and TRAN: USB sticks behind some readers report removable=0 but hotplug=1, tran=usb. */
  hotplug?: boolean;
  transport?: string;
  sizeBytes?: number;
  readOnly?: boolean;
  serial?: string;
  model?: string;
  /** Mount points (and [SWAP]) of the disk and each of its partitions, per source device. */
  mounts: { source: string; target: string }[];
  /** Devices stacked on the disk or its partitions (/sys/…/holders: device mapper, RAID). */
  holders: string[];
  /** Disks holding the running system's /, /boot or /boot/efi (lsblk -s of their sources). */
  systemDisks: string[];
}

export interface Refusal {
  message: string;
  hint: string;
}

/** Kernel names of block devices that are never a USB stick. */
const VIRTUAL = [
  [/^loop\d+$/, "a loop device (a file posing as a disk)"],
  [/^dm-\d+$/, "a device-mapper device (LVM, encryption)"],
  [/^md\d+/, "a software RAID device"],
  [/^(zram|ram)\d+$/, "a RAM disk"],
  [/^nbd\d+$/, "a network block device"],
  [/^sr\d+$/, "an optical drive"],
] as const;

const SYSTEM_TARGETS = new Set(["/", "/boot", "/boot/efi", "/usr", "/var", "[SWAP]"]);

const MiB = 2 ** 20;
const size = (b: number) => `${(b / MiB).toFixed(b < 10 * MiB ? 1 : 0)} MiB`;

/** Why `dev` must not be written with an ISO of `isoBytes`, or null when it may (before confirmation). */
export function refuseDevice(dev: DeviceFacts, isoBytes: number): Refusal | null {
  const p = dev.path;
  const pick = "name the whole USB stick, e.g. /dev/sdX (`lsblk -o NAME,TRAN,RM,SIZE,MODEL` lists them)";
  if (dev.kind === "missing") return { message: `${p}: no such device`, hint: pick };
  if (dev.kind === "file")
    return {
      message: `${p} is a regular file, not a block device`,
      hint: `to copy the ISO to a file use cp; ${pick}`,
    };
  if (dev.kind === "other") return { message: `${p} is not a block device`, hint: pick };
  const name = dev.name ?? p;
  if (dev.partition) {
    const whole = dev.parent ? `/dev/${dev.parent}` : "the whole disk";
    return {
      message: `${p} is a partition${dev.parent ? ` of /dev/${dev.parent}` : ""}: the hybrid ISO is a whole-disk image`,
      hint: `write to ${whole} (after checking it is the stick), not to one of its partitions`,
    };
  }
  for (const [re, what] of VIRTUAL)
    if (re.test(name)) return { message: `${p} is ${what}, not a removable disk`, hint: pick };
  const sys = dev.systemDisks.includes(name) || dev.mounts.some((m) => SYSTEM_TARGETS.has(m.target));
  if (sys)
    return {
      message: `${p} holds the running system (${systemWhere(dev)})`,
      hint: `never write to the disk this machine runs from; ${pick}`,
    };
  if (!(dev.removable || dev.hotplug || dev.transport === "usb"))
    return {
      message: `${p} is not a removable device (removable=0, hotplug=0, transport ${dev.transport || "none"})`,
      hint: `livedeck only writes to removable disks such as USB sticks; ${pick}`,
    };
  if (dev.mounts.length)
    return {
      message: `${p} has mounted filesystems: ${dev.mounts.map((m) => `${m.source} on ${m.target}`).join(", ")}`,
      hint: `unmount them first (e.g. \`umount ${dev.mounts[0]!.source}\`) if this is really the stick to overwrite`,
    };
  if (dev.holders.length)
    return {
      message: `${p} is in use by ${dev.holders.join(", ")} (device mapper or RAID on it)`,
      hint: "close what uses it (e.g. `cryptsetup close`, `vgchange -an`) if this is really the stick to overwrite",
    };
  if (dev.readOnly) return { message: `${p} is read-only`, hint: "check the stick's write-protect switch" };
  if (!dev.sizeBytes) return { message: `${p} has no medium (size 0)`, hint: "insert the stick or card" };
  if (dev.sizeBytes < isoBytes)
    return {
      message: `${p} is too small: ${size(dev.sizeBytes)} for an ISO of ${size(isoBytes)}`,
      hint: "use a larger stick",
    };
  return null;
}

function systemWhere(dev: DeviceFacts): string {
  const m = dev.mounts.filter((x) => SYSTEM_TARGETS.has(x.target));
  return m.length ? m.map((x) => `${x.source} on ${x.target}`).join(", ") : "/, /boot or swap are on it";
}

export interface Confirmation {
  yes: boolean;
  deviceSerial?: string;
  /** Whether a person can be asked on a terminal. */
  tty: boolean;
}

/**
 * How the write is confirmed: "ask" (type the device name again on the TTY), "given" (`--yes` with
 * the device's serial), or a refusal.
 */
export function confirmation(dev: DeviceFacts, c: Confirmation): Refusal | "ask" | "given" {
  const serial = dev.serial?.trim() ?? "";
  if (c.deviceSerial !== undefined && !c.yes)
    return {
      message: "--device-serial is only read together with --yes",
      hint: "add --yes, or leave both out to confirm on the terminal",
    };
  if (c.yes) {
    if (c.deviceSerial === undefined)
      return {
        message: "--yes needs --device-serial: the serial number of the stick to overwrite",
        hint: serial ? `${dev.path} reports serial ${serial}` : `see \`lsblk -o NAME,SERIAL ${dev.path}\``,
      };
    if (!serial)
      return {
        message: `${dev.path} reports no serial number, so --yes cannot be checked against it`,
        hint: "run without --yes on a terminal and type the device name to confirm",
      };
    if (c.deviceSerial !== serial)
      return {
        message: `--device-serial ${c.deviceSerial} does not match ${dev.path}, whose serial is ${serial}`,
        hint: "check that this is the stick you mean",
      };
    return "given";
  }
  if (!c.tty)
    return {
      message: "no terminal to confirm on, and no --yes",
      hint: `run it on a terminal, or pass --yes --device-serial ${serial || "SERIAL"}`,
    };
  return "ask";
}

/** The person typed the device's name again: exactly the path given (or its resolved path). */
export function typedMatches(dev: DeviceFacts, typed: string): boolean {
  const t = typed.trim();
  return t === dev.path || t === dev.realPath;
}
