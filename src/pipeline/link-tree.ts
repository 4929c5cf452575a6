import { copyFile, link, mkdir, readdir } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * Places a store file at `dest`: a hard link when both are on one filesystem (store objects are
 * never modified, so sharing the inode is safe and costs no space), else a copy.
 */
export async function linkOrCopy(src: string, dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  await link(src, dest).catch(() => copyFile(src, dest));
}

/** The directory tree `src` recreated at `dest` (which must not exist), file by file with linkOrCopy. */
export async function linkTree(src: string, dest: string): Promise<number> {
  await mkdir(dest, { recursive: true });
  let files = 0;
  for (const e of await readdir(src, { withFileTypes: true })) {
    if (e.isDirectory()) files += await linkTree(join(src, e.name), join(dest, e.name));
    else {
      await linkOrCopy(join(src, e.name), join(dest, e.name));
      files++;
    }
  }
  return files;
}
