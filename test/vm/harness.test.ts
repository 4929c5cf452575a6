import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerBoot } from "../../src/cli/boot.ts";
import { bootMedium, type BootOptions } from "../../src/qemu/boot.ts";
import { BootFailed } from "../../src/qemu/errors.ts";
import { DOM0_READY, SWITCHER_READY } from "../../src/qemu/markers.ts";
import { startBoot } from "../../src/qemu/session.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { formatStallReport, STALL_REPORT_ENV, startToDom0 } from "../../src/qemu/stall.ts";
import { buildScratchIso, PANICKING_GRUB_CFG, STALLING_GRUB_CFG } from "./scratch-iso.ts";

// The harness against real QEMU (TCG) and a GRUB-only medium that plays dom0 (scratch-iso.ts).
let work: string;
let iso: string;
let boots = 0;
/** A fresh log dir inside this file's temp dir. */
const logDir = () => join(work, `boot-${++boots}`);
beforeAll(async () => {
  const tools = ["grub-mkrescue", "grub-pc-bin", "grub-efi-bin", "mformat", "xorriso"] as const;
  await requireTools([...tools, "qemu-system-x86_64", "ovmf", "setpriv"], "the VM harness tests");
  work = await mkdtemp(join(tmpdir(), "livedeck-harness-"));
  iso = await buildScratchIso(work);
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** A process that exists and is not a zombie. */
function running(pid: number | undefined): boolean {
  try {
    return pid !== undefined && !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "latin1"));
  } catch {
    return false;
  }
}

async function boot(o: Partial<BootOptions>) {
  let pid: number | undefined;
  const r = await bootMedium({
    iso,
    memoryMiB: 256,
    timeoutMs: 30_000,
    logDir: logDir(),
    ...o,
    onStart: (s) => (pid = s.pid),
  });
  expect(running(pid)).toBe(false);
  return r;
}

describe("booting the scratch medium", () => {
  const modes = [
    { name: "BIOS from CD", opts: {}, root: "hd96" },
    { name: "UEFI from CD", opts: { uefi: true }, root: "cd0" },
    { name: "BIOS from a USB stick", opts: { usb: true }, root: "hd0" },
    { name: "UEFI from a USB stick", opts: { uefi: true, usb: true }, root: "hd0" },
  ];
  for (const m of modes) {
    it(`${m.name}: reads markers from the console and the events channel`, async () => {
      const r = await boot({ ...m.opts, expect: [DOM0_READY, SWITCHER_READY] });
      expect(r.ok).toBe(true);
      const first = r.timeline.find((e) => e.label === "first serial line")!;
      const grub = r.timeline.find((e) => e.label === "GRUB")!;
      console.info(`${m.name}: first serial line at ${first.seconds} s, GRUB at ${grub.seconds} s`);
      expect(first.seconds).toBeLessThan(20);
      expect(r.timeline.map((e) => e.label)).toEqual(
        expect.arrayContaining(["first serial line", "GRUB", "dom0 ready", "switcher ready"]),
      );
      expect(r.markers.map((x) => [x.text, x.source])).toEqual([
        [DOM0_READY, "console"],
        [SWITCHER_READY, "events"],
      ]);
      // Booted from what was asked for: GRUB's root is the CD (hd96 under BIOS, cd0 under UEFI) or the stick.
      expect(await readFile(r.consoleLog, "utf8")).toContain(`GNU GRUB scratch medium root=${m.root}\n`);
      expect(await readFile(r.eventsLog, "utf8")).toContain(`${SWITCHER_READY}\n`);
    });
  }
});

/** Boots, answers the medium's "scenario?" prompt on the console, then expects `marker`. */
async function scenario(answer: string, marker: string, timeoutMs = 30_000) {
  const s = await startBoot({ iso, memoryMiB: 256, logDir: logDir() });
  const t0 = Date.now();
  try {
    await s.expect("scenario?", 30_000);
    s.send(`${answer}\r`);
    const line = await s.expect(marker, timeoutMs).catch((e: unknown) => e);
    return { line, seconds: (Date.now() - t0) / 1000, session: s };
  } finally {
    await s.stop();
    expect(running(s.pid)).toBe(false);
  }
}

describe("verdicts and failures", () => {
  it("types on the console and reads the PASS verdict; the medium's halt ends QEMU", async () => {
    const s = await startBoot({ iso, memoryMiB: 256, logDir: logDir() });
    try {
      await s.expect("scenario?", 30_000);
      s.send("pass\r");
      const line = await s.expect("LIVEDECK-TEST PASS", 30_000);
      expect(line).toMatchObject({ text: "LIVEDECK-TEST PASS typed pass", source: "console" });
      expect(await s.exited).toBe("exit code 0");
    } finally {
      await s.stop();
    }
  });

  it("a marker that never comes times out after its own timeout, naming it, with the tail", async () => {
    const t0 = Date.now();
    const e = await boot({ expect: [DOM0_READY, "LIVEDECK-GUEST-READY never"], timeoutMs: 5000 }).catch(
      (x) => x,
    );
    expect(e).toBeInstanceOf(BootFailed);
    const f = e as BootFailed;
    expect(f.reason).toBe("timeout");
    expect(f.awaited).toBe("LIVEDECK-GUEST-READY never");
    expect(f.detail).toBe("boot failed: no LIVEDECK-GUEST-READY never within 5 s");
    expect(f.tail).toContain("scenario?");
    expect(f.timeline?.map((x) => x.label)).toContain("dom0 ready");
    expect(await readFile(f.logs!.console, "utf8")).toContain("scenario?");
    expect((Date.now() - t0) / 1000).toBeGreaterThanOrEqual(5);
    expect((Date.now() - t0) / 1000).toBeLessThan(15);
  });

  it("LIVEDECK-TEST FAIL fails at once, not at the timeout", async () => {
    const { line, seconds } = await scenario("fail", "LIVEDECK-TEST PASS", 120_000);
    expect(line).toBeInstanceOf(BootFailed);
    expect(line).toMatchObject({
      reason: "test-failed",
      detail: 'boot failed: the medium reported "LIVEDECK-TEST FAIL asked to fail"',
    });
    expect(seconds).toBeLessThan(10);
  });

  it("a kernel panic fails with the lines after it", async () => {
    const { line, seconds } = await scenario("panic", "LIVEDECK-TEST PASS", 120_000);
    expect(line).toMatchObject({ reason: "panic" });
    expect((line as BootFailed).tail).toContain("panic detail line");
    expect(seconds).toBeLessThan(10);
  });

  it("the awaited guest's failure fails at once", async () => {
    const { line } = await scenario("guestfail", "LIVEDECK-GUEST-READY jeos", 120_000);
    expect(line).toMatchObject({ reason: "guest-failed" });
  });

  it("QEMU ending before the marker fails with how it ended", async () => {
    const { line } = await scenario("halt", "LIVEDECK-TEST PASS", 120_000);
    expect(line).toMatchObject({
      reason: "qemu-exited",
      detail: "boot failed: QEMU exited (exit code 0) before LIVEDECK-TEST PASS",
    });
  });
});

describe("livedeck boot", () => {
  async function cli(args: string[]): Promise<{ stdout: string; error?: unknown }> {
    const program = new Command("livedeck").exitOverride();
    registerBoot(program);
    let stdout = "";
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
    try {
      await program.parseAsync(["boot", iso, "--memory", "256", ...args], { from: "user" });
      return { stdout };
    } catch (error) {
      return { stdout, error };
    } finally {
      process.stdout.write = write;
    }
  }

  it("--json prints only the result on stdout", async () => {
    const log = logDir();
    const { stdout, error } = await cli(["--json", "--log", log, "--expect", DOM0_READY, SWITCHER_READY]);
    expect(error).toBeUndefined();
    const r = JSON.parse(stdout);
    expect(r.ok).toBe(true);
    expect(r.markers.map((m: { text: string }) => m.text)).toEqual([DOM0_READY, SWITCHER_READY]);
    expect(r.logs.console).toBe(join(log, "console.log"));
  });

  it("a failed boot throws BootFailed and still prints JSON with the failure", async () => {
    const { stdout, error } = await cli([
      "--json",
      "--log",
      logDir(),
      "--timeout",
      "2",
      "--expect",
      "LIVEDECK-NEVER",
    ]);
    expect(error).toBeInstanceOf(BootFailed);
    const r = JSON.parse(stdout);
    expect(r).toMatchObject({ ok: false, failure: { reason: "timeout", awaited: "LIVEDECK-NEVER" } });
    expect(r.failure.tail).toContain("scenario?");
  });

  it("--interactive attaches a terminal: typed keys reach GRUB, Ctrl-] Ctrl-] quits", async () => {
    // util-linux `script` gives the verb a real pseudo-terminal (raw mode, quit keys).
    const cmd = `node bin/livedeck.js boot ${iso} --memory 256 --interactive --log ${logDir()}`;
    const child = spawn("script", ["-qfec", cmd, "/dev/null"], { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    const seen = async (s: string) => {
      while (!out.includes(s)) await new Promise((r) => setTimeout(r, 50));
    };
    await seen("scenario?");
    child.stdin.write("sleep\r");
    await seen("scenario: sleep");
    child.stdin.write("\x1d\x1d");
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expect(out).toMatch(/dom0 ready\s+\d+\.\d s/);
  });
});

describe("a boot that stalls before dom0 is ready (src/qemu/stall.ts)", () => {
  /** startToDom0 on `cfg`'s medium with the run's retry report redirected to this file's own. */
  async function stall(cfg: string, name: string) {
    const medium = await buildScratchIso(work, cfg, name);
    const report = join(work, `${name}-retries.jsonl`);
    const saved = process.env[STALL_REPORT_ENV];
    process.env[STALL_REPORT_ENV] = report; // these stalls are on purpose: not the run's to list
    const starts: number[] = [];
    try {
      const e = await startToDom0({ iso: medium, memoryMiB: 256, logDir: logDir() }, 8_000, {
        fresh: async (n) => void starts.push(n),
      }).then(
        () => expect.fail("a medium without LIVEDECK-DOM0-READY came up"),
        (err: unknown) => err,
      );
      return { e, starts, report: await readFile(report, "utf8").catch(() => "") };
    } finally {
      if (saved === undefined) delete process.env[STALL_REPORT_ENV];
      else process.env[STALL_REPORT_ENV] = saved;
    }
  }

  it("silence before LIVEDECK-DOM0-READY: booted once more, reported, then the second stall fails", async () => {
    const { e, starts, report } = await stall(STALLING_GRUB_CFG, "stalling");
    expect(starts).toEqual([1, 2]);
    expect(e).toBeInstanceOf(BootFailed);
    expect((e as BootFailed).reason).toBe("timeout");
    expect((e as BootFailed).tail).toContain("about to get started...");
    const lines = formatStallReport(report);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /stalling\.iso that stalled before dom0 was ready: boot failed: no LIVEDECK-DOM0-READY within 8 s/,
    );
  });

  it("a panic before LIVEDECK-DOM0-READY is the medium's defect: not booted again", async () => {
    const { e, starts, report } = await stall(PANICKING_GRUB_CFG, "panicking");
    expect(starts).toEqual([1]);
    expect((e as BootFailed).reason).toBe("panic");
    expect(report).toBe("");
  });
});
