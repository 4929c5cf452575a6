import type { InstallOptions, InstallRequest, InstallResult } from "../../install/api.ts";
import { failureSummary, type Runner } from "../run.ts";

/** Where installer-up mounts the medium's installer.squashfs (initrd-skel/dom0/usr/lib/livedeck/installer-up). */
export const INSTALLER_ROOT = "/run/livedeck/installer";
export const INSTALLER_UP = "/usr/lib/livedeck/installer-up";

type Install = (r: InstallRequest, o: InstallOptions) => Promise<InstallResult>;

/**
 * The installer as dom0 runs it: the same src/install code as on the build host, its tools readied
 * first (installer-up mounts the medium's image and links what the RAM dom0 lacks), GRUB's platform
 * directories read from the image. Tools that cannot be readied fail the `check` step, disk untouched.
 */
export function dom0Installer(run: Runner, mediumDir: string, install: Install): Install {
  return async (r, o) => {
    const up = await run([INSTALLER_UP, mediumDir], { signal: o.signal });
    if (up.code !== 0 || up.cancelled || up.timedOut)
      return {
        ok: false,
        step: "check",
        message: `the installer's tools: ${failureSummary(up)}`,
        rolledBack: "untouched",
      };
    return install(r, { ...o, grubLibDir: `${INSTALLER_ROOT}/usr/lib/grub` });
  };
}
