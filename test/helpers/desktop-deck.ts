import { DEFAULT_STATE_CPUS } from "../../src/formats/state-meta.ts";
import { withGuests, withoutAutostart, withStateCpus } from "./deck-edit.ts";

/** The Intel baseline model: the desktop deck's one prime boot, and the boots that restore from it. */
/** The desktop test's guests, in deck order: vnc-web serves desk N on ports 5900+N and 6080+N. */
export const DESKS = ["desk1", "desk2"] as const;

export const INTEL_CPU = DEFAULT_STATE_CPUS.find((c) => c.vendor === "intel")!;

/**
 * The CI deck with graphical guests `desks` (of `flavour`) after its own, and a saved state of the
 * first desk alone: it is the deck's only autostart guest (the prime boot saves the autostart guests),
 * primed once, on the Intel baseline at zstd -3. The other desks and the CI deck's own guests start
 * when a boot names them (livedeck.guests), cold: no state of theirs is on the medium.
 */
export function primedDesktopDeck(deck: string, desks: readonly string[], flavour = "desktop"): string {
  const entries = desks
    .map((d, i) => `  - name: ${d}\n    flavour: ${flavour}\n${i ? "    autostart: false\n" : ""}`)
    .join("");
  return withStateCpus(withoutAutostart(withGuests(deck, entries), ["micro1", "micro2", "deb"]), [INTEL_CPU]);
}
