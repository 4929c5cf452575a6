import { NET_PLATFORMS } from "../formats/pxe-tree.ts";

/** OVMF firmware (Debian's `ovmf`): code is shared read-only, vars are copied per boot. */
export const OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd";
export const OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd";

/** cdrom and usb boot the ISO; pxe boots a PXE tree (a directory) from QEMU's built-in TFTP server. */
export type Media = "cdrom" | "usb" | "pxe";
export type Firmware = "bios" | "uefi";
export type Accel = "tcg" | "kvm";

/** A port inside the VM reachable from the host, always bound to 127.0.0.1 (DESIGN.md "Graphical guests"). */
export interface HostForward {
  host: number;
  guest: number;
}

/**
 * A service the VM reaches at IP:PORT on QEMU's user-mode network (say 10.0.2.100:80) that is a
 * host command run per connection, its stdin and stdout the connection (QEMU's guestfwd cmd:).
 * restrict=on still allows it: tests give the VM an "outside" server that never leaves the host.
 */
export interface GuestForward {
  ip: string;
  port: number;
  command: string;
}

export interface QemuOptions {
  /** The ISO (a hybrid ISO is also the USB stick image), or with media "pxe" the PXE tree's directory. */
  medium: string;
  media: Media;
  firmware: Firmware;
  /** Private copy of OVMF_VARS; required with firmware "uefi". */
  ovmfVars?: string;
  memoryMiB: number;
  /** TCG unless asked: the /dev/kvm on these machines is emulated and slow (DESIGN.md "KVM trap"). */
  accel?: Accel;
  /** Default: QEMU's qemu64 (`-cpu max` crashes dom0 under TCG). */
  cpu?: string;
  smp?: number;
  /** File QEMU writes the second serial port to: dom0's /dev/ttyS1, the boot-marker channel. */
  eventsFile: string;
  /** User-mode networking (restrict=on); false for no NIC (not with media "pxe"). */
  net?: false | { hostfwd?: readonly HostForward[]; guestfwd?: readonly GuestForward[] };
  /** Unix socket for QMP (screendumps). */
  qmpSocket?: string;
  /** Raw disk images attached as virtio disks (vda, vdb, … in dom0): install targets in tests. */
  disks?: readonly string[];
}

/** QEMU splits option values on commas; a literal comma is written twice. */
export function qemuValue(s: string): string {
  return s.replace(/,/g, ",,");
}

export function firmwareArgv(o: Pick<QemuOptions, "firmware" | "ovmfVars">): string[] {
  if (o.firmware === "bios") return [];
  if (!o.ovmfVars) throw new Error("qemuArgv: firmware uefi needs ovmfVars (a private copy of OVMF_VARS)");
  // prettier-ignore
  return [
    "-drive", `if=pflash,format=raw,unit=0,readonly=on,file=${qemuValue(OVMF_CODE)}`,
    "-drive", `if=pflash,format=raw,unit=1,file=${qemuValue(o.ovmfVars)}`,
  ];
}

function mediaArgv(o: QemuOptions): string[] {
  if (o.media === "pxe") return []; // the NIC is the boot device (netArgv)
  const file = qemuValue(o.medium);
  if (o.media === "cdrom") {
    // prettier-ignore
    return [
      "-drive", `if=none,id=medium,media=cdrom,format=raw,readonly=on,file=${file}`,
      "-device", "ide-cd,drive=medium,bootindex=0",
    ];
  }
  // The hybrid ISO as a USB stick on an xHCI controller, as a PC sees a `dd`-written stick.
  // prettier-ignore
  return [
    "-drive", `if=none,id=medium,format=raw,readonly=on,file=${file}`,
    "-device", "qemu-xhci,id=xhci",
    "-device", "usb-storage,bus=xhci.0,drive=medium,bootindex=0",
  ];
}

function netArgv(o: QemuOptions): string[] {
  const fwd = [
    ...(o.net ? (o.net.hostfwd ?? []) : []).map((f) => `,hostfwd=tcp:127.0.0.1:${f.host}-:${f.guest}`),
    ...(o.net ? (o.net.guestfwd ?? []) : []).map((f) => `,guestfwd=tcp:${f.ip}:${f.port}-cmd:${qemuValue(f.command)}`),
  ];
  if (o.media === "pxe") {
    if (o.net === false) throw new Error("qemuArgv: a PXE boot needs the NIC");
    // QEMU's DHCP names the firmware's GRUB image; its TFTP server serves the tree. restrict=on
    // still lets the VM reach these built-in servers, and nothing beyond them.
    const tftp = `,tftp=${qemuValue(o.medium)},bootfile=${NET_PLATFORMS[o.firmware].bootfile}`;
    // prettier-ignore
    return [
      "-netdev", `user,id=net0,restrict=on${tftp}${fwd.join("")}`,
      "-device", "e1000,netdev=net0,bootindex=0",
    ];
  }
  if (o.net === false) return ["-nic", "none"];
  return ["-nic", `user,model=e1000,restrict=on${fwd.join("")}`];
}

/**
 * The whole QEMU command line. Serial 0 (COM1, Xen's console) is QEMU's stdio, which the harness
 * reads and writes; serial 1 (dom0's /dev/ttyS1) is the events file.
 */
export function qemuArgv(o: QemuOptions): string[] {
  // prettier-ignore
  return [
    "qemu-system-x86_64",
    "-name", "livedeck",
    "-m", String(o.memoryMiB),
    "-smp", String(o.smp ?? 2),
    "-accel", o.accel ?? "tcg",
    ...(o.cpu ? ["-cpu", o.cpu] : []),
    "-display", "none",
    "-monitor", "none",
    "-no-reboot",
    ...firmwareArgv(o),
    ...mediaArgv(o),
    ...(o.disks ?? []).flatMap((d) => ["-drive", `if=virtio,format=raw,file=${qemuValue(d)}`]),
    "-serial", "stdio",
    "-serial", `file:${o.eventsFile}`, // the legacy `file:` form takes the rest verbatim
    ...netArgv(o),
    ...(o.qmpSocket ? ["-qmp", `unix:${qemuValue(o.qmpSocket)},server=on,wait=off`] : []),
  ];
}
