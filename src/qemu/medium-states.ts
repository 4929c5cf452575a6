import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STATES_DIR } from "../formats/state-meta.ts";
import { exec } from "../tools/exec.ts";
import { chooseStateCpu, parseCpuHelp, parseSetEnv, type CpuChoice, type StateSet } from "./state-cpu.ts";

/** `/livedeck/states/<vendor>/set.env` paths in `xorriso -find` output. */
export function parseSetEnvPaths(out: string): string[] {
  const re = new RegExp(`^'?(/${STATES_DIR}/[A-Za-z0-9]+/set\\.env)'?$`, "gm");
  return [...out.matchAll(re)].map((m) => m[1]!);
}

/** The medium's state sets: from the ISO (xorriso reads the small set.env files only) or a PXE tree. */
export async function readStateSets(medium: string, pxe: boolean): Promise<StateSet[]> {
  if (pxe) {
    const dir = join(medium, STATES_DIR);
    const vendors = await readdir(dir).catch(() => [] as string[]);
    const sets: StateSet[] = [];
    for (const v of vendors.sort()) {
      const text = await readFile(join(dir, v, "set.env"), "utf8").catch(() => undefined);
      if (text !== undefined) sets.push({ vendorId: v, facts: parseSetEnv(text) });
    }
    return sets;
  }
  const found = await exec(["xorriso", "-indev", medium, "-find", `/${STATES_DIR}`, "-name", "set.env"], {
    stage: "boot",
  }).catch(() => undefined); // no states directory: no sets
  const paths = found ? parseSetEnvPaths(found.stdout) : [];
  if (!paths.length) return [];
  const tmp = await mkdtemp(join(tmpdir(), "livedeck-sets-"));
  try {
    const sets: StateSet[] = [];
    for (const p of paths) {
      const vendorId = p.split("/")[3]!;
      const dest = join(tmp, vendorId);
      await exec(["xorriso", "-osirrox", "on", "-indev", medium, "-extract", p, dest], { stage: "boot" });
      sets.push({ vendorId, facts: parseSetEnv(await readFile(dest, "utf8")) });
    }
    return sets;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** This machine's CPU vendor id (GenuineIntel, AuthenticAMD), from /proc/cpuinfo. */
export async function hostCpuVendor(): Promise<string | undefined> {
  const text = await readFile("/proc/cpuinfo", "utf8").catch(() => "");
  return /^vendor_id\s*:\s*(\S+)/m.exec(text)?.[1];
}

/** The CPU model for a boot of `medium`: --cpu, else one its states were primed on (state-cpu.ts). */
export async function cpuForMedium(medium: string, o: { pxe?: boolean; flag?: string }): Promise<CpuChoice> {
  const sets = await readStateSets(medium, o.pxe === true);
  const help =
    sets.length && !o.flag
      ? (await exec(["qemu-system-x86_64", "-cpu", "help"], { stage: "boot" })).stdout
      : "";
  return chooseStateCpu(sets, { vendorId: await hostCpuVendor(), models: parseCpuHelp(help), flag: o.flag });
}
