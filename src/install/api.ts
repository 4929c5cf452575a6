/**
 * The installer's contract: what a caller (dom0's install broker, `livedeck install`, the VM export)
 * hands it, what it reports while it runs, and how it ends. Types and documented constants only;
 * the code lives beside it in src/install/. Stable: fields are added, never renamed.
 *
 * The installer writes one flavour as a standalone OS to a target: GPT with a BIOS boot partition,
 * an EFI system partition and an ext4 root; the flavour's tree; a kernel and initramfs; GRUB for
 * BIOS (i386-pc) and UEFI (x86_64-efi, also at the removable path EFI/BOOT/BOOTX64.EFI); fstab by
 * UUID, hostname, one user with the given password hash, DHCP on every wired interface, consoles on
 * tty1 and ttyS0. With `withXen` it adds GRUB entries booting Xen with the system as dom0.
 *
 * Power loss: the bootloader and the completion marker are written last, so a disk cut off before
 * the end has no boot code and no marker (INSTALLED_MARKER) and does not look installed.
 */

/** Rules the broker and the installer both check (the installer checks again: it trusts no caller). */
export const HOSTNAME_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** A login name Debian's adduser accepts without --allow-bad-names; root is refused separately. */
export const USER_RE = /^[a-z_][a-z0-9_-]{0,30}$/;
/**
 * A crypt(3) hash as /etc/shadow holds it: yescrypt ($y$, Debian's default), SHA-512 ($6$) or
 * SHA-256 ($5$). Never a cleartext password: the guest hashes before it asks (`openssl passwd -6`,
 * `mkpasswd -m yescrypt`).
 */
export const PASSWORD_HASH_RE = /^\$(y|6|5)\$[./A-Za-z0-9$=,]{8,200}$/;

/** Where the system goes. */
export type InstallTarget =
  /** A whole disk (dom0: a real disk the person chose; never a partition, never the boot medium). */
  | { kind: "device"; path: string }
  /**
   * A raw disk image file, created (or replaced) at `sizeBytes` (build host: `livedeck install`,
   * the VM export). Written through loop devices of this file only.
   */
  | { kind: "image"; path: string; sizeBytes: number };

/** What the person (through the guest and the switcher) asked for. */
export interface InstallRequest {
  /** Flavour name as in flavours/<name>.yaml; the flavour must be `installable: true`. */
  flavour: string;
  /** Matches HOSTNAME_RE. */
  hostname: string;
  /** Matches USER_RE; gets sudo-like rights only if the flavour ships sudo (then: group sudo). */
  user: string;
  /** Matches PASSWORD_HASH_RE. */
  passwordHash: string;
  /** Also install the Xen hypervisor and xen-utils and add GRUB entries booting Xen (the default one). */
  withXen: boolean;
  target: InstallTarget;
}

/**
 * Where the flavour's root tree comes from, already including what a standalone boot needs (a
 * Debian kernel with its initramfs, systemd and udev; and Xen when withXen): the plan's
 * `layer:<flavour>+install` step (and `layer:<flavour>+install+xen` on it) builds exactly that
 * (src/install/root-packages.ts, src/pipeline/plan-install.ts). A guest's own layers lack the
 * kernel (guests boot dom0's): the install fails at `configure` ("no kernel") on them alone.
 */
export type InstallSource =
  /** A full root filesystem tarball (the build host: a layer step's rootfs.tar). */
  | { kind: "tar"; path: string }
  /**
   * Layer images, bottom first (the medium's livedeck/layers/*.squashfs): unpacked in order, a
   * later layer's overlayfs whiteouts (0:0 character devices, `trusted.overlay.opaque`) removing
   * what the lower ones hold.
   */
  | { kind: "layers"; images: string[] };

/** The installer's steps, in the order they run. A failure names one of them. */
export const INSTALL_STEPS = [
  /** Request and target checked, tools present, target large enough. Nothing written yet. */
  "check",
  /** Old signatures wiped, GPT written (BIOS boot, EFI system, root). */
  "partition",
  /** ext4 on root, FAT32 on the EFI system partition. */
  "format",
  /** The flavour's tree written to the root filesystem. */
  "copy",
  /** fstab, hostname, hosts, user and password, network (DHCP), consoles, machine-id. */
  "configure",
  /** Initramfs (re)generated for the installed kernel, inside the new root. */
  "initramfs",
  /** GRUB for BIOS and UEFI and grub.cfg (Xen entries with withXen); the completion marker last. */
  "bootloader",
  /** Filesystems synced and unmounted, loop devices released. */
  "finish",
] as const;
export type InstallStep = (typeof INSTALL_STEPS)[number];

/** One progress report. `fraction` is of the whole install (0 … 1), rising monotonically. */
export interface InstallProgress {
  step: InstallStep;
  fraction: number;
  /** One short human line ("writing the flavour's files: 312 MiB of 540 MiB"). */
  message: string;
}
export type ProgressCallback = (p: InstallProgress) => void;

/** Filesystem identities of the installed system (what fstab and grub.cfg name). */
export interface InstalledIds {
  rootUuid: string;
  espUuid: string;
  /** Kernel version installed (e.g. "6.1.0-28-amd64"). */
  kernel: string;
}

export type InstallResult =
  | {
      ok: true;
      target: InstallTarget;
      ids: InstalledIds;
      /** Bytes used on the root filesystem after the install. */
      rootUsedBytes: number;
      /** Seconds per step, in INSTALL_STEPS order (steps that ran). */
      seconds: Partial<Record<InstallStep, number>>;
    }
  | {
      ok: false;
      /** The step that failed. */
      step: InstallStep;
      /** One line for the person (and the guest): what failed. */
      message: string;
      /**
       * What the target was left as: "wiped" (partition table and filesystem signatures erased: an
       * empty disk), "removed" (the image file deleted), "untouched" (failed in `check`), or
       * "unknown" (the rollback itself failed; `message` says why).
       */
      rolledBack: "wiped" | "removed" | "untouched" | "unknown";
    };

/** How a caller runs it: `install(request, options)` from src/install/install.ts. */
export interface InstallOptions {
  source: InstallSource;
  /** A scratch directory the installer may create mount points in (dom0: under /run). */
  workDir: string;
  onProgress?: ProgressCallback;
  /** Aborting stops at the next tool boundary, then rolls back like a failure. */
  signal?: AbortSignal;
  /** Each tool's output lines (livedeck -v); the broker may drop them. */
  onLine?: (line: string) => void;
  /**
   * GRUB's platform directories (i386-pc/, x86_64-efi/ with boot.img and the modules); default
   * /usr/lib/grub (the build host's grub-pc-bin and grub-efi-amd64-bin).
   */
  grubLibDir?: string;
}

/** A file on the installed root that says the install completed; written after GRUB, then synced. */
export const INSTALLED_MARKER = "/etc/livedeck-installed";
