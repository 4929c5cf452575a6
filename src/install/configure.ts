import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { withChrootMounts } from "../tools/chroot.ts";
import type { InstallRequest } from "./api.ts";
import { chrootArgv, useraddArgv } from "./argv.ts";
import { NETWORKD_FILE, NETWORKD_TEXT, fstabText, hostsText, type SystemIds } from "./config-text.ts";
import { hasGroup, writeInRoot } from "./root-files.ts";
import type { InstallSession } from "./session.ts";

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/**
 * The installed system's own settings: fstab by UUID, hostname, the user, DHCP by systemd-networkd,
 * an empty machine-id (systemd draws one at first boot). Consoles are on the kernel command line
 * (grub.cfg): systemd starts a login prompt on each.
 */
export async function configureRoot(
  s: InstallSession,
  root: string,
  req: InstallRequest,
  ids: SystemIds,
): Promise<void> {
  await mkdir(join(root, "boot", "efi"), { recursive: true });
  await writeInRoot(root, "etc/fstab", fstabText(ids));
  await writeInRoot(root, "etc/hostname", `${req.hostname}\n`);
  await writeInRoot(root, "etc/hosts", hostsText(req.hostname));
  await writeInRoot(root, "etc/machine-id", "", 0o444);
  const networkd = await exists(join(root, "lib/systemd/systemd-networkd"));
  if (networkd) {
    await mkdir(join(root, "etc/systemd/network"), { recursive: true });
    await writeInRoot(root, NETWORKD_FILE, NETWORKD_TEXT);
  }
  const sudo = (await exists(join(root, "usr/bin/sudo"))) && (await hasGroup(root, "sudo"));
  await withChrootMounts(
    root,
    (argv) => s.run(argv),
    async () => {
      await s.run(chrootArgv(root, useraddArgv(req.user, req.passwordHash, sudo ? ["sudo"] : [])));
      s.progress(0.5, `user ${req.user}`);
      if (networkd) await s.run(chrootArgv(root, ["systemctl", "enable", "systemd-networkd.service"]));
    },
    true,
  );
}
