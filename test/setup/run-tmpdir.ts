import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";

/**
 * One temp root per test run, set as TMPDIR before the test workers start (they and every tool they
 * run inherit it), removed when the run ends. Test files clean up after themselves, but a failed
 * or killed file, or a tool's own temp dir (mmdebstrap, QEMU), must not pile up on a disk that CI
 * shares with the work tree: a full disk killed a whole CI run once.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), "livedeck-test-run-"));
  process.env.TMPDIR = root;
  return async () => {
    // --one-file-system: a mount a killed test left behind is not descended into
    await execa("rm", ["-rf", "--one-file-system", root], { reject: false });
  };
}
