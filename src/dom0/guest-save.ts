import type { Runner, RunOptions } from "./run.ts";

/**
 * dom0's run-time save (initrd-skel/dom0/usr/lib/livedeck/guest-save, on dom0's PATH): `xl save`s
 * a running guest (it stops) into RAM (dom0's tmpfs) or onto a disk labelled LIVEDECK-SAVE;
 * guest-start restores it the next time the guest starts. Its last line says what happened:
 * `livedeck: NAME: saved to ram|disk (PATH, BYTES bytes, SECONDS s)` or
 * `livedeck: NAME: not saved (REASON)` (exit 1).
 */
export const GUEST_SAVE = "guest-save";

export type SaveWhere = "ram" | "disk";

export type GuestSaved =
  | { saved: true; where: SaveWhere; path: string; bytes: number; seconds: number }
  | { saved: false; reason: string };

/** Where guest-save leaves "ram|disk PATH" for guest-start and the switcher, per guest. */
export const savedMarkerPath = (supervisorDir: string, name: string) => `${supervisorDir}/${name}/saved`;

export function guestSaveArgv(name: string, where: SaveWhere): string[] {
  return [GUEST_SAVE, name, where];
}

/** guest-save's last line for NAME, parsed; throws when it said neither (an older dom0?). */
export function parseGuestSave(name: string, stdout: string): GuestSaved {
  const prefix = `livedeck: ${name}: `;
  const line = stdout
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith(prefix))
    .at(-1)
    ?.slice(prefix.length);
  const ok = line && /^saved to (ram|disk) \((.+), (\d+) bytes, (\d+(?:\.\d+)?) s\)$/.exec(line);
  if (ok)
    return {
      saved: true,
      where: ok[1] as SaveWhere,
      path: ok[2]!,
      bytes: Number(ok[3]),
      seconds: Number(ok[4]),
    };
  const no = line && /^not saved \((.*)\)$/.exec(line);
  if (no) return { saved: false, reason: no[1]! };
  throw new Error(`guest-save ${name}: no "saved" or "not saved" line in its output`);
}

/** The marker guest-save leaves ("ram|disk PATH"): where the guest's save is, or null. */
export function parseSavedMarker(text: string | null): { where: SaveWhere; path: string } | null {
  const m = text && /^(ram|disk) (\S.*)$/.exec(text.trim());
  return m ? { where: m[1] as SaveWhere, path: m[2]! } : null;
}

/** Saves guest NAME to RAM or disk and says how it went (a refusal is an answer, not an error). */
export async function saveGuest(
  run: Runner,
  name: string,
  where: SaveWhere,
  opts?: RunOptions,
): Promise<GuestSaved> {
  const r = await run(guestSaveArgv(name, where), opts);
  if (r.cancelled || r.timedOut || r.code === null)
    throw new Error(`guest-save ${name}: ${r.cancelled ? "cancelled" : "killed"}`);
  try {
    return parseGuestSave(name, r.stdout);
  } catch (e) {
    const said = r.stderr.trim().split("\n").at(-1);
    throw new Error(`${(e as Error).message}${said ? `: ${said}` : ""} (exit code ${r.code})`);
  }
}
