import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { InstallSource } from "./api.ts";
import { copyTreeArgv, overlayMountArgv, tarCheckpointBytes, tarExtractProgressArgv } from "./argv.ts";
import type { InstallSession } from "./session.ts";

/** Squashfs layers unpack to about this many times their size (zstd/xz on a Debian tree). */
const SQUASHFS_RATIO = 2.6;

/** About how many bytes the source's tree holds: what the target must fit. */
export async function sourceBytes(src: InstallSource): Promise<number> {
  if (src.kind === "tar") return (await stat(src.path)).size;
  let sum = 0;
  for (const img of src.images) sum += (await stat(img)).size;
  return Math.ceil(sum * SQUASHFS_RATIO);
}

/**
 * The flavour's tree into the mounted root. A tarball is unpacked as it is; layer images are
 * mounted and stacked read-only with overlayfs (the kernel applies the upper layers' whiteouts and
 * opaque dirs, as in the guest) and the merged tree copied.
 */
export async function writeTree(
  s: InstallSession,
  src: InstallSource,
  root: string,
  work: string,
  treeBytes: number,
): Promise<void> {
  if (src.kind === "tar") {
    const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
    await s.run(tarExtractProgressArgv(src.path, root), {
      onLine: (l) => {
        const done = tarCheckpointBytes(l);
        if (done !== null)
          s.progress(done / treeBytes, `writing the flavour's files: ${mib(done)} of ${mib(treeBytes)}`);
      },
    });
    return;
  }
  const lower: string[] = [];
  for (const [i, img] of src.images.entries()) {
    const at = join(work, `layer${i}`);
    await mkdir(at);
    await s.run(["mount", "-t", "squashfs", "-o", "ro,loop", img, at]);
    s.onCleanup(`unmount ${at}`, () => s.run(["umount", at], { undo: true }));
    lower.unshift(at);
  }
  const merged = join(work, "merged");
  await mkdir(merged);
  if (lower.length === 1) await s.run(["mount", "--bind", "-o", "ro", lower[0]!, merged]);
  else await s.run(overlayMountArgv(lower, merged));
  s.onCleanup(`unmount ${merged}`, () => s.run(["umount", merged], { undo: true }));
  s.progress(0.1, `copying ${src.images.length} layers`);
  await s.run(copyTreeArgv(merged, root));
}
