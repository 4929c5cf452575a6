import { lstat, mkdir, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { readBodies, type HeaderIndex, type Resolved } from "../formats/tar-tree.ts";

/**
 * The files of a root filesystem tarball that the pruned RAM dom0 lacks, written as a tree for a
 * squashfs image on the medium, which dom0 mounts and links into its root (switcher-medium: Node's
 * runtime; installer-medium: the installer's tools).
 */

/** Paths (with the symlinks leading to them) that `present` says the pruned dom0 lacks, sorted. */
export async function missingPaths(
  files: readonly Resolved[],
  present: (path: string) => Promise<boolean>,
): Promise<string[]> {
  const all = [...new Set(files.flatMap((f) => [...f.via, f.path]))].sort();
  const out: string[] = [];
  for (const p of all) if (!(await present(p))) out.push(p);
  return out;
}

/**
 * Writes into `tree` those of `files` (and the symlinks leading to them) that `pruned` (dom0's
 * pruned root) does not have, reading bodies from `tar` that `bodies` does not hold yet.
 */
export async function writeDom0Lacks(o: {
  tar: string;
  index: HeaderIndex;
  files: readonly Resolved[];
  bodies: Map<string, Buffer>;
  pruned: string;
  tree: string;
}): Promise<{ paths: string[]; bytes: number }> {
  const exists = (p: string) =>
    lstat(join(o.pruned, p)).then(
      () => true,
      () => false,
    );
  const ship = await missingPaths(o.files, exists);
  const dataOf = new Map(o.files.map((f) => [f.path, f.data]));
  const unread = ship.filter((p) => o.index.get(p)?.type !== "symlink" && !o.bodies.has(dataOf.get(p) ?? p));
  for (const [p, b] of await readBodies(
    o.tar,
    unread.map((p) => dataOf.get(p) ?? p),
  ))
    o.bodies.set(p, b);
  let bytes = 0;
  for (const p of ship) {
    const h = o.index.get(p)!;
    await mkdir(dirname(join(o.tree, p)), { recursive: true });
    if (h.type === "symlink") await symlink(h.linkname, join(o.tree, p));
    else {
      const body = o.bodies.get(dataOf.get(p) ?? p)!;
      await writeFile(join(o.tree, p), body, { mode: h.mode });
      bytes += body.length;
    }
  }
  return { paths: ship, bytes };
}
