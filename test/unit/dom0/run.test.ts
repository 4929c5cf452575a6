import { describe, expect, it } from "vitest";
import { Dom0CommandError, failureSummary, runOk, spawnRunner } from "../../../src/dom0/run.ts";
import { fixture } from "./fixtures.ts";

const failed = (stderr: string, code = 3) => ({ stdout: "", stderr, code });

describe("failureSummary", () => {
  it("takes libxl's first error line (the cause), without its source prefix", () => {
    expect(failureSummary(failed(fixture("xl-create-duplicate.stderr.txt")))).toBe(
      'Domain 3:Domain with name "t80" already exists.',
    );
  });

  it.each([
    ["xl-invalid-domain.stderr.txt", "nosuch is an invalid domain identifier (rc=-6)"],
    [
      "xl-create-missing.stderr.txt",
      "Failed to read config file: /run/medium/livedeck/guests/nosuch.cfg: No such file or directory",
    ],
    ["xenstore-read-missing.stderr.txt", "xenstore-read: couldn't read path /local/domain/1/nosuchkey"],
  ])("takes the last line of other tools: %s", (file, line) => {
    expect(failureSummary(failed(fixture(file)))).toBe(line);
  });

  it("says cancelled, timed out, or the exit code when there is no output", () => {
    expect(failureSummary({ ...failed(""), cancelled: true })).toBe("cancelled");
    expect(failureSummary({ ...failed(""), timedOut: true })).toBe("timed out");
    expect(failureSummary(failed("", 4))).toBe("exit code 4");
    expect(failureSummary({ stdout: "", stderr: "", code: null })).toBe("killed by a signal");
  });
});

describe("spawnRunner", () => {
  const node = (code: string) => [process.execPath, "-e", code];

  it("collects output and the exit code without throwing", async () => {
    const r = await spawnRunner(
      node("process.stdout.write('out'); process.stderr.write('err'); process.exit(3)"),
    );
    expect(r).toEqual({ stdout: "out", stderr: "err", code: 3 });
  });

  it("runOk throws Dom0CommandError with the tool's message", async () => {
    const e = await runOk(spawnRunner, node("console.error('it broke'); process.exit(1)")).catch((x) => x);
    expect(e).toBeInstanceOf(Dom0CommandError);
    expect(e.message).toMatch(/: it broke$/);
    expect(await runOk(spawnRunner, node("process.stdout.write('fine')"))).toBe("fine");
  });

  it("kills a command on timeout and on cancel", async () => {
    const slow = node("setTimeout(() => {}, 10000)");
    const t = Date.now();
    expect(await spawnRunner(slow, { timeoutMs: 100 })).toMatchObject({ timedOut: true, code: null });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    expect(await spawnRunner(slow, { signal: ac.signal })).toMatchObject({ cancelled: true, code: null });
    expect(Date.now() - t).toBeLessThan(5000);
  });

  it("reports a missing program as a failed run", async () => {
    const r = await spawnRunner(["/nonexistent/xl", "list"]);
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/ENOENT/);
  });
});
