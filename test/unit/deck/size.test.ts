import { describe, expect, it } from "vitest";
import { formatMiB, parseSizeMiB, size } from "../../../src/deck/size.ts";

describe("parseSizeMiB", () => {
  it.each([
    ["128M", 128],
    ["1G", 1024],
    ["1.5G", 1536],
    ["512K", 0.5],
    ["2048k", 2],
    ["64MiB", 64],
    ["64MB", 64],
    [" 256 M ", 256],
    [128, 128],
    [0, 0],
  ] as const)("%j → %d MiB", (v, mib) => {
    expect(parseSizeMiB(v)).toBe(mib);
  });

  it.each(["12X", "12", "", "M", "-1M", "1T", "1e3M", "twelve"])("%j is not a size", (v) => {
    expect(parseSizeMiB(v)).toBeNull();
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])("the number %d is not a size", (v) => {
    expect(parseSizeMiB(v)).toBeNull();
  });
});

describe("formatMiB", () => {
  it.each([
    [64, "64M"],
    [1024, "1G"],
    [1536, "1536M"],
    [65536, "64G"],
  ])("%d → %s", (mib, text) => {
    expect(formatMiB(mib)).toBe(text);
  });
});

describe("size()", () => {
  const s = size(32, 1024);

  it("parses strings and bare numbers (MiB) into whole MiB", () => {
    expect(s.parse("128M")).toBe(128);
    expect(s.parse("1G")).toBe(1024);
    expect(s.parse(64)).toBe(64);
    expect(s.parse("32768K")).toBe(32);
  });

  it("names the expected form and the bounds", () => {
    expect(s.safeParse("12X").error?.issues[0]?.message).toBe('expected a size like 128M or 1G, got "12X"');
    expect(s.safeParse("16M").error?.issues[0]?.message).toBe("expected a size from 32M to 1G, got 16M");
    expect(s.safeParse("2G").error?.issues[0]?.message).toBe("expected a size from 32M to 1G, got 2G");
    expect(s.description).toBe("a size like 128M or 1G, from 32M to 1G");
  });
});
