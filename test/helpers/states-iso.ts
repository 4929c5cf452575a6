import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exec } from "../../src/tools/exec.ts";

/**
 * A copy of `iso` whose file at `path` (inside the ISO) has `count` bytes flipped in its middle —
 * same size, so only the checksum can tell — written by xorriso with the boot records replayed
 * (the copy boots like the original). Returns the copy's path.
 */
export async function isoWithCorruptFile(iso: string, path: string, count = 64): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "livedeck-corrupt-"));
  const file = join(dir, "file");
  await exec(["xorriso", "-osirrox", "on", "-indev", iso, "-extract", path, file], { stage: "test" });
  const body = await readFile(file);
  const mid = Math.floor(body.length / 2);
  for (let i = mid; i < Math.min(mid + count, body.length); i++) body[i] = body[i]! ^ 0xff;
  await writeFile(file, body);
  const copy = join(dir, "corrupt.iso");
  // prettier-ignore
  await exec(["xorriso", "-indev", iso, "-outdev", copy, "-boot_image", "any", "replay", "-update", file, path], { stage: "test" });
  return copy;
}
