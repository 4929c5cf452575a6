import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.ts";
import { scratch } from "../helpers/scratch.ts";

/**
 * dom0's shrink-target (initrd-skel/dom0/usr/lib/livedeck/shrink-target), run by the host's sh on a
 * guest console log: the balloon target state-shrink sets before a prime's `xl save`, from the last
 * READY-time memory line guest-up printed for that guest.
 */
const SCRIPT = join(ROOT, "initrd-skel/dom0/usr/lib/livedeck/shrink-target");
const UP = (name: string, avail: number, free = 20) =>
  `livedeck: guest ${name} up at 21.47 s, MemTotal: 113 MiB MemFree: ${free} MiB MemAvailable: ${avail} MiB \r\n`;
const newDir = scratch("livedeck-shrink-target-");

async function target(log: string, mib: number, env: Record<string, string> = {}) {
  const file = join(await newDir(), "guest-deb.log");
  await writeFile(file, log);
  const r = await execa("sh", [SCRIPT, "deb", String(mib), file], { reject: false, env });
  return { ok: r.exitCode === 0, out: String(r.stdout).trim() };
}

describe("shrink-target", () => {
  it("gives back what the guest had available at its last READY line, less the 16 MiB margin", async () => {
    const log = `Linux version 6.1\r\n${UP("deb", 40)}LIVEDECK-GUEST-READY deb\r\n${UP("deb", 90, 21)}${UP("debx", 5)}`;
    expect(await target(log, 128)).toEqual({ ok: true, out: "54 90 21" });
  });

  it("takes its margin from LIVEDECK_SHRINK_MARGIN_MIB", async () => {
    expect(await target(UP("deb", 90), 128, { LIVEDECK_SHRINK_MARGIN_MIB: "24" })).toEqual({
      ok: true,
      out: "62 90 20",
    });
  });

  it("refuses, saying why, when the guest had no more available than the margin", async () => {
    expect(await target(UP("deb", 16), 128)).toEqual({
      ok: false,
      out: "16 MiB available at ready, margin 16 MiB",
    });
  });

  it("refuses when the log has no READY-time line with MemFree and MemAvailable (older guest-up, another guest's)", async () => {
    const old = "livedeck: guest deb up at 21.47 s, MemTotal: 113 MiB MemAvailable: 80 MiB \r\n";
    expect(await target(old + UP("debx", 70), 128)).toEqual({
      ok: false,
      out: "no MemFree and MemAvailable on its console at ready",
    });
  });
});
