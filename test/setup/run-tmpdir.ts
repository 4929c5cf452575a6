import { mkdtemp, readFile, statfs } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { formatStallReport, STALL_REPORT_ENV } from "../../src/qemu/stall.ts";
import { BUILD_REPORT_ENV, formatBuilds } from "./time-report.ts";

const GiB = 1024 ** 3;

/** Names the run's registry of built media (test/helpers/ci-media.ts), a JSON file in the temp root. */
export const MEDIA_ENV = "LIVEDECK_TEST_MEDIA";

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
  const stalls = join(root, "stall-retries.jsonl");
  process.env[STALL_REPORT_ENV] = stalls;
  process.env[MEDIA_ENV] = join(root, "media.json");
  const builds = join(root, "builds.jsonl");
  process.env[BUILD_REPORT_ENV] = builds;
  console.log(`test run: temp files in ${root}; ${await free(root)}`);
  return async () => {
    const retried = formatStallReport(await readFile(stalls, "utf8").catch(() => ""));
    console.log(
      `test run: ${retried.length} boot${retried.length === 1 ? "" : "s"} retried (stalled before dom0 was ready)`,
    );
    for (const line of retried) console.log(`  ${line}`);
    for (const line of formatBuilds(await readFile(builds, "utf8").catch(() => ""))) console.log(line);
    console.log(`test run: at the end, ${await free(root)}`);
    // LIVEDECK_KEEP_TEST_TMP=1: keep the boots' logs to read after a failure
    if (process.env.LIVEDECK_KEEP_TEST_TMP) return console.log(`test run: kept ${root}`);
    // --one-file-system: a mount a killed test left behind is not descended into
    await execa("rm", ["-rf", "--one-file-system", root], { reject: false });
  };
}
