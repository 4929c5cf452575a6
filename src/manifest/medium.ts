import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { hashFile } from "../pipeline/ids.ts";
import type { FileEntry, MediumInfo } from "./manifest.ts";

/** Beside the ISO in the iso stage's output. */
export const MEDIUM_FILE = "medium.json";

async function entry(path: string): Promise<FileEntry> {
  return { sha256: await hashFile(path), bytes: (await stat(path)).size };
}

/** sha256 and size of the ISO and of every file of the tree it was made from, by medium path. */
export async function mediumInfo(iso: string, tree: string): Promise<MediumInfo> {
  const files: Record<string, FileEntry> = {};
  const walk = async (rel: string): Promise<void> => {
    for (const e of (await readdir(join(tree, rel), { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(p);
      else files[p] = await entry(join(tree, p));
    }
  };
  await walk("");
  return { iso: await entry(iso), files };
}
