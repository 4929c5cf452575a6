import { mkdtemp, statfs } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";

const GiB = 1024 ** 3;

/** Free space of the filesystem holding `path`, for the run's log: a full disk shows up there. */
async function free(path: string): Promise<string> {
  const s = await statfs(path);
  return `${((s.bavail * s.bsize) / GiB).toFixed(1)} GiB free under ${path}`;
}

/**
 * One temp root per test run, set as TMPDIR before the test workers start (they and every tool they
 * run inherit it), removed when the run ends. Test files clean up after themselves, but a failed
 * or killed file, or a tool's own temp dir (mmdebstrap, QEMU), must not pile up on a disk that CI
 * shares with the work tree: a full disk killed a whole CI run once.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), "livedeck-test-run-"));
  process.env.TMPDIR = root;
  console.log(`test run: temp files in ${root}; ${await free(root)}`);
  return async () => {
    console.log(`test run: at the end, ${await free(root)}`);
    // --one-file-system: a mount a killed test left behind is not descended into
    await execa("rm", ["-rf", "--one-file-system", root], { reject: false });
  };
}
