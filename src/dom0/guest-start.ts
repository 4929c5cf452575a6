import { runOk, type Runner, type RunOptions } from "./run.ts";

/**
 * dom0's one way to start a guest (initrd-skel/dom0/usr/lib/livedeck/guest-start, on dom0's PATH):
 * restored from its saved state on the medium when one fits this machine, else cold-booted. The
 * autostart supervisor and the switcher's "start" both use it. Its last line says how:
 * `livedeck: NAME: started restored (xl restore S s, seed and unpause S s, ready S s later)` or
 * `livedeck: NAME: started cold (REASON)`.
 */
export const GUEST_START = "guest-start";

export interface GuestStarted {
  how: "restored" | "cold";
  /** Why it was not restored (no state for this CPU, corrupt file, restore failed, …). */
  reason?: string;
}

export function guestStartArgv(name: string, configPath: string): string[] {
  return [GUEST_START, name, configPath];
}

/** How guest-start started NAME, from its output; throws when it did not say (an older dom0?). */
export function parseGuestStart(name: string, stdout: string): GuestStarted {
  const prefix = `livedeck: ${name}: started `;
  const line = stdout
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith(prefix))
    .at(-1);
  const m = line && /^(restored|cold)(?: \((.*)\))?$/.exec(line.slice(prefix.length));
  if (!m) throw new Error(`guest-start ${name}: no "started" line in its output`);
  return m[1] === "cold" ? { how: "cold", ...(m[2] ? { reason: m[2] } : {}) } : { how: "restored" };
}

/** Starts guest NAME from CONFIG and says how (a restore waits until the guest is ready again). */
export async function startGuest(
  run: Runner,
  name: string,
  configPath: string,
  opts?: RunOptions,
): Promise<GuestStarted> {
  return parseGuestStart(name, await runOk(run, guestStartArgv(name, configPath), opts));
}
