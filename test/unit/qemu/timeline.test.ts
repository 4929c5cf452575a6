import { describe, expect, it } from "vitest";
import { formatTimeline, roundSeconds, Timeline } from "../../../src/qemu/timeline.ts";

describe("Timeline", () => {
  it("keeps only the first of a label with once(), every add(), and reports each entry", () => {
    const t = new Timeline();
    const seen: string[] = [];
    t.onEntry = (e) => seen.push(e.label);
    t.once({ label: "GRUB", seconds: 0.4, source: "console", line: "a" });
    t.once({ label: "GRUB", seconds: 0.9, source: "console", line: "b" });
    t.add({ label: "dom0 ready", seconds: 20, source: "events", line: "c" });
    t.add({ label: "dom0 ready", seconds: 21, source: "console", line: "d" });
    expect(t.entries.map((e) => [e.label, e.seconds])).toEqual([
      ["GRUB", 0.4],
      ["dom0 ready", 20],
      ["dom0 ready", 21],
    ]);
    expect(seen).toEqual(["GRUB", "dom0 ready", "dom0 ready"]);
  });

  it("formats an aligned table", () => {
    const text = formatTimeline([
      { label: "GRUB", seconds: 0.44, source: "console", line: "" },
      { label: "dom0 kernel", seconds: 9, source: "console", line: "" },
      { label: "dom0 ready", seconds: 123.45, source: "events", line: "" },
    ]);
    expect(text).toBe(["GRUB            0.4 s", "dom0 kernel     9.0 s", "dom0 ready    123.5 s"].join("\n"));
    expect(formatTimeline([])).toBe("(no serial output)");
  });

  it("rounds to tenths", () => {
    expect(roundSeconds(449)).toBe(0.4);
    expect(roundSeconds(20_051)).toBe(20.1);
  });
});
