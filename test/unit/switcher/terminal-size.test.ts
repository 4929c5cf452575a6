import { describe, expect, it } from "vitest";
import { fallbackSize } from "../../../src/switcher/terminal-size.ts";

describe("terminal size", () => {
  it("keeps a size the terminal reports", () => {
    expect(fallbackSize(132, 43, {})).toBeNull();
  });

  it("assumes 80×24 on a serial console that reports 0×0", () => {
    expect(fallbackSize(0, 0, {})).toEqual({ cols: 80, rows: 24 });
    expect(fallbackSize(undefined, undefined, {})).toEqual({ cols: 80, rows: 24 });
  });

  it("takes $COLUMNS and $LINES when they are numbers", () => {
    expect(fallbackSize(0, 0, { COLUMNS: "100", LINES: "30" })).toEqual({ cols: 100, rows: 30 });
    expect(fallbackSize(0, 0, { COLUMNS: "wide", LINES: "0" })).toEqual({ cols: 80, rows: 24 });
  });
});
