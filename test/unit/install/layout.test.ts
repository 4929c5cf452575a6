import { describe, expect, it } from "vitest";
import {
  PART_TYPES,
  ROOT_PARTITION,
  parseSfdiskJson,
  requiredTargetBytes,
  sfdiskScript,
} from "../../../src/install/layout.ts";

const table = (parts: { start: number; size: number; type: string }[], label = "gpt") =>
  JSON.stringify({ partitiontable: { label, sectorsize: 512, partitions: parts } });

describe("install layout", () => {
  it("writes a GPT script: BIOS boot, EFI system, root taking the rest, root as partition 3", () => {
    expect(sfdiskScript()).toBe(
      [
        "label: gpt",
        "first-lba: 2048",
        `start=2048, size=1MiB, type=${PART_TYPES.bios}, name="BIOS boot"`,
        `size=64MiB, type=${PART_TYPES.esp}, name="EFI system"`,
        `type=${PART_TYPES.root}, name="root"`,
        "",
      ].join("\n"),
    );
    expect(ROOT_PARTITION).toBe(3);
  });

  it("reads sfdisk --json back into byte offsets by role", () => {
    const p = parseSfdiskJson(
      table([
        { start: 2048, size: 2048, type: PART_TYPES.bios },
        { start: 4096, size: 131072, type: PART_TYPES.esp.toLowerCase() },
        { start: 135168, size: 1000, type: PART_TYPES.root },
      ]),
    );
    expect(p.bios).toEqual({ role: "bios", number: 1, offset: 1048576, bytes: 1048576 });
    expect(p.esp.offset).toBe(4096 * 512);
    expect(p.root).toEqual({ role: "root", number: 3, offset: 135168 * 512, bytes: 512000 });
  });

  it("refuses a table that is not the installer's", () => {
    expect(() => parseSfdiskJson(table([], "dos"))).toThrow(/dos with 0 partitions/);
    const swapped = [
      { start: 2048, size: 2048, type: PART_TYPES.bios },
      { start: 4096, size: 8, type: PART_TYPES.root },
      { start: 5000, size: 8, type: PART_TYPES.esp },
    ];
    expect(() => parseSfdiskJson(table(swapped))).toThrow(/partition 2 has type/);
  });

  it("needs more than the tree: ext4 overhead and headroom, whole MiB", () => {
    const need = requiredTargetBytes(700 * 2 ** 20);
    expect(need).toBeGreaterThan(700 * 2 ** 20 + 300 * 2 ** 20);
    expect(need % 2 ** 20).toBe(0);
    expect(requiredTargetBytes(2 * 700 * 2 ** 20)).toBeGreaterThan(need);
  });
});
