import { describe, expect, it } from "vitest";
import { formatBuilds, formatSlowest } from "../../setup/time-report.ts";

describe("the test run's time report", () => {
  it("lists the slowest files first, at most n, with their share of all files' time", () => {
    const files = [
      { project: "unit", file: "test/unit/a.test.ts", ms: 1_000 },
      { project: "vm", file: "test/vm/states.test.ts", ms: 503_673 },
      { project: "tools", file: "test/tools/lock.test.ts", ms: 218_883 },
      { project: "vm", file: "test/vm/desktop.test.ts", ms: 76_444 },
    ];
    expect(formatSlowest(files, 2)).toEqual([
      "test run: the 2 slowest files (90 % of 800 s in all files)",
      "  504 s  vm    test/vm/states.test.ts",
      "  219 s  tools test/tools/lock.test.ts",
    ]);
  });

  it("prints nothing for a run without files", () => {
    expect(formatSlowest([])).toEqual([]);
  });

  it("sums the media builds and lists each in the order they ran", () => {
    const text = [
      JSON.stringify({ variant: "test/vm/states.test.ts append, edit", ms: 307_400 }),
      JSON.stringify({ variant: "test/vm/dom0-boot.test.ts", ms: 3_231 }),
      "",
    ].join("\n");
    expect(formatBuilds(text)).toEqual([
      "test run: 2 medium builds, 311 s in all",
      "   307 s  test/vm/states.test.ts append, edit",
      "     3 s  test/vm/dom0-boot.test.ts",
    ]);
    expect(formatBuilds("")).toEqual(["test run: no medium built"]);
  });
});
