/** GNU tar argv for the store's root filesystem tarballs: one way to unpack them, one way to pack. */

/**
 * Unpacks as root keeping what a root filesystem needs: numeric owners, modes, device nodes, and
 * every xattr (file capabilities, overlayfs whiteouts in delta tarballs).
 */
export function tarExtractArgv(tar: string, dir: string): string[] {
  return [
    "tar",
    "--extract",
    `--file=${tar}`,
    `--directory=${dir}`,
    "--numeric-owner",
    "--same-owner",
    "--same-permissions",
    "--xattrs",
    "--xattrs-include=*",
  ];
}

/** Packs as mmdebstrap does: sorted names, mtimes clamped to the epoch, numeric owners, xattrs. */
export function tarPackArgv(root: string, tar: string, epoch: number): string[] {
  return [
    "tar",
    "--create",
    `--file=${tar}`,
    `--directory=${root}`,
    "--sort=name",
    `--mtime=@${epoch}`,
    "--clamp-mtime",
    "--numeric-owner",
    "--one-file-system",
    "--format=pax",
    "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
    "--xattrs",
    ".",
  ];
}
