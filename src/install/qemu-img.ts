/** Disk image formats the export writes, with qemu-img's name and options for each. */
export const DISK_FORMATS = {
  qcow2: { qemu: "qcow2", options: ["compat=1.1"], summary: "QEMU/KVM, libvirt, Proxmox" },
  vmdk: { qemu: "vmdk", options: ["subformat=streamOptimized"], summary: "VMware (and VirtualBox)" },
  vdi: { qemu: "vdi", options: [], summary: "VirtualBox" },
} as const;
export type DiskFormat = keyof typeof DISK_FORMATS;

/** raw → another format; compressed where the format allows, so sparse zeros cost nothing. */
export function qemuImgConvertArgv(raw: string, format: DiskFormat, out: string): string[] {
  const f = DISK_FORMATS[format];
  const compress = format === "qcow2" ? ["-c"] : [];
  const opts = f.options.length ? ["-o", f.options.join(",")] : [];
  return ["qemu-img", "convert", "-f", "raw", "-O", f.qemu, ...compress, ...opts, raw, out];
}

export function qemuImgCheckArgv(path: string, format: DiskFormat): string[] {
  return ["qemu-img", "check", "-f", DISK_FORMATS[format].qemu, path];
}
