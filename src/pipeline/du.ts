import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";

/** Bytes under a path (files counted once per inode, symlinks not followed). */
export async function diskUsage(path: string, seen = new Set<string>()): Promise<number> {
  let st;
  try {
    st = await lstat(path);
  } catch {
    return 0;
  }
  const ino = `${st.dev}:${st.ino}`;
  if (seen.has(ino)) return 0;
  seen.add(ino);
  if (!st.isDirectory()) return st.size;
  const names = await readdir(path);
  let sum = 0;
  for (const n of names) sum += await diskUsage(join(path, n), seen);
  return sum;
}
