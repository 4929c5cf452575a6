/**
 * A deck with more guests after its own (YAML lines of `- name: …` entries, two-space indented): they
 * go at the end of the `guests:` list, wherever the deck's next key (states:, boot:, …) starts.
 */
export function withGuests(deck: string, entries: string): string {
  const out = deck.replace(
    /^guests:\n(?:(?: .*|-.*|#.*)?\n)*/m,
    (list) => list.replace(/\n*$/, "\n") + entries,
  );
  if (out === deck) throw new Error("withGuests: the deck has no guests: list");
  return out;
}

/** A deck whose guests `names` stay on the medium but do not start at boot (`autostart: false`). */
export function withoutAutostart(deck: string, names: readonly string[]): string {
  return names.reduce((out, name) => {
    // the entry's own (four-space indented) lines end where the next entry or key begins
    const next = out.replace(
      new RegExp(`^  - name: ${name}\\n(?:    .*\\n)*`, "m"),
      (entry) => `${entry}    autostart: false\n`,
    );
    if (next === out) throw new Error(`withoutAutostart: the deck has no guest ${name}`);
    return next;
  }, deck);
}

/** A deck whose `states:` (one prime boot per entry) are these CPU models, at zstd -3 (fast to prime). */
export function withStateCpus(deck: string, cpus: readonly { vendor: string; model: string }[]): string {
  const list = cpus.map((c) => `{ vendor: ${c.vendor}, model: ${c.model} }`).join(", ");
  const out = deck.replace(/^states:.*\n(?: .*\n)*/m, `states:\n  cpus: [${list}]\n  level: 3\n`);
  if (out === deck) throw new Error("withStateCpus: the deck has no states: block");
  return out;
}
