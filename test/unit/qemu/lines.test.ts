import { describe, expect, it } from "vitest";
import { cleanLine, LineSplitter, Ring } from "../../../src/qemu/lines.ts";

describe("LineSplitter", () => {
  it("joins chunks into lines and keeps the unfinished rest until flush", () => {
    const got: string[] = [];
    const s = new LineSplitter((l) => got.push(l));
    s.push("GRUB\r\nLIVEDECK-");
    expect(got).toEqual(["GRUB\r"]);
    s.push(Buffer.from("DOM0-READY\nscenario?"));
    expect(got).toEqual(["GRUB\r", "LIVEDECK-DOM0-READY"]);
    s.flush();
    expect(got).toEqual(["GRUB\r", "LIVEDECK-DOM0-READY", "scenario?"]);
    s.flush();
    expect(got).toHaveLength(3);
  });

  it("decodes UTF-8 split across chunks", () => {
    const got: string[] = [];
    const s = new LineSplitter((l) => got.push(l));
    const bytes = Buffer.from("│ guest ✓\n");
    s.push(bytes.subarray(0, 1));
    s.push(bytes.subarray(1, 10));
    s.push(bytes.subarray(10));
    expect(got).toEqual(["│ guest ✓"]);
  });
});

describe("cleanLine", () => {
  const cases: [string, string][] = [
    ["\x1b[H\x1b[J\x1b[1;1HGRUB scratch: LIVEDECK-GRUB", "GRUB scratch: LIVEDECK-GRUB"],
    ["\rLIVEDECK-DOM0-READY", "LIVEDECK-DOM0-READY"],
    ["LIVEDECK-DOM0-READY\r", "LIVEDECK-DOM0-READY"],
    ["\x1b[0m\x1b[30m\x1b[47mWelcome to GRUB!", "Welcome to GRUB!"],
    ["\x1b[2J\x1b[01;01H\x1b[=3h\x1b[2JBdsDxe: loading Boot0001\r", "BdsDxe: loading Boot0001"],
    ["progress 10%\rprogress 100%", "progress 100%"],
    ["(XEN) Xen version 4.17.5\x07", "(XEN) Xen version 4.17.5"],
    ["\x1b]0;title\x07\x1b(Bswitcher", "switcher"],
    ["tab\tkept  ", "tab\tkept"],
  ];
  for (const [raw, clean] of cases) {
    it(JSON.stringify(raw), () => expect(cleanLine(raw)).toBe(clean));
  }
});

describe("Ring", () => {
  it("keeps the last N, oldest first", () => {
    const r = new Ring<number>(3);
    for (let i = 1; i <= 5; i++) r.push(i);
    expect(r.last()).toEqual([3, 4, 5]);
    expect(r.last(2)).toEqual([4, 5]);
  });
});
