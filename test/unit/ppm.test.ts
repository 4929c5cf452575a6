import { describe, expect, it } from "vitest";
import { colourShare, dominantColour, parsePpm, pictureStats } from "../helpers/ppm.ts";

const ppm = (w: number, h: number, rgb: number[][], comment = "") =>
  Buffer.concat([Buffer.from(`P6\n${comment}${w} ${h}\n255\n`, "latin1"), Buffer.from(rgb.flat())]);

describe("PPM pictures (the graphical tests' screendumps and snapshots)", () => {
  it("reads a P6 image with a comment and counts its colours", () => {
    const p = parsePpm(
      ppm(
        2,
        2,
        [
          [0, 0, 0],
          [0, 0, 0],
          [255, 0, 0],
          [58, 110, 165],
        ],
        "# qemu\n",
      ),
    );
    expect([p.width, p.height]).toEqual([2, 2]);
    expect(pictureStats(p)).toEqual({ colours: 3, dominant: 0.5, dark: 0.5 });
  });
  it("measures a colour's share, near enough, in a band of rows", () => {
    const p = parsePpm(
      ppm(2, 2, [
        [0, 0, 0],
        [60, 108, 160],
        [58, 110, 165],
        [58, 110, 165],
      ]),
    );
    expect(colourShare(p, [58, 110, 165], 0)).toBe(0.5);
    expect(colourShare(p, [58, 110, 165], 6)).toBe(0.75);
    expect(colourShare(p, [58, 110, 165], 6, 0, 1)).toBe(0.5);
    expect(colourShare(p, [58, 110, 165], 6, 1, 2)).toBe(1);
    expect(dominantColour(p)).toEqual([58, 110, 165]);
  });
  it("refuses other formats and cut images", () => {
    expect(() => parsePpm(Buffer.from("P3\n1 1\n255\n0 0 0\n"))).toThrow(/P6/);
    expect(() => parsePpm(ppm(2, 2, [[1, 2, 3]]))).toThrow(/bytes of pixels/);
  });
});
