import { DEFAULT_STATE_CPUS } from "../../src/formats/state-meta.ts";
import { withoutAutostart, withStateCpus } from "./deck-edit.ts";

/**
 * The CI deck with saved states (a `buildCi` edit; its flavours dir needs DEBSSH as debssh.yaml):
 * primed on both vendors' baseline models at zstd -3 (seconds per state on a busy host), with what
 * the states checks need and no more — one busybox guest (micro2 is not started) and the Debian
 * guest with sshd (restored copies must make their own host keys).
 */
export function statesDeck(deck: string): string {
  const out = withStateCpus(withoutAutostart(deck, ["micro2"]), DEFAULT_STATE_CPUS).replace(
    "    flavour: debian",
    "    flavour: debssh",
  );
  if (!out.includes("debssh"))
    throw new Error("statesDeck: flavours/ci.deck.yaml no longer has a debian guest");
  return out;
}
