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
