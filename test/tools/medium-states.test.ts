import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setEnvText, STATES_DIR } from "../../src/formats/state-meta.ts";
import { cpuForMedium, readStateSets } from "../../src/qemu/medium-states.ts";
import { chooseStateCpu, parseCpuHelp } from "../../src/qemu/state-cpu.ts";
import { exec } from "../../src/tools/exec.ts";

/**
 * The medium's state sets read with the real xorriso (an ISO) and from a directory (a PXE tree):
 * two sets as the prime stage writes set.env, a state file beside one (never read), and a medium
 * without states. (Ported from the bootcpu branch's test.)
 */
let work: string;
let tree: string;
let iso: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "livedeck-sets-"));
  tree = join(work, "tree");
  for (const [vendor, model] of [["GenuineIntel", "Nehalem"], ["AuthenticAMD", "Opteron_G3"]]) {
    await mkdir(join(tree, STATES_DIR, vendor!), { recursive: true });
    await writeFile(join(tree, STATES_DIR, vendor!, "set.env"), setEnvText([["vendor", vendor!]], { cpuModel: model!, zstd: "-3" }));
  } // prettier-ignore
  await writeFile(join(tree, STATES_DIR, "AuthenticAMD", "micro.zst"), "not read");
  iso = join(work, "states.iso");
  await exec(["xorriso", "-outdev", iso, "-map", tree, "/"], { stage: "test" });
  await mkdir(join(work, "bare"));
  await exec(["xorriso", "-outdev", join(work, "bare.iso"), "-map", join(work, "bare"), "/"], {
    stage: "test",
  });
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe("the medium's saved-state sets", () => {
  const both = [
    { vendorId: "AuthenticAMD", facts: { vendor: "AuthenticAMD", qemu_cpu: "Opteron_G3", zstd: "-3" } },
    { vendorId: "GenuineIntel", facts: { vendor: "GenuineIntel", qemu_cpu: "Nehalem", zstd: "-3" } },
  ];
  it("are read from an ISO (xorriso extracts only set.env) and from a PXE tree", async () => {
    expect(await readStateSets(iso, false)).toEqual(both);
    expect(await readStateSets(tree, true)).toEqual(both);
  });

  it("are none on a medium without states; then the boot takes QEMU's default", async () => {
    expect(await readStateSets(join(work, "bare.iso"), false)).toEqual([]);
    expect(await readStateSets(join(work, "bare"), true)).toEqual([]);
    expect((await cpuForMedium(join(work, "bare.iso"), {})).source).toBe("default");
  });

  it("name baseline models this QEMU offers, so a boot picks one of them", async () => {
    const help = await exec(["qemu-system-x86_64", "-cpu", "help"], { stage: "test" });
    const c = chooseStateCpu(await readStateSets(iso, false), {
      vendorId: "GenuineIntel",
      models: parseCpuHelp(help.stdout),
    });
    expect(c).toMatchObject({ cpu: "Nehalem", source: "medium" });
    expect(["Nehalem", "Opteron_G3"]).toContain((await cpuForMedium(iso, {})).cpu);
  });
});
