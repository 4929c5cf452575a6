import { describe, expect, it } from "vitest";
import type { Runner, RunResult } from "../../../src/dom0/run.ts";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findXenconsole, Xl } from "../../../src/dom0/xl.ts";
import { fixture } from "./fixtures.ts";

/** A runner that answers from a table of argv → result and records every call. */
function fake(answers: Record<string, RunResult | (() => RunResult)>) {
  const calls: string[] = [];
  const run: Runner = async (argv) => {
    const key = argv.join(" ");
    calls.push(key);
    const a = answers[key];
    if (!a) throw new Error(`unexpected command: ${key}`);
    return typeof a === "function" ? a() : a;
  };
  return { run, calls };
}
const ok = (stdout = ""): RunResult => ({ stdout, stderr: "", code: 0 });

describe("Xl", () => {
  it("runs xl list / list -l / info / uptime and parses them", async () => {
    const { run, calls } = fake({
      "xl list": ok(fixture("xl-list.txt")),
      "xl list -l": ok(fixture("xl-list-l.json")),
      "xl info": ok(fixture("xl-info.txt")),
      "xl uptime": ok(fixture("xl-uptime.txt")),
    });
    const xl = new Xl(run);
    expect((await xl.list()).map((d) => d.name)).toEqual(["Domain-0", "tiny", "t80"]);
    expect((await xl.listLong())[1]!.nics[0]!.ip).toBe("172.20.216.10");
    expect((await xl.info()).freeMemoryMiB).toBe(1326);
    expect((await xl.uptime())[1]!.seconds).toBe(301);
    expect(calls).toEqual(["xl list", "xl list -l", "xl info", "xl uptime"]);
  });

  it("builds the action argv", async () => {
    const { run, calls } = fake({
      "xl create /m/1-tiny.cfg": { stdout: "", stderr: fixture("xl-create.stderr.txt"), code: 0 },
      "xl pause tiny": ok(),
      "xl unpause tiny": ok(),
      "xl destroy tiny": ok(),
    });
    const xl = new Xl(run);
    await xl.create("/m/1-tiny.cfg");
    await xl.pause("tiny");
    await xl.unpause("tiny");
    await xl.destroy("tiny");
    expect(calls).toEqual(["xl create /m/1-tiny.cfg", "xl pause tiny", "xl unpause tiny", "xl destroy tiny"]);
    expect(Xl.consoleArgv("tiny")).toEqual(["xl", "console", "tiny"]);
    // xenconsole as libxl execs it, once the domain id is known; xl when either is missing
    const xc = "/usr/lib/xen-4.17/bin/xenconsole";
    expect(Xl.consoleArgv("tiny", 7, xc)).toEqual([xc, "7", "--num", "0", "--type", "pv"]);
    expect(Xl.consoleArgv("tiny", null, xc)).toEqual(["xl", "console", "tiny"]);
    expect(Xl.consoleArgv("tiny", 7, null)).toEqual(["xl", "console", "tiny"]);
    expect(Xl.consoleLogPath("tiny")).toBe("/var/log/xen/console/guest-tiny.log");
  });

  it("throws xl's own message", async () => {
    const { run } = fake({
      "xl pause nosuch": { stdout: "", stderr: fixture("xl-invalid-domain.stderr.txt"), code: 1 },
      "xl create /m/3-t80.cfg": { stdout: "", stderr: fixture("xl-create-duplicate.stderr.txt"), code: 3 },
    });
    const xl = new Xl(run);
    await expect(xl.pause("nosuch")).rejects.toThrow(
      "xl pause nosuch: nosuch is an invalid domain identifier (rc=-6)",
    );
    await expect(xl.create("/m/3-t80.cfg")).rejects.toThrow('Domain with name "t80" already exists.');
  });

  it("shutdown waits until the domain is gone or shut down", async () => {
    let polls = 0;
    const { run, calls } = fake({
      "xl shutdown tiny": ok("Shutting down domain 1\n"),
      "xl list": () => ok(fixture(++polls < 3 ? "xl-list.txt" : "xl-list-shutdown.txt")),
    });
    const waited: number[] = [];
    const outcome = await new Xl(run).shutdown("tiny", {
      timeoutMs: 10_000,
      pollMs: 1,
      onWait: (ms) => waited.push(ms),
    });
    expect(outcome).toBe("down");
    expect(calls).toEqual(["xl shutdown tiny", "xl list", "xl list", "xl list"]);
    expect(waited).toHaveLength(2);
  });

  it("shutdown reports a guest that does not stop in time, and a cancel", async () => {
    const { run } = fake({ "xl shutdown tiny": ok(), "xl list": ok(fixture("xl-list.txt")) });
    expect(await new Xl(run).shutdown("tiny", { timeoutMs: 20, pollMs: 5 })).toBe("timeout");
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    expect(await new Xl(run).shutdown("tiny", { timeoutMs: 60_000, pollMs: 5, signal: ac.signal })).toBe(
      "cancelled",
    );
  });

  it("shutdown of a domain already gone is down at once", async () => {
    const { run } = fake({ "xl shutdown tiny": ok(), "xl list": ok(fixture("xl-list-end.txt")) });
    expect(await new Xl(run).shutdown("tiny", { timeoutMs: 1000 })).toBe("down");
  });
});

describe("findXenconsole", () => {
  it("takes the newest xen-<version>/bin/xenconsole, none when Xen's tools are absent", () => {
    const lib = mkdtempSync(join(tmpdir(), "livedeck-xenlib-"));
    try {
      expect(findXenconsole(lib)).toBeNull();
      for (const v of ["4.9", "4.17", "4.18"]) mkdirSync(join(lib, `xen-${v}`, "bin"), { recursive: true });
      for (const v of ["4.9", "4.17"]) writeFileSync(join(lib, `xen-${v}`, "bin", "xenconsole"), "");
      mkdirSync(join(lib, "xenfoo", "bin"), { recursive: true });
      writeFileSync(join(lib, "xenfoo", "bin", "xenconsole"), "");
      expect(findXenconsole(lib)).toBe(join(lib, "xen-4.17", "bin", "xenconsole"));
      expect(findXenconsole(join(lib, "nosuch"))).toBeNull();
    } finally {
      rmSync(lib, { recursive: true, force: true });
    }
  });
});
