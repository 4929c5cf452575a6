import { describe, expect, it } from "vitest";
import { closest, distance } from "../../../src/deck/suggest.ts";

describe("distance", () => {
  it.each([
    ["", "", 0],
    ["abc", "", 3],
    ["", "abc", 3],
    ["memory", "memory", 0],
    ["memroy", "memory", 2],
    ["isoo", "iso", 1],
    ["kitten", "sitting", 3],
  ])("%j ↔ %j = %d", (a, b, d) => {
    expect(distance(a, b)).toBe(d);
    expect(distance(b, a)).toBe(d);
  });
});

describe("closest", () => {
  it.each([
    ["memroy", ["memory", "vcpus", "packages"], "memory"],
    ["bokworm", ["bookworm", "trixie"], "bookworm"],
    ["isoo", ["iso", "pxe", "usb", "qcow2"], "iso"],
    ["demoo", ["demo", "verbose", "rescue"], "demo"],
    ["gusts", ["name", "guests", "boot"], "guests"],
    ["MEMORY", ["memory"], "memory"],
    ["jeoss", ["jeos", "micro", "server"], "jeos"],
  ])("%j → %j", (word, candidates, want) => {
    expect(closest(word, candidates)).toBe(want);
  });

  it("suggests nothing when every candidate is far off", () => {
    expect(closest("colour", ["memory", "vcpus"])).toBeUndefined();
    expect(closest("x", [])).toBeUndefined();
  });

  it("allows more edits for longer words", () => {
    expect(closest("compresion-levl", ["compression-level"])).toBe("compression-level");
    expect(closest("memroy", ["memory"])).toBe("memory"); // 2 edits from 4 letters on
    expect(closest("img", ["iso"])).toBeUndefined(); // short words: 1 edit only
    expect(closest("isp", ["iso"])).toBe("iso");
  });
});
