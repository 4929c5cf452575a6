import { describe, expect, it } from "vitest";
import { BootFailed } from "../../../src/qemu/errors.ts";
import { attemptLogDir, formatStallReport, isDom0Stall } from "../../../src/qemu/stall.ts";

const failed = (reason: ConstructorParameters<typeof BootFailed>[0], awaited: string) =>
  new BootFailed(reason, awaited, [], 240, `boot failed: ${reason}`);

describe("isDom0Stall: only silence before dom0 is booted again", () => {
  it.each([
    ["timeout before dom0", failed("timeout", "LIVEDECK-DOM0-READY"), true],
    ["timeout waiting for a guest", failed("timeout", "LIVEDECK-GUEST-READY deb"), false],
    ["a panic before dom0", failed("panic", "LIVEDECK-DOM0-READY"), false],
    ["QEMU exited before dom0", failed("qemu-exited", "LIVEDECK-DOM0-READY"), false],
    ["a test verdict", failed("test-failed", "LIVEDECK-DOM0-READY"), false],
    ["any other error", new Error("LIVEDECK-DOM0-READY"), false],
  ])("%s → %s", (_what, e, stall) => {
    expect(isDom0Stall(e)).toBe(stall);
  });
});

describe("attemptLogDir", () => {
  it("keeps the first attempt's dir and gives each retry a sibling", () => {
    expect(attemptLogDir("/tmp/b", 1)).toBe("/tmp/b");
    expect(attemptLogDir("/tmp/b", 2)).toBe("/tmp/b-retry1");
    expect(attemptLogDir(undefined, 2)).toBeUndefined();
  });
});

describe("formatStallReport", () => {
  it("one line per retry, naming the medium, the detail and the console log", () => {
    const text = [
      JSON.stringify({
        attempt: 1,
        detail: "boot failed: no X within 1 s",
        console: "/l/console.log",
        medium: "/m.iso",
      }),
      "",
    ].join("\n");
    expect(formatStallReport(text)).toEqual([
      "retried a boot of /m.iso that stalled before dom0 was ready: boot failed: no X within 1 s (console: /l/console.log)",
    ]);
    expect(formatStallReport("")).toEqual([]);
  });
});
