import { constants } from "node:fs";
import { chmod, copyFile, mkdtemp, open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exec } from "../../src/tools/exec.ts";

const BLOCK = 2048; // ISO 9660 logical block

/** Start block and size of `path` from `xorriso -find PATH -exec report_lba` output. */
export function parseReportLba(out: string, path: string): { lba: number; bytes: number } {
  // File data lba:  0 ,   113283 ,     7564 , 15489231 , '/livedeck/states/GenuineIntel/micro1.zst'
  const m = /^File data lba:\s*\d+\s*,\s*(\d+)\s*,\s*\d+\s*,\s*(\d+)\s*,\s*'(.*)'$/m.exec(out);
  if (!m || m[3] !== path) throw new Error(`xorriso report_lba: no extent of ${path} in:\n${out}`);
  return { lba: Number(m[1]), bytes: Number(m[2]) };
}

/**
 * A copy of `iso` (reflinked where the filesystem can) whose file at `path` (inside the ISO) has
 * `count` bytes flipped in its middle, written in place at the file's extent: same size, same
 * boot records, so only the checksum dom0 compares can tell. Returns the copy's path, in a new temp
 * directory the caller removes.
 */
export async function isoWithCorruptFile(iso: string, path: string, count = 64): Promise<string> {
  const report = await exec(["xorriso", "-indev", iso, "-find", path, "-exec", "report_lba", "--"], {
    stage: "test",
  });
  const { lba, bytes } = parseReportLba(`${report.stdout}\n${report.stderr}`, path);
  const copy = join(await mkdtemp(join(tmpdir(), "livedeck-corrupt-")), "corrupt.iso");
  await copyFile(iso, copy, constants.COPYFILE_FICLONE);
  await chmod(copy, 0o644);
  const at = lba * BLOCK + Math.floor(bytes / 2);
  const n = Math.min(count, bytes - Math.floor(bytes / 2));
  const fh = await open(copy, "r+");
  try {
    const buf = Buffer.alloc(n);
    await fh.read(buf, 0, n, at);
    for (let i = 0; i < n; i++) buf[i] = buf[i]! ^ 0xff;
    await fh.write(buf, 0, n, at);
  } finally {
    await fh.close();
  }
  return copy;
}
