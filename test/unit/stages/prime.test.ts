import { describe, expect, it } from "vitest";
import prime from "../../../src/stages/prime.ts";

describe("prime stage", () => {
  it("takes a vendor, a QEMU CPU model and the states' compression; consumes the prime ISO and the guests tree", () => {
    expect(prime.options.parse({ vendor: "intel", cpu: "Nehalem", level: 19, long: true })).toEqual({
      vendor: "intel",
      cpu: "Nehalem",
      level: 19,
      long: true,
      timeoutS: 3600,
    });
    expect(prime.consumes).toEqual(["iso", "guests"]);
    expect(prime.tools).toContain("qemu-system-x86_64");
  });

  it.each([
    ["an unknown vendor", { vendor: "via", cpu: "x", level: 3, long: false }],
    [
      "a CPU model with a comma (a QEMU option injection)",
      { vendor: "amd", cpu: "EPYC,+svm", level: 3, long: false },
    ],
    ["a zstd level above 22", { vendor: "amd", cpu: "EPYC", level: 23, long: false }],
  ])("rejects %s", (_, o) => {
    expect(prime.options.safeParse(o).success).toBe(false);
  });
});
