import { constants } from "node:fs";
import { access, mkdtemp, open, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exec } from "../tools/exec.ts";
import { XEN_RESERVED_MIB } from "../deck/load.ts";
import { UserError } from "../errors.ts";
import type { Accel } from "./argv.ts";

export const MIN_MEMORY_MIB = 256;

export function checkMemory(mib: number): void {
  if (!Number.isInteger(mib) || mib < MIN_MEMORY_MIB) {
    throw new UserError(
      `memory: ${mib} MiB is not a whole number ≥ ${MIN_MEMORY_MIB}`,
      "use e.g. --memory 3072",
    );
  }
}

export async function checkAccel(accel: Accel): Promise<void> {
  if (accel !== "kvm") return;
  try {
    await access("/dev/kvm", constants.R_OK | constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new UserError(
      `--accel kvm: /dev/kvm is not usable (${code})`,
      "boot with --accel tcg (the default), or add your user to the kvm group",
    );
  }
}

// An ISO 9660 image has "CD001" at byte 32769 (the primary volume descriptor).
const ISO_MAGIC_AT = 0x8001;

/** The medium exists and is an ISO: a wrong path must fail now, not after a 180 s timeout. */
export async function checkMedium(iso: string): Promise<void> {
  const hint = "build it with `livedeck build <deck>` (it writes out/<deck>.iso) or check the path";
  let st;
  try {
    st = await stat(iso);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${iso}: ${code === "ENOENT" ? "no such file" : `cannot read (${code})`}`, hint);
  }
  if (!st.isFile()) throw new UserError(`${iso} is not a file`, hint);
  const fh = await open(iso, "r").catch((e: NodeJS.ErrnoException) => {
    throw new UserError(`${iso}: cannot read (${e.code})`, "check the file's permissions");
  });
  try {
    const magic = Buffer.alloc(5);
    await fh.read(magic, 0, 5, ISO_MAGIC_AT);
    if (magic.toString("latin1") !== "CD001") throw new UserError(`${iso} is not an ISO 9660 image`, hint);
  } finally {
    await fh.close();
  }
}

/** dom0_memory_mib from the medium's /.livedeck marker (written by the iso stage), if present. */
export function parseMarkerMemory(text: string): number | null {
  const m = /^dom0_memory_mib=(\d+)$/m.exec(text);
  return m ? Number(m[1]) : null;
}

/** A dom0 larger than the VM cannot boot: say so now, not after a timeout. */
export function checkDom0Fits(dom0MiB: number | null, vmMiB: number): void {
  if (dom0MiB === null || vmMiB >= dom0MiB + XEN_RESERVED_MIB) return;
  throw new UserError(
    `the medium's dom0 needs ${dom0MiB} MiB (dom0.memory) plus ~${XEN_RESERVED_MIB} MiB for Xen, but the VM has ${vmMiB} MiB`,
    `boot with --memory ${dom0MiB + XEN_RESERVED_MIB} or more, or lower dom0.memory in the deck`,
  );
}

/** The medium's /.livedeck marker text, or "" when it has none (any other ISO). */
export async function readMediumMarker(iso: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "livedeck-marker-"));
  try {
    await exec(["xorriso", "-osirrox", "on", "-indev", iso, "-extract", "/.livedeck", join(dir, "m")], {
      stage: "boot",
    });
    return await readFile(join(dir, "m"), "utf8");
  } catch {
    return "";
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
