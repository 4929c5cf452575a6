import { lstat, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../errors.ts";
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, type CpioEntry } from "./cpio.ts";

/** A cpio entry read from disk, with its apparent size (regular files) for reports. */
export interface TreeEntry extends CpioEntry {
  size: number;
}

export interface WalkOptions {
  /** Leave out this path and everything below it (relative, e.g. "boot/xen.gz"). */
  exclude?: (path: string) => boolean;
  /**
   * Files copied from a source checkout (initrd skeletons): owned by root, directories 0755,
   * files 0755 when any execute bit is set else 0644, so the result does not depend on who
   * checked it out or their umask.
   */
  normalize?: boolean;
}

function normalizedMode(mode: number): number {
  const type = mode & S_IFMT;
  if (type === S_IFLNK) return S_IFLNK | 0o777;
  if (type === S_IFDIR || (type === S_IFREG && mode & 0o111)) return type | 0o755;
  return type | 0o644;
}

/** Every entry below `root` (not root itself), by lstat: symlinks are entries, never followed. */
export async function walkTree(root: string, opts: WalkOptions = {}): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  const visit = async (rel: string): Promise<void> => {
    const names = (await readdir(rel ? join(root, rel) : root)).sort();
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name;
      if (opts.exclude?.(path)) continue;
      const abs = join(root, path);
      const st = await lstat(abs);
      const type = st.mode & S_IFMT;
      const e: TreeEntry = {
        path,
        mode: opts.normalize ? normalizedMode(st.mode) : st.mode,
        uid: opts.normalize ? 0 : st.uid,
        gid: opts.normalize ? 0 : st.gid,
        size: type === S_IFREG ? st.size : 0,
      };
      if (type === S_IFREG && st.size > 0) e.data = { file: abs, size: st.size };
      if (type === S_IFLNK) e.target = await readlink(abs);
      if (st.isCharacterDevice() || st.isBlockDevice())
        e.rdev = { major: major(st.rdev), minor: minor(st.rdev) };
      if (type !== S_IFDIR && st.nlink > 1) e.link = `${st.dev}:${st.ino}`;
      out.push(e);
      if (type === S_IFDIR) await visit(path);
    }
  };
  await visit("");
  return out;
}

/** glibc's gnu_dev_major/minor. */
export function major(dev: number): number {
  return Number(((BigInt(dev) >> 8n) & 0xfffn) | ((BigInt(dev) >> 32n) & 0xfffff000n));
}
export function minor(dev: number): number {
  return Number((BigInt(dev) & 0xffn) | ((BigInt(dev) >> 12n) & 0xffffff00n));
}

const isDir = (e: CpioEntry) => (e.mode & S_IFMT) === S_IFDIR;

/**
 * `top` merged over `base` (an initrd skeleton over a rootfs): a file or symlink in `top` replaces
 * the one in `base`; a directory present in both keeps `base`'s owner and mode (the skeleton only
 * adds to it). A directory on one side where the other has a non-directory is refused: silently
 * replacing e.g. the merged-/usr symlink `sbin` with a directory would break the system.
 */
export function overlayEntries<E extends CpioEntry>(
  base: readonly E[],
  top: readonly E[],
  topName = "skeleton",
): E[] {
  const merged = new Map<string, E>();
  for (const e of base) merged.set(e.path, e);
  for (const t of top) {
    const b = merged.get(t.path);
    if (!b) merged.set(t.path, t);
    else if (isDir(b) && isDir(t)) continue;
    else if (isDir(b) || isDir(t)) {
      const what = (e: E) =>
        isDir(e) ? "a directory" : (e.mode & S_IFMT) === S_IFLNK ? `a symlink to ${e.target}` : "a file";
      throw new UserError(
        `${topName}: ${t.path} is ${what(t)} but the root filesystem has ${what(b)} there`,
        `move it so that it does not replace a directory or symlinked directory (merged /usr: use usr/sbin, not sbin)`,
      );
    } else merged.set(t.path, t);
  }
  return [...merged.values()];
}
