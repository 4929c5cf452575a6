import { describe, expect, it } from "vitest";
import squashfs, { mksquashfsArgv, SquashfsOptions } from "../../../src/stages/squashfs.ts";

const opts = SquashfsOptions.parse({ which: "delta", epoch: 1700000000 });

describe("squashfs stage", () => {
  it("builds mksquashfs argv: zstd, reproducible, fixed times, no append", () => {
    // prettier-ignore
    expect(mksquashfsArgv(opts, { tree: "/o/tree", image: "/o/layer.squashfs" })).toEqual([
      "mksquashfs", "/o/tree", "/o/layer.squashfs",
      "-noappend",
      "-comp", "zstd", "-Xcompression-level", "15",
      "-reproducible", "-mkfs-time", "1700000000", "-all-time", "1700000000",
      "-xattrs",
      "-no-progress", "-quiet",
    ]);
    expect(mksquashfsArgv({ ...opts, level: 3 }, { tree: "t", image: "i" })).toContain("3");
  });

  it("consumes one layer and reads no other file", () => {
    expect(squashfs.consumes).toEqual(["layer"]);
    expect(squashfs.inputs(opts)).toEqual([]);
    expect(squashfs.tools).toEqual(["tar", "mksquashfs"]);
  });

  const bad: [string, object, RegExp][] = [
    ["unknown key", { ...opts, compression: "xz" }, /Unrecognized key\(s\) in object: 'compression'/],
    ["which", { ...opts, which: "full" }, /Expected 'delta' \| 'rootfs'/],
    ["level too high", { ...opts, level: 23 }, /less than or equal to 22/],
    ["negative epoch", { ...opts, epoch: -1 }, /greater than or equal to 0/],
    ["no epoch", { which: "rootfs" }, /Required/],
  ];
  for (const [name, o, message] of bad) {
    it(`rejects bad options: ${name}`, () => {
      const r = SquashfsOptions.safeParse(o);
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.message).toMatch(message);
    });
  }
});
