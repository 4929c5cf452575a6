import { constants } from "node:fs";
import { access, open, stat } from "node:fs/promises";
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
