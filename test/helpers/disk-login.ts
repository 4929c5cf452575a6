import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { OVMF_VARS } from "../../src/qemu/argv.ts";
import { diskBootArgv, type DiskImageFormat } from "../../src/qemu/disk-argv.ts";
import { Console } from "./serial-console.ts";

/** Seconds an installed Debian gets from GRUB to its login prompt under TCG (on a loaded machine). */
const LOGIN_S = 300;

/**
 * Boots an installed disk alone (QEMU, BIOS or UEFI with a private copy of OVMF's variables in
 * `dir`) until GRUB shows and then `<hostname> login:`: GRUB, kernel, initramfs, root by UUID,
 * systemd, getty on the serial console. Returns the seconds it took.
 */
export async function bootToLogin(o: {
  disk: string;
  format: DiskImageFormat;
  uefi: boolean;
  hostname: string;
  dir: string;
}): Promise<number> {
  const ovmfVars = o.uefi ? join(o.dir, `vars-${o.format}.fd`) : undefined;
  if (ovmfVars) await copyFile(OVMF_VARS, ovmfVars);
  const started = Date.now();
  const c = new Console(
    diskBootArgv({
      disk: o.disk,
      format: o.format,
      firmware: o.uefi ? "uefi" : "bios",
      ovmfVars,
      memoryMiB: 1024,
    }),
  );
  try {
    await c.waitFor(/GNU GRUB/, 120);
    await c.waitFor(new RegExp(`^${o.hostname} login: `, "m"), LOGIN_S);
    return (Date.now() - started) / 1000;
  } finally {
    c.proc.kill("SIGKILL");
    await c.exited(10);
  }
}

/**
 * Boots a disk installed with Xen alone (BIOS): GRUB's default entry starts Xen, Xen the installed
 * kernel as dom0 on its root (by UUID: `rootUuid` when known), and systemd runs from that root
 * naming `hostname`. (The login prompt comes much later under TCG: udev's coldplug in a PV dom0.)
 * Returns the seconds to the dom0 kernel's command line and to systemd's host name.
 */
export async function bootXenDom0(o: {
  disk: string;
  hostname: string;
  rootUuid?: string;
}): Promise<{ kernel: number; systemd: number }> {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  const c = new Console(diskBootArgv({ disk: o.disk, format: "raw", firmware: "bios", memoryMiB: 2048 }));
  try {
    await c.waitFor(/\(XEN\) Xen version 4\.17/, 180);
    const root = o.rootUuid ? `UUID=${o.rootUuid}` : "UUID=[0-9a-f-]{36}";
    await c.waitFor(new RegExp(`Command line: root=${root} ro console=tty0 console=hvc0`), 240);
    const kernel = seconds();
    await c.waitFor(new RegExp(`systemd\\[1\\]: Hostname set to <${o.hostname}>`), 420);
    return { kernel, systemd: seconds() };
  } finally {
    c.proc.kill("SIGKILL");
    await c.exited(10);
  }
}
