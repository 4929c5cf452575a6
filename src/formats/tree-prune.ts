import type { TreeEntry } from "./cpio-tree.ts";
import { S_IFDIR, S_IFMT } from "./cpio.ts";
import { compileGlobs } from "./glob.ts";

/**
 * Named glob rules over a tree listing (paths relative to its root), decided without touching
 * the disk: which entries go, which directories end up empty, and how many bytes each rule saves.
 */

export interface PruneRule {
  name: string;
  remove: readonly string[];
  /** Matches of `remove` that this rule spares. */
  except?: readonly string[];
}

export interface PrunePlan {
  /** Non-directories to unlink. */
  files: string[];
  /** Directories left empty by the removals, deepest first (rmdir in this order). */
  dirs: string[];
  /** Per rule: entries removed and their bytes. */
  byRule: Record<string, { entries: number; bytes: number }>;
}

/**
 * Decides what to remove from `tree`: an entry goes when a rule matches it (the first such rule
 * gets the bytes) and no `keep` glob does; a matched directory goes only when nothing below it stays.
 */
export function planPrune(
  tree: readonly Pick<TreeEntry, "path" | "mode" | "size">[],
  rules: readonly PruneRule[],
  keep: readonly string[],
): PrunePlan {
  const kept = compileGlobs(keep);
  const matchers = rules.map((r) => ({
    name: r.name,
    remove: compileGlobs(r.remove),
    except: compileGlobs(r.except ?? []),
  }));
  const byRule: PrunePlan["byRule"] = Object.fromEntries(
    rules.map((r) => [r.name, { entries: 0, bytes: 0 }]),
  );
  const ruleOf = (path: string) =>
    kept(path) ? undefined : matchers.find((m) => m.remove(path) && !m.except(path));
  const files: string[] = [];
  const candidateDirs = new Map<string, string>();
  const needed = new Set<string>();
  const need = (path: string) => {
    for (let p = path; p.includes("/");) {
      p = p.slice(0, p.lastIndexOf("/"));
      if (needed.has(p)) return;
      needed.add(p);
    }
  };
  for (const e of tree) {
    const rule = ruleOf(e.path);
    const dir = (e.mode & S_IFMT) === S_IFDIR;
    if (rule && dir) candidateDirs.set(e.path, rule.name);
    else if (rule) {
      files.push(e.path);
      byRule[rule.name]!.entries++;
      byRule[rule.name]!.bytes += e.size;
    } else need(e.path);
  }
  const dirs = [...candidateDirs.keys()].filter((d) => !needed.has(d));
  for (const d of dirs) byRule[candidateDirs.get(d)!]!.entries++;
  dirs.sort((a, b) => b.split("/").length - a.split("/").length || (a < b ? -1 : 1));
  return { files, dirs, byRule };
}

/** Apparent size of a tree's regular files, hard links counted once. */
export function treeBytes(tree: readonly TreeEntry[]): number {
  const seen = new Set<string>();
  let n = 0;
  for (const e of tree) {
    if (e.link !== undefined && seen.has(e.link)) continue;
    if (e.link !== undefined) seen.add(e.link);
    n += e.size;
  }
  return n;
}
