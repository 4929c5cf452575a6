import { describe, expect, it } from "vitest";
import { MIB, PRIME_REQUEST, parsePrimeIndex, scratchBytes } from "../../../src/formats/prime-disk.ts";

const INDEX = [
  "LIVEDECK-PRIME-STATES 1",
  "xen_version=4.17.3",
  "vendor=GenuineIntel",
  "flags=fpu de sse4_2",
  `state micro1 ${MIB} 100925440`,
  `state deb ${97 * MIB} 134000000`,
  "end",
  "",
].join("\n");

describe("parsePrimeIndex", () => {
  it("reads dom0's facts and each state's place on the scratch disk", () => {
    expect(parsePrimeIndex(INDEX)).toEqual({
      facts: [
        ["xen_version", "4.17.3"],
        ["vendor", "GenuineIntel"],
        ["flags", "fpu de sse4_2"],
      ],
      states: [
        { name: "micro1", offset: MIB, bytes: 100925440 },
        { name: "deb", offset: 97 * MIB, bytes: 134000000 },
      ],
    });
  });

  it("says when dom0 never wrote the index (the request header is still there)", () => {
    expect(() => parsePrimeIndex(`${PRIME_REQUEST}\n`)).toThrow("the request header (dom0 wrote no index)");
    expect(() => parsePrimeIndex("")).toThrow("prime disk: no index");
  });

  it("refuses a truncated index, a state over the index and a line it does not know", () => {
    expect(() => parsePrimeIndex(INDEX.replace("end\n", ""))).toThrow("no end line");
    expect(() => parsePrimeIndex(INDEX.replace(`micro1 ${MIB}`, "micro1 0"))).toThrow("bad state line");
    expect(() => parsePrimeIndex(INDEX.replace("end", "garbage here\nend"))).toThrow("bad index line");
  });
});

describe("scratchBytes", () => {
  it("holds the index MiB and each guest's RAM with room for the stream's overhead", () => {
    expect(scratchBytes([96, 96, 128])).toBe(MIB * (1 + 112 + 112 + 144));
  });
});
