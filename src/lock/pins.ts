import { writeFile } from "node:fs/promises";
import { shellQuote } from "../formats/shell.ts";
import type { LockedPackage } from "./lock-file.ts";

/** Name of the preferences file, beside the step's out/ and in the chroot's preferences.d. */
export const PIN_FILE = "livedeck-lock.pref";

/**
 * apt_preferences(5) text pinning each locked package to its version. Priority 1001 makes the
 * locked version the candidate even when the mirror has a newer one (or it is a downgrade), and
 * it holds for every apt run mmdebstrap makes: the essential set, minbase's required packages and
 * the includes alike. A version the mirror lacks would be silently ignored by apt: the build
 * checks the mirror's index before it runs (see mirror-check.ts).
 */
export function pinText(locked: readonly LockedPackage[]): string {
  const names = new Map<string, string>();
  for (const p of locked) names.set(p.name, p.version);
  return [...names]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, version]) => `Package: ${name}\nPin: version ${version}\nPin-Priority: 1001\n`)
    .join("\n");
}

/** mmdebstrap hooks: the pins go in before apt's first run and out before the tarball is made. */
export function pinHooks(file: string): string[] {
  const dest = `"$1"/etc/apt/preferences.d/${PIN_FILE}`;
  return [
    `--setup-hook=mkdir -p "$1"/etc/apt/preferences.d && cp ${shellQuote(file)} ${dest}`,
    `--customize-hook=rm -f ${dest}`,
  ];
}

export async function writePins(path: string, locked: readonly LockedPackage[]): Promise<string> {
  await writeFile(path, pinText(locked));
  return path;
}
