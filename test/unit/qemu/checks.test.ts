import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.ts";
import { checkAccel, checkMedium, checkMemory } from "../../../src/qemu/checks.ts";

describe("checkMedium", () => {
  it("accepts a file with the ISO 9660 signature", async () => {
    const dir = await mkdtemp(join(tmpdir(), "livedeck-checks-"));
    const iso = Buffer.alloc(0x8800);
    iso.write("CD001", 0x8001, "latin1");
    await writeFile(join(dir, "ok.iso"), iso);
    await expect(checkMedium(join(dir, "ok.iso"))).resolves.toBeUndefined();
  });

  it("names a missing file, a directory and a non-ISO, with the build hint", async () => {
    const dir = await mkdtemp(join(tmpdir(), "livedeck-checks-"));
    await writeFile(join(dir, "deck.yaml"), "name: demo\n");
    const cases: [string, string][] = [
      [join(dir, "nope.iso"), `${join(dir, "nope.iso")}: no such file`],
      [dir, `${dir} is not a file`],
      [join(dir, "deck.yaml"), `${join(dir, "deck.yaml")} is not an ISO 9660 image`],
    ];
    for (const [path, message] of cases) {
      const e = await checkMedium(path).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).message).toBe(message);
      expect((e as UserError).hint).toMatch(/livedeck build/);
    }
  });
});

describe("checkMemory", () => {
  it("wants a whole number of MiB ≥ 256", () => {
    expect(() => checkMemory(3072)).not.toThrow();
    expect(() => checkMemory(100)).toThrow(/memory: 100 MiB is not a whole number ≥ 256/);
    expect(() => checkMemory(512.5)).toThrow(UserError);
    expect(() => checkMemory(Number.NaN)).toThrow(UserError);
  });
});

describe("checkAccel", () => {
  it("asks nothing of TCG", async () => {
    await expect(checkAccel("tcg")).resolves.toBeUndefined();
  });
});

describe("dom0 must fit in the VM", () => {
  it("reads dom0_memory_mib from the medium's marker", async () => {
    const { parseMarkerMemory } = await import("../../../src/qemu/checks.ts");
    expect(parseMarkerMemory("livedeck medium\nlabel=X\ndom0_memory_mib=1536\n")).toBe(1536);
    expect(parseMarkerMemory("livedeck medium\nlabel=X\n")).toBeNull();
  });
  it("refuses a VM smaller than dom0 plus Xen, naming the memory to use", async () => {
    const { checkDom0Fits } = await import("../../../src/qemu/checks.ts");
    expect(() => checkDom0Fits(1536, 1024)).toThrow(/dom0 needs 1536 MiB .* VM has 1024 MiB/);
    try {
      checkDom0Fits(1536, 1024);
    } catch (e) {
      expect((e as { hint: string }).hint).toBe("boot with --memory 1792 or more, or lower dom0.memory in the deck");
    }
    expect(() => checkDom0Fits(1536, 1792)).not.toThrow();
    expect(() => checkDom0Fits(null, 256)).not.toThrow();
  });
});
