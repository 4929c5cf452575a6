import { describe, expect, it } from "vitest";
import { parseSwitcherArgs } from "../../../src/switcher/main.ts";

const none = () => false;

describe("switcher arguments", () => {
  it("defaults to dom0's paths", () => {
    expect(parseSwitcherArgs([], (p) => p === "/dev/ttyS1")).toEqual({
      mediumDir: "/run/medium",
      consoleLogDir: "/var/log/xen/console",
      events: "/dev/ttyS1",
      demoFixtures: null,
      allowQuit: false,
      pollMs: 3000,
      shutdownTimeoutMs: 30_000,
      supervise: false,
      crashLog: "/var/log/livedeck/switcher.log",
    });
  });

  it("takes every option; --demo allows quitting", () => {
    const o = parseSwitcherArgs(
      [
        "--medium",
        "/m",
        "--console-logs",
        "/l",
        "--events",
        "/e",
        "--poll-ms",
        "1000",
        "--shutdown-timeout",
        "5",
        "--demo",
        "/fx",
      ],
      none,
    );
    expect(o).toMatchObject({
      mediumDir: "/m",
      consoleLogDir: "/l",
      events: "/e",
      demoFixtures: "/fx",
      allowQuit: true,
      pollMs: 1000,
      shutdownTimeoutMs: 5000,
    });
    expect(parseSwitcherArgs(["--supervise", "--crash-log", "/c"], none)).toMatchObject({
      supervise: true,
      crashLog: "/c",
    });
    expect(parseSwitcherArgs(["--allow-quit"], none).allowQuit).toBe(true);
  });

  it.each([
    [["--poll-ms", "100"], "--poll-ms: 100 is not a whole number ≥ 500"],
    [["--shutdown-timeout", "soon"], "--shutdown-timeout: soon is not a whole number ≥ 1"],
    [["--bogus"], "Unknown option '--bogus'"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseSwitcherArgs(argv, none)).toThrow(message);
  });
});
