import { createReadStream } from "node:fs";
import { S_IFDIR, S_IFLNK, S_IFREG, type CpioEntry } from "./cpio.ts";
import { normalizePath } from "./tar-diff.ts";
import { readTar, type TarHeader } from "./tar.ts";

/**
 * Picking a few files out of a root filesystem tarball without unpacking it: an index of its
 * headers, path resolution inside it (symlinks followed as in a chroot), and reading chosen bodies.
 */

/** Normalized path ("usr/bin/busybox"; the root is "") → header. */
export type HeaderIndex = Map<string, TarHeader>;

const stream = (tar: string) => readTar(createReadStream(tar, { highWaterMark: 1 << 20 }));

export async function indexHeaders(tar: string): Promise<HeaderIndex> {
  const index: HeaderIndex = new Map();
  for await (const { header } of stream(tar)) index.set(normalizePath(header.name), header);
  return index;
}

export interface Resolved {
  /** Where the path leads, never a symlink ("usr/lib/x86_64-linux-gnu/libc.so.6"). */
  path: string;
  /** Entry holding the bytes: `path`, or a hard link's target. */
  data: string;
  /** Every symlink passed through on the way, in order ("lib64", "usr/lib64/ld-linux-x86-64.so.2"). */
  via: string[];
}

/**
 * Resolves `path` (absolute or relative to the root) as the kernel would inside a chroot of the
 * tree: symlinks in any component, absolute targets from the tree's root, "." and "..".
 * null when something on the way is missing.
 */
export function resolveInTree(index: HeaderIndex, path: string): Resolved | null {
  const todo = path.split("/").reverse();
  const cur: string[] = [];
  const via: string[] = [];
  let hops = 0;
  while (todo.length) {
    const c = todo.pop()!;
    if (c === "" || c === ".") continue;
    if (c === "..") {
      cur.pop();
      continue;
    }
    const p = [...cur, c].join("/");
    const h = index.get(p);
    if (!h) return null;
    if (h.type !== "symlink") {
      cur.push(c);
      continue;
    }
    if (++hops > 40) throw new Error(`tar: too many levels of symbolic links resolving ${path}`);
    via.push(p);
    if (h.linkname.startsWith("/")) cur.length = 0;
    todo.push(...h.linkname.split("/").reverse());
  }
  const final = cur.join("/");
  const h = index.get(final);
  return { path: final, data: h?.type === "link" ? normalizePath(h.linkname) : final, via };
}

/** The bodies of the given entries (normalized paths), read in one pass. */
export async function readBodies(tar: string, paths: Iterable<string>): Promise<Map<string, Buffer>> {
  const want = new Set(paths);
  const out = new Map<string, Buffer>();
  for await (const { header, body } of stream(tar)) {
    const p = normalizePath(header.name);
    if (!want.has(p)) continue;
    const parts: Buffer[] = [];
    for await (const part of body) parts.push(Buffer.from(part));
    out.set(p, Buffer.concat(parts));
  }
  const missing = [...want].filter((p) => !out.has(p));
  if (missing.length) throw new Error(`tar: ${tar} has no ${missing.join(", ")}`);
  return out;
}

/** Each path and its parent directories, parents first, without the root. */
export function withParents(paths: Iterable<string>): string[] {
  const all = new Set<string>();
  for (const p of paths) {
    const parts = p.split("/");
    for (let i = 1; i <= parts.length; i++) all.add(parts.slice(0, i).join("/"));
  }
  all.delete("");
  return [...all].sort();
}

/** Entries for resolved files with the symlinks that lead to them and their parent directories, as in the rootfs. */
export function cpioEntriesFromTar(
  index: HeaderIndex,
  bodies: Map<string, Buffer>,
  files: readonly Resolved[],
): CpioEntry[] {
  const paths = withParents(files.flatMap((f) => [f.path, ...f.via]));
  const dataOf = new Map(files.map((f) => [f.path, f.data]));
  return paths.map((p) => {
    const h = index.get(p);
    if (!h) return { path: p, mode: S_IFDIR | 0o755, uid: 0, gid: 0 }; // a parent the tarball does not list
    const base = { path: p, uid: h.uid, gid: h.gid };
    if (h.type === "directory") return { ...base, mode: S_IFDIR | h.mode };
    if (h.type === "symlink") return { ...base, mode: S_IFLNK | 0o777, target: h.linkname };
    return { ...base, mode: S_IFREG | h.mode, data: bodies.get(dataOf.get(p) ?? p)! };
  });
}
