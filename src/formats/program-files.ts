import { UserError } from "../errors.ts";
import { elfDeps, LIBRARY_DIRS } from "./elf.ts";
import { readBodies, resolveInTree, type HeaderIndex, type Resolved } from "./tar-tree.ts";

/**
 * A program in a root filesystem tarball with everything the dynamic loader needs to run it
 * elsewhere: its interpreter and its DT_NEEDED libraries, transitively, each with the symlinks that
 * lead to it (merged /usr: lib64 → usr/lib64, lib → usr/lib). Bodies are read a pass at a time
 * (usually two) and added to `bodies`.
 */
export async function programFiles(
  tar: string,
  index: HeaderIndex,
  program: Resolved,
  bodies: Map<string, Buffer>,
): Promise<Resolved[]> {
  const kept: Resolved[] = [program];
  const read = async (rs: Resolved[]) => {
    const unread = rs.filter((r) => !bodies.has(r.data)).map((r) => r.data);
    if (unread.length) for (const [p, b] of await readBodies(tar, unread)) bodies.set(p, b);
  };
  await read(kept);
  for (let todo = [program]; todo.length;) {
    const next: Resolved[] = [];
    for (const r of todo) {
      const deps = elfDeps(bodies.get(r.data)!, r.path);
      const found = deps.interp ? [must(resolveInTree(index, deps.interp), r.path, deps.interp)] : [];
      for (const n of deps.needed) {
        const hit = LIBRARY_DIRS.map((d) => resolveInTree(index, `${d}/${n}`)).find((x) => x);
        found.push(must(hit ?? null, r.path, n));
      }
      for (const f of found) if (!kept.some((k) => k.path === f.path)) (kept.push(f), next.push(f));
    }
    await read(next);
    todo = next;
  }
  return kept;
}

function must(r: Resolved | null, who: string, what: string): Resolved {
  if (r) return r;
  throw new UserError(
    `${who} needs ${what}, which the rootfs does not have`,
    `use a static binary or add the package that ships ${what}`,
  );
}
