/**
 * The CI deck with saved states (a `buildCi` edit; its flavours dir needs DEBSSH as debssh.yaml):
 * primed on both vendors' baseline models at zstd -3 (seconds per state on a busy host), with what
 * the states checks need and no more — one busybox guest (micro2 is not started) and the Debian
 * guest with sshd (restored copies must make their own host keys).
 */
export function statesDeck(deck: string): string {
  const out = deck
    .replace("  - name: micro2\n    flavour: micro\n", "  - name: micro2\n    flavour: micro\n    autostart: false\n")
    .replace("    flavour: debian", "    flavour: debssh")
    .replace(
      /^states:.*\n( .*\n)*/m,
      "states:\n  cpus: [{ vendor: intel, model: Nehalem }, { vendor: amd, model: Opteron_G3 }]\n  level: 3\n",
    );
  if (!out.includes("autostart: false") || !out.includes("debssh") || !out.includes("Opteron_G3"))
    throw new Error("statesDeck: flavours/ci.deck.yaml no longer has the lines this edit expects");
  return out;
}
