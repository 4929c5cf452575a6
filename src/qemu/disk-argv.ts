import { firmwareArgv, qemuValue, type Firmware } from "./argv.ts";

/** Formats QEMU boots a disk from: the installer's raw image and the export's conversions. */
export type DiskImageFormat = "raw" | "qcow2" | "vmdk" | "vdi";

/**
 * QEMU booting an installed disk alone (no medium), as a PC with only that disk would: the image
 * is opened with snapshot=on, so the boot never changes it. Serial 0 on stdio, no NIC.
 */
export function diskBootArgv(o: {
  disk: string;
  format: DiskImageFormat;
  firmware: Firmware;
  ovmfVars?: string;
  memoryMiB: number;
  smp?: number;
}): string[] {
  // prettier-ignore
  return [
    "qemu-system-x86_64",
    "-name", "livedeck-disk",
    "-m", String(o.memoryMiB),
    "-smp", String(o.smp ?? 2),
    "-accel", "tcg",
    "-display", "none",
    "-monitor", "none",
    "-no-reboot",
    ...firmwareArgv(o),
    "-drive", `file=${qemuValue(o.disk)},format=${o.format},if=ide,snapshot=on`,
    "-serial", "stdio",
    "-nic", "none",
  ];
}
