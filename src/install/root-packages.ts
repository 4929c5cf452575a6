import { DOM0_PACKAGES } from "../pipeline/plan.ts";

/**
 * What a flavour's tree lacks to boot on its own (guests boot dom0's kernel with livedeck's initrd
 * as init): Debian's kernel (its postinst builds a generic initramfs: MODULES=most, any PC's
 * disk controllers), systemd as init with udev (fstab by UUID waits on /dev/disk/by-uuid), and
 * systemd-networkd comes with systemd. Installed as a layer on the flavour: the `+install` root.
 */
export const INSTALL_PACKAGES = ["linux-image-amd64", "systemd-sysv", "udev"];

/** The hypervisor and its tools, as dom0 has them: the `+install+xen` root, stacked on `+install`. */
export function installXenPackages(): string[] {
  return DOM0_PACKAGES.filter((p) => p.startsWith("xen-"));
}

export { installRootName } from "./install-stack.ts";
