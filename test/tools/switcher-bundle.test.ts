import { cp, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleSwitcher, TERMINFO_FILES } from "../../src/switcher/bundle.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { TmuxTerm } from "./switcher-tmux.ts";

const FIXTURES = join(import.meta.dirname, "../fixtures/xl");

describe("switcher bundle", () => {
  let dir: string;
  let result: { file: string; bytes: number };

  beforeAll(async () => {
    await requireTools(["tmux"], "the switcher bundle test");
    dir = await mkdtemp(join(tmpdir(), "livedeck-switcher-bundle-"));
    result = await bundleSwitcher(join(dir, "out"));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("is one file with blessed's terminfo beside it, and reports its size", async () => {
    expect(result.file).toBe(join(dir, "out", "switcher.cjs"));
    expect(result.bytes).toBe((await stat(result.file)).size);
    expect(result.bytes).toBeGreaterThan(100_000);
    expect(result.bytes).toBeLessThan(1_000_000);
    for (const f of TERMINFO_FILES) expect((await stat(join(dir, "out", "usr", f))).isFile()).toBe(true);
    const text = await readFile(result.file, "utf8");
    expect(text).not.toContain("require('./widgets/' + file)");
    expect(text).not.toMatch(/require\("blessed"\)/);
  });

  /** Runs the bundle in a terminal and returns the screen once the list is drawn. */
  async function screenOf(bundleDir: string, termName: string): Promise<string> {
    const t = new TmuxTerm();
    try {
      await t.start(
        `TERM=${termName} '${process.execPath}' '${join(bundleDir, "switcher.cjs")}' --demo '${FIXTURES}' --events /dev/null`,
      );
      return await t.waitFor(
        (s) => s.includes(">tiny") && s.includes("terminal "),
        `the list with TERM=${termName}`,
      );
    } finally {
      await t.stop();
    }
  }

  it("falls back to the usr/ shipped beside it for a terminal the system does not know", async () => {
    const s = await screenOf(join(dir, "out"), "livedeck-unknown-term");
    expect(s).toContain("terminal xterm for TERM=livedeck-unknown-term, DEMO");
    expect(s).toMatch(/^ Enter:console/m);
  });

  it("falls back to its built-in entry when usr/ is missing too", async () => {
    const bare = join(dir, "bare");
    await cp(result.file, join(bare, "switcher.cjs"), { recursive: true });
    const s = await screenOf(bare, "livedeck-unknown-term");
    expect(s).toContain("terminal xterm for TERM=livedeck-unknown-term (built-in copy), DEMO");
    expect(s).toMatch(/^>tiny +micro +running/m);
  });

  it("--supervise runs the switcher as its child and exits when it quits", async () => {
    const t = new TmuxTerm();
    const log = join(dir, "crash.log");
    try {
      await t.start(
        `TERM=linux '${process.execPath}' '${result.file}' --supervise --crash-log '${log}' --demo '${FIXTURES}' --events /dev/null; echo "exit=$?"; sleep 30`,
      );
      await t.waitFor((s) => s.includes(">tiny"), "the list under the supervisor");
      await t.keys("q");
      await t.waitFor((s) => s.includes("exit=0"), "the supervisor's clean exit");
      await expect(stat(log)).rejects.toThrow(/ENOENT/);
    } finally {
      await t.stop();
    }
  });
});
