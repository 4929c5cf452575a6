import { describe, expect, it } from "vitest";
import { guestReadyInLog, printableLog } from "../../../src/dom0/console-log.ts";
import { parseMeminfo } from "../../../src/dom0/meminfo.ts";
import { fixture } from "./fixtures.ts";

describe("console log", () => {
  const log = fixture("console-guest-tiny.log");

  it("sees the READY line of the captured boot", () => {
    expect(guestReadyInLog(log, "tiny")).toBe(true);
    expect(guestReadyInLog(log, "t80")).toBe(false);
  });

  it("a new boot appended to the log is not ready until it says so", () => {
    const reboot = `${log}\nlivedeck: guest tiny (micro) init at 7.01 s\n`;
    expect(guestReadyInLog(reboot, "tiny")).toBe(false);
    expect(guestReadyInLog(`${reboot}LIVEDECK-GUEST-READY tiny\n`, "tiny")).toBe(true);
  });

  it("strips the escape sequences a guest shell writes", () => {
    expect(log).toContain("\x1b[6n");
    const clean = printableLog(log);
    expect(clean).not.toMatch(/[\x00-\x08\x0b-\x1f]/);
    expect(clean).toContain("LIVEDECK-GUEST-READY tiny\n");
    expect(clean.endsWith("/ # ")).toBe(true);
    expect(printableLog("a\r\nb\rc\x1b]0;title\x07d")).toBe("a\nb\ncd");
  });
});

describe("meminfo", () => {
  it("reads total and available MiB", () => {
    expect(
      parseMeminfo("MemTotal:        1497732 kB\nMemFree:          900000 kB\nMemAvailable:    1200000 kB\n"),
    ).toEqual({
      totalMiB: 1463,
      availableMiB: 1172,
    });
    expect(parseMeminfo("MemTotal:        1024 kB\nMemFree:  512 kB\n")).toEqual({
      totalMiB: 1,
      availableMiB: 1,
    });
    expect(parseMeminfo("nothing")).toBeNull();
  });
});
