import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseGuestConfig, readMediumGuests } from "../../../src/dom0/medium.ts";
import { XL_FIXTURES } from "./fixtures.ts";

describe("medium guests", () => {
  it("reads the configs of the captured medium in deck order", async () => {
    const guests = await readMediumGuests(join(XL_FIXTURES, "medium"));
    expect(guests.map((g) => [g.name, g.flavour, g.memoryMiB, g.vcpus, g.ip])).toEqual([
      ["tiny", "micro", 96, 1, "172.20.216.10"],
      ["deb", "jeos", 128, 1, "172.20.216.12"],
      ["t80", "micro", 80, 1, "172.20.216.11"],
    ]);
    expect(guests[0]!.configPath).toBe(join(XL_FIXTURES, "medium/livedeck/guests/1-tiny.cfg"));
  });

  it("is empty when the medium has no guests directory", async () => {
    expect(await readMediumGuests("/nonexistent-medium")).toEqual([]);
  });

  it("skips a config without a name and files that are not .cfg", async () => {
    const dir = await mkdtemp(join(tmpdir(), "medium-"));
    try {
      await mkdir(join(dir, "livedeck/guests"), { recursive: true });
      await writeFile(join(dir, "livedeck/guests/1-x.cfg"), "memory = 64\n");
      await writeFile(join(dir, "livedeck/guests/README"), 'name = "no"\n');
      expect(await readMediumGuests(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it("takes a config without livedeck words", () => {
    expect(parseGuestConfig('name = "plain"\nmemory = 256\n', "/c")).toEqual({
      name: "plain",
      flavour: "-",
      memoryMiB: 256,
      vcpus: null,
      ip: null,
      configPath: "/c",
    });
  });
});
